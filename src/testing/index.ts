/**
 * `line-responder/testing`: helpers for testing your bot and your rule files in any test runner
 * (vitest, jest, node:test): webhook event builders and signed requests, rule-case checks, and
 * `startEmulator()`, a local LINE account and Messaging API to run a bot against.
 *
 * @example
 * ```ts
 * import { startEmulator, userId } from "line-responder/testing";
 *
 * const emulator = await startEmulator({ channelSecret, channelAccessToken });
 * emulator.webhookUrl = "http://127.0.0.1:3000/webhook"; // your bot, with baseURL: emulator.url
 * await emulator.userSays(userId("alice"), "ぷれぜんと");
 * expect(emulator.inbox(userId("alice"))).toHaveLength(1);
 * ```
 *
 * @packageDocumentation
 */
export {
  type ExploredEdge,
  type ExploreOptions,
  exploreStates,
  type ReachableState,
  stateKey,
} from "../guards/explore.js";
export { SAMPLE_RESPONSE_HOURS } from "../guards/operator-events.js";
export { operatorEvents } from "../guards/profiles/index.js";
export { signBody } from "../webhook/signature.js";
export {
  type Emulator,
  type EmulatorOptions,
  type InboxEntry,
  type RequestLogEntry,
  startEmulator,
  type UserSaysResult,
} from "./emulator/emulator.js";
export type { Fault, FaultEndpoint } from "./emulator/faults.js";
export {
  type BaseEvent,
  type EventOptions,
  type EventSource,
  type FollowEvent,
  followEvent,
  type PostbackEvent,
  postbackEvent,
  signedWebhook,
  type TextMessageEvent,
  textMessageEvent,
  type UnfollowEvent,
  ulid,
  unfollowEvent,
  userId,
  webhookBody,
} from "./events.js";
export {
  type FaultSchedule,
  type FaultyStore,
  faultyStore,
  StoreFaultError,
  type StoreMethod,
} from "./faulty-store.js";
export { checkRuleCases, type RuleCase, type RuleCaseFailure } from "./rule-cases.js";
