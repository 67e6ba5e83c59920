/**
 * The pre-2022 settings (until 2022-11-29): 応答モード Bot or Chat, mutually exclusive.
 * Sources (LINE-FACTS): "チャットモードではWebhookは自動的にオフになります" (operator guides);
 * switching back to Bot did not switch Webhook back on (a public bot's staff instructions); the
 * seed incident (2019-08-04): 自動応答 was off after Bot -> Chat -> Bot. Chat mode turning 自動応答
 * off is that operator's report, encoded here as an assumption.
 */

import { legacyCapabilities } from "../capabilities.js";
import {
  type Effect,
  impossibleObservation,
  runHandler,
  type StepOutcome,
  sideEffects,
  webhookDrift,
} from "../effects.js";
import type { LegacyEvent } from "../events.js";
import type { Repair } from "../findings.js";
import { legacyOperatorEvents } from "../operator-events.js";
import type { ProfileLogic } from "../profile-logic.js";
import { allOutputsOff, type LegacyState } from "../state.js";

type Mode = LegacyState["mode"];
type InMode<M extends Mode> = LegacyState & { mode: M };
type Handler<M extends Mode, T extends LegacyEvent["type"]> = (
  state: InMode<M>,
  event: Extract<LegacyEvent, { type: T }>,
) => StepOutcome<LegacyState>;

/** Every mode handles every event: a missing mode, event or target state is a type error. */
export type LegacyTable = { [M in Mode]: { [T in LegacyEvent["type"]]: Handler<M, T> } };

const ok = (state: LegacyState, effects: Effect[] = []): StepOutcome<LegacyState> => ({ ok: true, state, effects });

function observe(state: LegacyState, event: Extract<LegacyEvent, { type: "OBSERVE" }>): StepOutcome<LegacyState> {
  const effects: Effect[] = [];
  let next: LegacyState = { ...state };
  if (event.chatMode !== state.mode) {
    effects.push({
      kind: "drift",
      field: "mode",
      declared: state.mode,
      observed: event.chatMode,
      message: `the account is in ${event.chatMode === "chat" ? "Chat" : "Bot"} mode, not ${state.mode === "chat" ? "Chat" : "Bot"} mode as declared`,
    });
    next = event.chatMode === "chat" ? toChat(next) : { ...next, mode: "bot" };
  }
  const webhook = next.mode === "bot" && event.webhookActive;
  if (webhook !== next.webhook) {
    effects.push(webhookDrift(next.webhook, webhook));
    next = { ...next, webhook };
  }
  if (allOutputsOff(next)) return impossibleObservation("自動応答");
  return ok(next, effects);
}

function toChat(state: LegacyState): LegacyState {
  return { ...state, mode: "chat", webhook: false, autoResponse: false };
}

const CHAT_SWITCH_REASON =
  "Chat mode turns Webhook and 自動応答 off (チャットモードではWebhookは自動的にオフになります)";

const unavailable = (what: string): StepOutcome<LegacyState> => ({
  ok: false,
  code: "UNAVAILABLE_IN_CHAT_MODE",
  message: `${what} cannot be turned on in Chat mode; switch to Bot mode first`,
});

/** The legacy transition table. */
export const legacyTable: LegacyTable = {
  bot: {
    SWITCH_MODE: (state, event) => {
      if (event.mode === "bot") return ok(state);
      const next = toChat(state);
      return ok(next, sideEffects(state, next, ["webhook", "autoResponse"], CHAT_SWITCH_REASON));
    },
    SET_WEBHOOK: (state, event) => ok({ ...state, webhook: event.on }),
    SET_AUTO_RESPONSE: (state, event) => ok({ ...state, autoResponse: event.on }),
    SET_GREETING: (state, event) => ok({ ...state, greeting: event.on }),
    OBSERVE: observe,
  },
  chat: {
    // Back to Bot restores neither Webhook nor 自動応答: the seed incident.
    SWITCH_MODE: (state, event) => ok(event.mode === "chat" ? state : { ...state, mode: "bot" }),
    SET_WEBHOOK: (state, event) => (event.on ? unavailable("Webhook") : ok(state)),
    SET_AUTO_RESPONSE: (state, event) => (event.on ? unavailable("自動応答") : ok(state)),
    SET_GREETING: (state, event) => ok({ ...state, greeting: event.on }),
    OBSERVE: observe,
  },
};

/** Runs one event through the legacy table, in the state's mode. */
export function legacyStep(state: LegacyState, event: LegacyEvent): StepOutcome<LegacyState> {
  return runHandler(legacyTable[state.mode], "legacy", state, event);
}

/** Bot mode first (nothing automatic happens in Chat mode), then the toggle the rule needs. */
function legacyRepairs(state: LegacyState, campaign: { answeredBy: "bot" | "native" }): Repair<"legacy">[] {
  const repairs: Repair<"legacy">[] = [];
  if (state.mode === "chat")
    repairs.push({ event: { type: "SWITCH_MODE", mode: "bot" }, action: "switch 応答モード to Bot" });
  if (campaign.answeredBy === "bot" && !state.webhook) {
    repairs.push({ event: { type: "SET_WEBHOOK", on: true }, action: "turn Webhook on" });
  }
  if (campaign.answeredBy === "native" && !state.autoResponse) {
    repairs.push({ event: { type: "SET_AUTO_RESPONSE", on: true }, action: "turn 自動応答 on" });
  }
  return repairs;
}

/** The pre-2022 settings, as the machine uses them. */
export const legacyProfile: ProfileLogic<"legacy"> = {
  profile: "legacy",
  step: legacyStep,
  capabilities: (state) => legacyCapabilities(state),
  repairs: legacyRepairs,
  operatorEvents: legacyOperatorEvents,
};
