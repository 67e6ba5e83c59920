/**
 * Today's settings (since 2022-11-30, "Webhookとチャットが併用できるようになりました"): Chat, Webhook,
 * 応答メッセージ and あいさつメッセージ are independent toggles; response hours and the response
 * method per band are chat settings. No toggle changes another, so the only side effects come from
 * observations.
 */

import { currentCapabilities } from "../capabilities.js";
import { type Effect, impossibleObservation, runHandler, type StepOutcome, webhookDrift } from "../effects.js";
import type { CurrentEvent } from "../events.js";
import type { Repair } from "../findings.js";
import { currentOperatorEvents } from "../operator-events.js";
import type { ProfileLogic } from "../profile-logic.js";
import { isInsideHours } from "../response-hours.js";
import { allOutputsOff, type CurrentState, onOff, responseMethodOf } from "../state.js";

type Handler<T extends CurrentEvent["type"]> = (
  state: CurrentState,
  event: Extract<CurrentEvent, { type: T }>,
) => StepOutcome<CurrentState>;

/**
 * Every event has a handler: a missing event or target state is a type error. States are products
 * of independent toggles, so the table is keyed by event only.
 */
export type CurrentTable = { [T in CurrentEvent["type"]]: Handler<T> };

const ok = (state: CurrentState, effects: Effect[] = []): StepOutcome<CurrentState> => ({ ok: true, state, effects });

/** The current transition table. */
export const currentTable: CurrentTable = {
  SET_CHAT: (state, event) => ok({ ...state, chat: event.on }),
  SET_WEBHOOK: (state, event) => ok({ ...state, webhook: event.on }),
  SET_AUTO_RESPONSE: (state, event) => ok({ ...state, autoResponse: event.on }),
  SET_GREETING: (state, event) => ok({ ...state, greeting: event.on }),
  SET_RESPONSE_HOURS: (state, event) => ok({ ...state, responseHours: event.hours }),
  SET_RESPONSE_METHOD: (state, event) => {
    const method = responseMethodOf(state);
    return ok({
      ...state,
      responseMethod: { inside: event.inside ?? method.inside, outside: event.outside ?? method.outside },
    });
  },
  OBSERVE: (state, event) => {
    const effects: Effect[] = [];
    const chat = event.chatMode === "chat";
    if (chat !== state.chat) {
      effects.push({
        kind: "drift",
        field: "chat",
        declared: state.chat,
        observed: chat,
        message: `Chat is ${onOff(chat)} (bot info chatMode "${event.chatMode}"), not ${onOff(state.chat)} as declared`,
      });
    }
    if (event.webhookActive !== state.webhook) effects.push(webhookDrift(state.webhook, event.webhookActive));
    const next = { ...state, chat, webhook: event.webhookActive };
    if (allOutputsOff(next)) return impossibleObservation("応答メッセージ");
    return ok(next, effects);
  },
};

/** Runs one event through the current table. */
export function currentStep(state: CurrentState, event: CurrentEvent): StepOutcome<CurrentState> {
  return runHandler(currentTable, "current", state, event);
}

/**
 * A bot rule needs the webhook; a native one needs 応答メッセージ and, with chat on, a response
 * method that includes auto-responses in the band `at` falls in: turning 応答メッセージ on alone
 * would leave the rule silent.
 */
function currentRepairs(
  state: CurrentState,
  campaign: { answeredBy: "bot" | "native" },
  at: number,
): Repair<"current">[] {
  if (campaign.answeredBy === "bot") return [{ event: { type: "SET_WEBHOOK", on: true }, action: "turn Webhook on" }];
  const repairs: Repair<"current">[] = [];
  if (!state.autoResponse) {
    repairs.push({ event: { type: "SET_AUTO_RESPONSE", on: true }, action: "turn 応答メッセージ on" });
  }
  const band = state.responseHours && !isInsideHours(state.responseHours, at) ? "outside" : "inside";
  if (state.chat && responseMethodOf(state)[band] === "manual") {
    const where = state.responseHours ? `${band} response hours` : "(no response hours set)";
    repairs.push({
      event: { type: "SET_RESPONSE_METHOD", [band]: "manual+auto" },
      action: `set the response method ${where} to 手動チャット＋応答メッセージ (it is manual)`,
    });
  }
  return repairs;
}

/** Today's settings, as the machine uses them. */
export const currentProfile: ProfileLogic<"current"> = {
  profile: "current",
  step: currentStep,
  capabilities: currentCapabilities,
  repairs: currentRepairs,
  operatorEvents: currentOperatorEvents,
};
