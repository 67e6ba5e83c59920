/**
 * `createModeMachine`: the account's response settings as a state machine that refuses what LINE
 * refuses, shows what changes on its own, and (strict) refuses changes that would leave a
 * campaign unanswered, or (warn) lists the repairs that make every campaign answered again.
 */
import { formatInstant, toEpoch } from "../rules/time.js";
import { type Campaign, isAnswered, liveCampaigns, samplePoints } from "./campaigns.js";
import { type Capabilities, capabilitiesOf } from "./capabilities.js";
import type { Effect, Refusal, StepOutcome } from "./effects.js";
import type { CurrentEvent, LegacyEvent } from "./events.js";
import { currentStep } from "./profiles/current.js";
import { legacyStep } from "./profiles/legacy.js";
import { isInsideHours } from "./response-hours.js";
import {
  allOutputsOff,
  type CurrentState,
  type LegacyState,
  type Profile,
  responseMethodOf,
  type StateOf,
} from "./state.js";

/** The events of a profile. */
export type EventOf<P extends Profile> = P extends "current" ? CurrentEvent : LegacyEvent;

/** Something the operator must do, as the event that does it and a sentence for people. */
export interface Repair<P extends Profile = Profile> {
  event: EventOf<P>;
  /** `turn Webhook on`, `turn 自動応答 on`, `switch 応答モード to Bot`... */
  action: string;
}

/** A transition that happened. */
export interface TransitionSuccess<P extends Profile> {
  ok: true;
  state: StateOf<P>;
  /** Settings that changed on their own (legacy Chat mode) and drift found by OBSERVE. */
  effects: Effect[];
  /** What makes every live campaign answered again in the new state; empty when all are. */
  repairs: Repair<P>[];
}

/** The result of {@link ModeMachine.transition}. */
export type TransitionResult<P extends Profile> = TransitionSuccess<P> | Refusal;

/** A campaign that goes unanswered, and the first moment it does. */
export interface SilentCampaign {
  campaign: Campaign;
  at: number;
}

/** Options of {@link createModeMachine}. */
export interface ModeMachineOptions<P extends Profile> {
  profile: P;
  /** Campaigns to protect; `campaignsFromRules(ruleSet)` makes them from a rule file. */
  campaigns?: readonly Campaign[];
  /** Refuse changes that would leave a live campaign unanswered (default false: allow, with repairs). */
  strict?: boolean;
  /** Zone used to write times in messages; default `Asia/Tokyo`. */
  timeZone?: string;
}

/** A response-mode machine for one profile. */
export interface ModeMachine<P extends Profile> {
  readonly profile: P;
  readonly campaigns: readonly Campaign[];
  readonly strict: boolean;
  /**
   * Applies `event` to `state` at `at` (default now). Refused events leave nothing changed: the
   * caller keeps `state`.
   */
  transition(state: StateOf<P>, event: EventOf<P>, options?: { at?: Date | number }): TransitionResult<P>;
  /** What the account does at `at` (default now). */
  capabilities(state: StateOf<P>, at?: Date | number): Capabilities;
  /** Live campaigns that `state` leaves unanswered at some moment of their remaining window. */
  silentCampaigns(state: StateOf<P>, at?: Date | number): SilentCampaign[];
  /** What to do so that every live campaign is answered in `state`. */
  repairs(state: StateOf<P>, at?: Date | number): Repair<P>[];
}

const REPAIR_ORDER: readonly string[] = ["SWITCH_MODE", "SET_WEBHOOK", "SET_AUTO_RESPONSE", "SET_RESPONSE_METHOD"];

/**
 * Creates a response-mode machine.
 *
 * @example
 * ```ts
 * const machine = createModeMachine({ profile: "legacy", campaigns, strict: true });
 * const result = machine.transition(
 *   { mode: "bot", webhook: true, autoResponse: true, greeting: true },
 *   { type: "SWITCH_MODE", mode: "chat" },
 *   { at: Date.parse("2019-08-05T12:00:00+09:00") },
 * );
 * // { ok: false, code: "CAMPAIGN_WOULD_GO_SILENT", message: 'campaign "survey-gift" would ...' }
 * ```
 */
export function createModeMachine<P extends Profile>(options: ModeMachineOptions<P>): ModeMachine<P> {
  const { profile, strict = false, timeZone = "Asia/Tokyo" } = options;
  const campaigns = [...(options.campaigns ?? [])];
  const step = (state: StateOf<P>, event: EventOf<P>): StepOutcome<StateOf<P>> =>
    (profile === "current"
      ? currentStep(state as CurrentState, event as CurrentEvent)
      : legacyStep(state as LegacyState, event as LegacyEvent)) as StepOutcome<StateOf<P>>;
  const answered = (state: StateOf<P>, campaign: Campaign, at: number) => isAnswered(profile, state, campaign, at);

  const silentCampaigns = (state: StateOf<P>, at: number): SilentCampaign[] =>
    liveCampaigns(campaigns, at).flatMap((campaign) => {
      const silentAt = samplePoints(campaign, at, [state]).find((t) => !answered(state, campaign, t));
      return silentAt === undefined ? [] : [{ campaign, at: silentAt }];
    });

  const repairs = (state: StateOf<P>, at: number): Repair<P>[] => {
    const found = new Map<string, Repair<P>>();
    const add = (event: EventOf<P>, action: string) => found.set(action, { event, action });
    for (const campaign of liveCampaigns(campaigns, at)) {
      for (const t of samplePoints(campaign, at, [state])) {
        if (answered(state, campaign, t)) continue;
        if (profile === "legacy") {
          const legacy = state as LegacyState;
          if (legacy.mode === "chat")
            add({ type: "SWITCH_MODE", mode: "bot" } as EventOf<P>, "switch 応答モード to Bot");
          if (campaign.answeredBy === "bot" && !legacy.webhook)
            add({ type: "SET_WEBHOOK", on: true } as EventOf<P>, "turn Webhook on");
          if (campaign.answeredBy === "native" && !legacy.autoResponse) {
            add({ type: "SET_AUTO_RESPONSE", on: true } as EventOf<P>, "turn 自動応答 on");
          }
          continue;
        }
        const current = state as CurrentState;
        if (campaign.answeredBy === "bot") add({ type: "SET_WEBHOOK", on: true } as EventOf<P>, "turn Webhook on");
        else if (!current.autoResponse)
          add({ type: "SET_AUTO_RESPONSE", on: true } as EventOf<P>, "turn 応答メッセージ on");
        else {
          // Auto-response is on but chat's response method for this band is manual chat only.
          const band = current.responseHours && !isInsideHours(current.responseHours, t) ? "outside" : "inside";
          const where = current.responseHours ? `${band} response hours` : "(no response hours set)";
          add(
            { type: "SET_RESPONSE_METHOD", [band]: "manual+auto" } as EventOf<P>,
            `set the response method ${where} to 手動チャット＋応答メッセージ (it is ${responseMethodOf(current)[band]})`,
          );
        }
      }
    }
    // A fixed order, whatever the campaign order: the mode first (legacy needs Bot before the rest).
    return [...found.values()].sort((a, b) => REPAIR_ORDER.indexOf(a.event.type) - REPAIR_ORDER.indexOf(b.event.type));
  };

  return {
    profile,
    campaigns,
    strict,
    transition(state, event, transitionOptions) {
      const at = toEpoch(transitionOptions?.at);
      const outcome = step(state, event);
      if (!outcome.ok) return outcome;
      const next = outcome.state;
      if (allOutputsOff(next)) {
        const cause = outcome.effects.length > 0 ? " (after the settings it turns off on its own)" : "";
        return {
          ok: false,
          code: "ALL_OUTPUTS_OFF",
          message: `${describeEvent(event)} would leave Webhook, auto-response and greeting all off${cause}, which LINE does not allow: keep one of them on`,
        };
      }
      if (strict) {
        for (const campaign of liveCampaigns(campaigns, at)) {
          const silentAt = samplePoints(campaign, at, [state, next]).find(
            (t) => answered(state, campaign, t) && !answered(next, campaign, t),
          );
          if (silentAt !== undefined) {
            const how =
              campaign.answeredBy === "bot"
                ? "the webhook would no longer receive messages"
                : "OA Manager's auto-responses would not fire";
            return {
              ok: false,
              code: "CAMPAIGN_WOULD_GO_SILENT",
              message: `${describeEvent(event)} refused: campaign "${campaign.id}" would go unanswered from ${formatInstant(silentAt, timeZone)} (${how})`,
            };
          }
        }
      }
      return { ok: true, state: next, effects: outcome.effects, repairs: repairs(next, at) };
    },
    capabilities: (state, at) => capabilitiesOf(profile, state, toEpoch(at)),
    silentCampaigns: (state, at) => silentCampaigns(state, toEpoch(at)),
    repairs: (state, at) => repairs(state, toEpoch(at)),
  };
}

/** `SWITCH_MODE:chat`, `SET_WEBHOOK:off`: the CLI's step syntax, for messages. */
export function describeEvent(event: CurrentEvent | LegacyEvent): string {
  switch (event.type) {
    case "SWITCH_MODE":
      return `SWITCH_MODE:${event.mode}`;
    case "SET_CHAT":
    case "SET_WEBHOOK":
    case "SET_AUTO_RESPONSE":
    case "SET_GREETING":
      return `${event.type}:${event.on ? "on" : "off"}`;
    case "SET_RESPONSE_HOURS":
      return `SET_RESPONSE_HOURS:${event.hours ? "set" : "none"}`;
    case "SET_RESPONSE_METHOD":
      return `SET_RESPONSE_METHOD:${[
        event.inside && `inside=${event.inside}`,
        event.outside && `outside=${event.outside}`,
      ]
        .filter(Boolean)
        .join(",")}`;
    case "OBSERVE":
      return `OBSERVE:chatMode=${event.chatMode},webhookActive=${event.webhookActive}`;
  }
}
