/**
 * `createModeMachine`: the account's response settings as a state machine that refuses what LINE
 * refuses, shows what changes on its own, and (strict) refuses changes that would leave a live
 * rule unanswered, or (warn) reports them as critical with the repairs that make every live rule
 * answered again. Observations are facts about the account: they apply in both modes.
 */
import { formatInstant, toEpoch } from "../rules/time.js";
import { type Campaign, describeWindow, isAnswered, liveCampaigns, samplePoints } from "./campaigns.js";
import type { Capabilities } from "./capabilities.js";
import type { Effect, Refusal } from "./effects.js";
import type { CurrentEvent, EventOf, LegacyEvent } from "./events.js";
import {
  describeRepairs,
  describeSilent,
  type Finding,
  type Repair,
  type SilentCampaign,
  silenceFinding,
} from "./findings.js";
import { logicOf } from "./profiles/index.js";
import { allOutputsOff, type Profile, type StateOf } from "./state.js";

export type { EventOf } from "./events.js";
export type { Repair, SilentCampaign } from "./findings.js";

/** A transition that happened. */
export interface TransitionSuccess<P extends Profile> {
  ok: true;
  state: StateOf<P>;
  /** Settings that changed on their own (legacy Chat mode) and drift found by OBSERVE. */
  effects: Effect[];
  /** What makes every live rule answered again in the new state; empty when all are. */
  repairs: Repair<P>[];
  /**
   * `CAMPAIGN_SILENT` (critical) when a live rule is unanswered in the new state, with the silenced
   * rules and the repairs; `DRIFT` (warning) for each difference an observation found.
   */
  findings: Finding<P>[];
}

/** A refused transition: the state stays as it was. */
export interface TransitionRefusal<P extends Profile> extends Refusal {
  /**
   * `CAMPAIGN_WOULD_GO_SILENT`: every live rule the event would leave unanswered (bot- and
   * native-answered), each with its window and the first moment. Empty for other refusals.
   */
  silenced: SilentCampaign[];
  /** `CAMPAIGN_WOULD_GO_SILENT`: what the event would make necessary had it happened. Empty for other refusals. */
  repairs: Repair<P>[];
}

/** The result of {@link ModeMachine.transition}. */
export type TransitionResult<P extends Profile> = TransitionSuccess<P> | TransitionRefusal<P>;

/** Options of {@link createModeMachine}. */
export interface ModeMachineOptions<P extends Profile> {
  profile: P;
  /** Rules to keep answered while they are live; `campaignsFromRules(ruleSet)` makes them from a rule file. */
  campaigns?: readonly Campaign[];
  /**
   * Refuse operator actions that would leave a live rule unanswered (default false: allow them,
   * with a critical finding and the repairs). Observations apply in both modes.
   */
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
  /** Live rules that `state` leaves unanswered at some moment of their remaining window. */
  silentCampaigns(state: StateOf<P>, at?: Date | number): SilentCampaign[];
  /** What to do so that every live rule is answered in `state`. */
  repairs(state: StateOf<P>, at?: Date | number): Repair<P>[];
}

const REPAIR_ORDER: readonly string[] = ["SWITCH_MODE", "SET_WEBHOOK", "SET_AUTO_RESPONSE", "SET_RESPONSE_METHOD"];

const whySilent = (campaign: Campaign, would: boolean): string => {
  if (campaign.answeredBy === "bot")
    return `the webhook ${would ? "would no longer receive" : "does not receive"} messages`;
  return `OA Manager's auto-responses ${would ? "would" : "do"} not fire`;
};

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
 * // { ok: false, code: "CAMPAIGN_WOULD_GO_SILENT", silenced: [{ campaign: { id: "voice-gift", ... }, ... }],
 * //   repairs: [{ action: "switch 応答モード to Bot" }, ...], message: 'SWITCH_MODE:chat refused: ...' }
 * ```
 */
export function createModeMachine<P extends Profile>(options: ModeMachineOptions<P>): ModeMachine<P> {
  const { profile, strict = false, timeZone = "Asia/Tokyo" } = options;
  const campaigns = [...(options.campaigns ?? [])];
  const formatAt = (at: number) => formatInstant(at, timeZone);
  const logic = logicOf(profile);
  const answered = (state: StateOf<P>, campaign: Campaign, at: number) =>
    isAnswered(logic.capabilities(state, at), campaign);
  const silent = (campaign: Campaign, at: number, would: boolean): SilentCampaign => ({
    campaign,
    at,
    window: describeWindow(campaign, timeZone),
    reason: whySilent(campaign, would),
  });

  const silentCampaigns = (state: StateOf<P>, at: number): SilentCampaign[] =>
    liveCampaigns(campaigns, at).flatMap((campaign) => {
      const silentAt = samplePoints(campaign, at, [state]).find((t) => !answered(state, campaign, t));
      return silentAt === undefined ? [] : [silent(campaign, silentAt, false)];
    });

  const repairs = (state: StateOf<P>, at: number): Repair<P>[] => {
    const found = new Map<string, Repair<P>>();
    for (const campaign of liveCampaigns(campaigns, at)) {
      for (const t of samplePoints(campaign, at, [state])) {
        if (answered(state, campaign, t)) continue;
        for (const repair of logic.repairs(state, campaign, t)) found.set(repair.action, repair);
      }
    }
    // A fixed order, whatever the rule order: the mode first (legacy needs Bot before the rest).
    return [...found.values()].sort((a, b) => REPAIR_ORDER.indexOf(a.event.type) - REPAIR_ORDER.indexOf(b.event.type));
  };

  /** DRIFT warnings for what an observation found, and one CAMPAIGN_SILENT for the rules `state` leaves unanswered. */
  const findingsOf = (state: StateOf<P>, effects: readonly Effect[], at: number): Finding<P>[] => {
    const findings: Finding<P>[] = [];
    for (const effect of effects) {
      if (effect.kind !== "drift") continue;
      findings.push({
        severity: "warning",
        code: "DRIFT",
        key: `DRIFT:${effect.field}`,
        message: effect.message,
        silenced: [],
        repairs: [],
      });
    }
    const silenced = silentCampaigns(state, at);
    if (silenced.length > 0) findings.push(silenceFinding(silenced, repairs(state, at), formatAt));
    return findings;
  };

  const refuse = (refusal: Refusal): TransitionRefusal<P> => ({ ...refusal, silenced: [], repairs: [] });

  return {
    profile,
    campaigns,
    strict,
    transition(state, event, transitionOptions) {
      const at = toEpoch(transitionOptions?.at);
      const outcome = logic.step(state, event);
      if (!outcome.ok) return refuse(outcome);
      const next = outcome.state;
      if (allOutputsOff(next)) {
        const cause = outcome.effects.length > 0 ? " (after the settings it turns off on its own)" : "";
        return refuse({
          ok: false,
          code: "ALL_OUTPUTS_OFF",
          message: `${describeEvent(event)} would leave Webhook, auto-response and greeting all off${cause}, which LINE does not allow: keep one of them on`,
        });
      }
      // An observation is a fact about the real account, not a request: refusing it would keep a
      // state that is no longer true. It applies in strict mode too, with its findings.
      if (strict && event.type !== "OBSERVE") {
        const silenced = liveCampaigns(campaigns, at).flatMap((campaign) => {
          const silentAt = samplePoints(campaign, at, [state, next]).find(
            (t) => answered(state, campaign, t) && !answered(next, campaign, t),
          );
          return silentAt === undefined ? [] : [silent(campaign, silentAt, true)];
        });
        if (silenced.length > 0) {
          const needed = repairs(next, at);
          const rules = silenced.map((s) => describeSilent(s, formatAt)).join("; ");
          const count = silenced.length === 1 ? "1 live rule" : `${silenced.length} live rules`;
          return {
            ok: false,
            code: "CAMPAIGN_WOULD_GO_SILENT",
            message: `${describeEvent(event)} refused: ${count} would go unanswered: ${rules}${describeRepairs(needed).replace("; repairs:", "; had it happened, it would need:")}`,
            silenced,
            repairs: needed,
          };
        }
      }
      return {
        ok: true,
        state: next,
        effects: outcome.effects,
        repairs: repairs(next, at),
        findings: findingsOf(next, outcome.effects, at),
      };
    },
    capabilities: (state, at) => logic.capabilities(state, toEpoch(at)),
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
