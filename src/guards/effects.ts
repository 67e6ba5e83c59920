/** What a transition did besides the change asked for, and why it was refused. */
import { onOff } from "./state.js";

/** A setting a transition changed on its own, or a difference between declared and observed settings. */
export type Effect =
  | {
      kind: "side-effect";
      field: string;
      from: unknown;
      to: unknown;
      /** Why LINE changes it: `"チャットモードではWebhookは自動的にオフになります"`. */
      reason: string;
    }
  | {
      kind: "drift";
      field: string;
      declared: unknown;
      observed: unknown;
      /** One sentence for logs and alerts. */
      message: string;
    };

/** Why a transition was refused. */
export type RefusalCode =
  /** Webhook, auto-response and greeting all off: LINE refuses it (nothing automatic could reach users). */
  | "ALL_OUTPUTS_OFF"
  /** The event belongs to the other profile (SWITCH_MODE in `current`, SET_CHAT in `legacy`...). */
  | "NOT_IN_PROFILE"
  /** Legacy: Webhook or 自動応答 cannot be turned on in Chat mode. */
  | "UNAVAILABLE_IN_CHAT_MODE"
  /** Strict: a campaign would stop being answered at some moment of its window. */
  | "CAMPAIGN_WOULD_GO_SILENT"
  /** What the API shows cannot be: the declared settings are wrong in a way an observation cannot fix. */
  | "IMPOSSIBLE_OBSERVATION";

/** A refused transition: the state stays as it was. */
export interface Refusal {
  ok: false;
  code: RefusalCode;
  /** One sentence naming what was refused and why (and, for campaigns, which one and when). */
  message: string;
}

/** What a profile's table makes of one event, before the machine checks campaigns. */
export type StepOutcome<S> = { ok: true; state: S; effects: Effect[] } | Refusal;

/** Side-effect entries for every field that differs between two states. */
export function sideEffects<S extends object>(
  before: S,
  after: S,
  fields: readonly (keyof S & string)[],
  reason: string,
): Effect[] {
  return fields
    .filter((field) => before[field] !== after[field])
    .map((field) => ({ kind: "side-effect" as const, field, from: before[field], to: after[field], reason }));
}

/** The drift finding for a Webhook toggle that differs from the declared one. */
export function webhookDrift(declared: boolean, observed: boolean): Effect {
  return {
    kind: "drift",
    field: "webhook",
    declared,
    observed,
    message: `Webhook is ${onOff(observed)}, not ${onOff(declared)} as declared`,
  };
}

/**
 * The refusal for an observation that leaves every output off: LINE never allows that, so the
 * declared auto-response or greeting must be wrong. `autoResponse` is the era's name for it.
 */
export function impossibleObservation(autoResponse: "応答メッセージ" | "自動応答"): Refusal {
  return {
    ok: false,
    code: "IMPOSSIBLE_OBSERVATION",
    message: `LINE shows Webhook off, but the declared state also has ${autoResponse} and あいさつメッセージ off, which LINE does not allow: declare the state again from the Official Account Manager`,
  };
}

/**
 * Runs `event` through the handler a table has for its type; an event type the table lacks (one
 * of the other profile's) is refused with NOT_IN_PROFILE.
 */
export function runHandler<S>(
  handlers: object,
  profile: "current" | "legacy",
  state: S,
  event: { type: string },
): StepOutcome<S> {
  const handler = (handlers as Record<string, ((s: S, e: { type: string }) => StepOutcome<S>) | undefined>)[event.type];
  if (!handler) {
    return {
      ok: false,
      code: "NOT_IN_PROFILE",
      message: `${String(event.type)} is not an event of the ${profile} profile`,
    };
  }
  return handler(state, event);
}
