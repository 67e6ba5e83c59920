/**
 * line-responder: keyword campaigns for LINE Official Account bots that never fail silently.
 *
 * The core entry: what a bot needs. Rule files, Japanese-aware normalization, the matcher and
 * lint; the webhook pipeline (`createResponder`) with once-per-user reward dispatch; the memory
 * store; the errors it throws. Framework adapters, the Redis/PostgreSQL/D1 stores, the
 * response-mode guard (`line-responder/modes`), the zod schemas (`line-responder/schema`) and the
 * testing kit live behind their own subpaths.
 *
 * @example
 * ```ts
 * import { messagingApi } from "@line/bot-sdk";
 * import { createResponder, parseRuleSet } from "line-responder";
 *
 * const responder = createResponder({
 *   channelSecret: process.env.LINE_CHANNEL_SECRET,
 *   rules: parseRuleSet(readFileSync("rules.yaml", "utf8")), // throws RuleSetError naming each problem
 *   client: new messagingApi.MessagingApiClient({ channelAccessToken: process.env.LINE_CHANNEL_ACCESS_TOKEN }),
 *   onGiveUp: (claim) => alert(`reward ${claim.id}: ${claim.status} (${claim.reason})`),
 * });
 * // Hand it to an adapter (line-responder/express, /fastify, /node, /lambda, /fetch), and run
 * // `await responder.backfill()` from cron.
 * ```
 *
 * @packageDocumentation
 */

// The responder

export {
  createResponder,
  type EventContext,
  type EventFor,
  type EventHandler,
  type EventOutcome,
  type HandlerKey,
  type Responder,
  type ResponderOptions,
} from "./responder.js";
export type { HandleResult } from "./webhook/answer.js";
export type { WebhookEnvelope, WebhookEvent } from "./webhook/envelope.js";
export type { HandleRequest } from "./webhook/exchange.js";
export type { HmacSha256 } from "./webhook/signature.js";
export { verifySignature } from "./webhook/signature.js";

// Rules

export {
  type CandidateOutcome,
  compileRules,
  type MatchCandidate,
  type MatchExplanation,
  type MatchOptions,
  type RuleMatch,
  type RuleMatcher,
} from "./rules/compile.js";
export { type LintOptions, lintRules } from "./rules/lint.js";
export {
  DEFAULT_NORMALIZE_OPTIONS,
  type NormalizeOptions,
  normalize,
  type ResolvedNormalizeOptions,
} from "./rules/normalize.js";
export { DEFAULT_MAX_RULE_FILE_BYTES, loadRuleSet, type ParseRuleSetOptions, parseRuleSet } from "./rules/parse.js";
export type { RegexGroups } from "./rules/regex.js";
export type {
  MatchKind,
  Message,
  Reward,
  Rule,
  RuleSet,
  RuleSetInput,
  RuleWindow,
  SourceType,
} from "./rules/schema.js";

// Rewards and the LINE client

export type { RetryPolicy } from "./rewards/backoff.js";
export type { MessagingClient } from "./rewards/client.js";
export { SendError, type SendReceipt } from "./rewards/direct-send.js";
export type {
  BackfillOptions,
  BackfillReport,
  DeliveryOptions,
  RetryNotice,
  RewardHooks,
  RewardResult,
} from "./rewards/dispatcher.js";
export { createFetchClient, type FetchClientOptions } from "./rewards/fetch-client.js";
export type { GrantManyOptions, GrantManyReport, GrantRequest, GrantResult } from "./rewards/grant.js";
export { retryKeyOf } from "./rewards/retry-key.js";
export type { SendFailure } from "./rewards/send-failure.js";

// Stores

export { createMemoryStore, type MemoryStoreOptions } from "./stores/memory.js";
export type {
  BeginEventResult,
  ClaimPage,
  ClaimPatch,
  ClaimQuery,
  ClaimRewardInput,
  ClaimRewardResult,
  ClaimStatus,
  RewardClaim,
  RewardLimit,
  Store,
} from "./stores/store.js";

// Errors

export { LineApiError } from "./rewards/fetch-client.js";
export { formatIssue, type IssueCode, type IssueSeverity, RuleSetError, type RuleSetIssue } from "./rules/issues.js";
export { StoreConnectionError } from "./stores/store-error.js";
export type { DescribedIssue } from "./validation/describe-issues.js";

// Webhook events, one type per event LINE sends

export type {
  AccountLinkEvent,
  ActivatedEvent,
  BeaconEvent,
  BotResumedEvent,
  BotSuspendedEvent,
  DeactivatedEvent,
  DeliveryEvent,
  EventType,
  FollowEvent,
  JoinEvent,
  LeaveEvent,
  MemberJoinedEvent,
  MemberLeftEvent,
  MembershipEvent,
  MessageEvent,
  ModuleEvent,
  OtherEventType,
  PostbackEvent,
  Source,
  UnfollowEvent,
  UnknownEvent,
  UnsendEvent,
  UserSource,
  VideoPlayCompleteEvent,
  WebhookEventOf,
  Without,
} from "./webhook/events.js";
export type {
  AudioMessageContent,
  ContentProvider,
  FileMessageContent,
  ImageMessageContent,
  LocationMessageContent,
  MessageContent,
  MessageType,
  OtherMessageType,
  StickerMessageContent,
  TextMessageContent,
  UnknownMessageContent,
  VideoMessageContent,
} from "./webhook/message-content.js";
