/**
 * line-responder/modes: the response-mode guard. The account's response settings (応答設定) as a
 * state machine that refuses what LINE refuses and what would leave a live rule unanswered, its
 * diagrams, and the monitor that compares the declared settings with the real account.
 *
 * Its code imports neither zod, yaml nor re2js, so a cron job or a Worker that only checks the
 * account stays small. Read states from JSON with `parseState` from `line-responder/schema`.
 *
 * @example
 * ```ts
 * import { createModeMachine } from "line-responder/modes";
 *
 * const machine = createModeMachine({ profile: "current" });
 * const result = machine.transition(
 *   { chat: false, webhook: true, autoResponse: true, greeting: true },
 *   { type: "SET_WEBHOOK", on: false },
 * );
 * console.log(result.ok ? result.findings : result.message);
 * ```
 *
 * @packageDocumentation
 */

// The machine

export { type DiagramOptions, diagram } from "./guards/diagram.js";
export type { Effect, Refusal, RefusalCode } from "./guards/effects.js";
export type { CurrentEvent, EventOf, LegacyEvent, ModeEvent, ObserveEvent } from "./guards/events.js";
export { type ExploredEdge, type ExploreOptions, exploreStates, type ReachableState } from "./guards/explore.js";
export {
  createModeMachine,
  type ModeMachine,
  type ModeMachineOptions,
  type TransitionRefusal,
  type TransitionResult,
  type TransitionSuccess,
} from "./guards/machine.js";

// Settings

export type { Capabilities } from "./guards/capabilities.js";
export type {
  CurrentState,
  LegacyState,
  Profile,
  ResponseBand,
  ResponseHours,
  ResponseMethod,
  StateOf,
} from "./guards/state.js";
export { WEEKDAYS, type Weekday } from "./guards/weekdays.js";

// The rules it keeps answered, and what it finds

export { type Campaign, campaignsFromRules } from "./guards/campaigns.js";
export type { Finding, FindingCode, Repair, SilentCampaign } from "./guards/findings.js";

// Watching the real account

export {
  type AccountCheck,
  type AccountClient,
  type CheckAccountOptions,
  checkAccount,
  type DriftFinding,
  type WebhookTestResult,
} from "./guards/drift.js";
export { type AccountWatch, type WatchAccountOptions, type WatchNotice, watchAccount } from "./guards/watch.js";
