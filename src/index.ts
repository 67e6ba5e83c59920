/**
 * line-responder: keyword campaigns for LINE Official Account bots that never fail silently.
 *
 * The core entry: rule files, Japanese-aware normalization, the matcher and lint, the webhook
 * pipeline (`createResponder`) with reward dispatch, and the response-mode guard. Framework
 * adapters, the Redis and PostgreSQL stores and the testing kit live behind their own subpaths.
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

export { type Campaign, campaignsFromRules } from "./guards/campaigns.js";
export type { Capabilities } from "./guards/capabilities.js";
export { type DiagramOptions, diagram } from "./guards/diagram.js";
export {
  type AccountCheck,
  type AccountClient,
  type CheckAccountOptions,
  checkAccount,
  type DriftFinding,
  type WebhookTestResult,
} from "./guards/drift.js";
export type { Effect, Refusal, RefusalCode } from "./guards/effects.js";
export type { CurrentEvent, LegacyEvent, ModeEvent, ObserveEvent } from "./guards/events.js";
export type { Finding, FindingCode, SilentCampaign } from "./guards/findings.js";
export {
  createModeMachine,
  describeEvent,
  type EventOf,
  type ModeMachine,
  type ModeMachineOptions,
  type Repair,
  type TransitionRefusal,
  type TransitionResult,
  type TransitionSuccess,
} from "./guards/machine.js";
export type {
  CurrentState,
  LegacyState,
  Profile,
  ResponseBand,
  ResponseHours,
  ResponseMethod,
  StateOf,
  Weekday,
} from "./guards/state.js";
export { WEEKDAYS } from "./guards/state.js";
export { parseState, StateError } from "./guards/state-schema.js";
export { type AccountWatch, type WatchAccountOptions, type WatchNotice, watchAccount } from "./guards/watch.js";
export {
  createResponder,
  type EventContext,
  type EventFor,
  type EventHandler,
  type EventOutcome,
  type HandleResult,
  type HandlerKey,
  type Responder,
  type ResponderOptions,
} from "./responder.js";
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
export { createFetchClient, type FetchClientOptions, LineApiError } from "./rewards/fetch-client.js";
export type {
  GrantManyOptions,
  GrantManyReport,
  GrantRequest,
  GrantResult,
} from "./rewards/grant.js";
export { type LineMessage, LineMessageSchema } from "./rewards/messages.js";
export { RETRY_KEY_NAMESPACE, retryKeyOf } from "./rewards/retry-key.js";
export { classifySendFailure, type SendFailure } from "./rewards/send-failure.js";
export {
  type CandidateOutcome,
  compileRules,
  type MatchCandidate,
  type MatchExplanation,
  type MatchOptions,
  type RuleMatch,
  type RuleMatcher,
} from "./rules/compile.js";
export {
  formatIssue,
  type IssueCode,
  type IssueSeverity,
  RuleSetError,
  type RuleSetIssue,
} from "./rules/issues.js";
export { type LintOptions, lintRules } from "./rules/lint.js";
export {
  DEFAULT_NORMALIZE_OPTIONS,
  type NormalizeOptions,
  normalize,
  type ResolvedNormalizeOptions,
} from "./rules/normalize.js";
export { DEFAULT_MAX_RULE_FILE_BYTES, type ParseRuleSetOptions, parseRuleSet } from "./rules/parse.js";
export type { RegexGroups } from "./rules/regex.js";
export {
  MATCH_KINDS,
  type MatchKind,
  type Message,
  MessageSchema,
  MessagesSchema,
  NormalizeOptionsSchema,
  type Reward,
  RewardLimitSchema,
  RewardSchema,
  type Rule,
  RuleSchema,
  type RuleSet,
  type RuleSetInput,
  RuleSetSchema,
  type RuleWindow,
  SOURCE_TYPES,
  type SourceType,
  WindowSchema,
} from "./rules/schema.js";
export { createMemoryStore, type MemoryStoreOptions } from "./stores/memory.js";
export {
  type BeginEventResult,
  type ClaimPage,
  type ClaimPatch,
  type ClaimQuery,
  type ClaimRewardInput,
  type ClaimRewardResult,
  type ClaimStatus,
  claimId,
  type RewardClaim,
  type RewardLimit,
  type Store,
} from "./stores/store.js";
export { StoreConnectionError } from "./stores/store-error.js";
export type { DescribedIssue } from "./validation/describe-issues.js";
export {
  parseEnvelope,
  SourceSchema,
  type WebhookEnvelope,
  WebhookEnvelopeSchema,
  type WebhookEvent,
  WebhookEventSchema,
} from "./webhook/envelope.js";
export {
  type AccountLinkEvent,
  type ActivatedEvent,
  type BeaconEvent,
  type BotResumedEvent,
  type BotSuspendedEvent,
  type DeactivatedEvent,
  type DeliveryEvent,
  EVENT_TYPES,
  type EventType,
  type FollowEvent,
  type JoinEvent,
  type LeaveEvent,
  type MemberJoinedEvent,
  type MemberLeftEvent,
  type MembershipEvent,
  type MessageEvent,
  type ModuleEvent,
  type OtherEventType,
  type PostbackEvent,
  type Source,
  type UnfollowEvent,
  type UnknownEvent,
  type UnsendEvent,
  type UserSource,
  type VideoPlayCompleteEvent,
  type WebhookEventOf,
  type Without,
} from "./webhook/events.js";
export {
  type AudioMessageContent,
  type ContentProvider,
  type FileMessageContent,
  type ImageMessageContent,
  type LocationMessageContent,
  MESSAGE_TYPES,
  type MessageContent,
  type MessageType,
  type OtherMessageType,
  type StickerMessageContent,
  type TextMessageContent,
  type UnknownMessageContent,
  type VideoMessageContent,
} from "./webhook/message-content.js";
export { verifySignature } from "./webhook/signature.js";
