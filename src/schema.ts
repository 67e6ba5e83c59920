/**
 * line-responder/schema: the zod schemas behind the library's parsers, for tools that validate or
 * generate rule files, LINE messages, webhook bodies and response states themselves (editors,
 * JSON Schema export, admin UIs). A bot does not need them: `parseRuleSet` and `createResponder`
 * use them already.
 *
 * @example
 * ```ts
 * import { RuleSetSchema } from "line-responder/schema";
 *
 * const result = RuleSetSchema.safeParse({ version: 1, rules: [] });
 * console.log(result.success);
 * ```
 *
 * @packageDocumentation
 */

// Rule files

export {
  MATCH_KINDS,
  MessageSchema,
  MessagesSchema,
  NormalizeOptionsSchema,
  RewardLimitSchema,
  RewardSchema,
  RuleSchema,
  RuleSetSchema,
  SOURCE_TYPES,
  WindowSchema,
} from "./rules/schema.js";

// Webhook bodies

export { parseEnvelope, SourceSchema, WebhookEnvelopeSchema, WebhookEventSchema } from "./webhook/envelope.js";
export { EVENT_TYPES } from "./webhook/events.js";
export { MESSAGE_TYPES } from "./webhook/message-content.js";

// Response states (line-responder/modes)

export { parseState, StateError } from "./guards/parse-state.js";
export {
  CurrentStateSchema,
  LegacyStateSchema,
  ModeEventSchema,
  ResponseBandSchema,
  ResponseHoursSchema,
} from "./guards/state-schema.js";
