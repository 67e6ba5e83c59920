/**
 * The rule file format, version 1, as zod schemas (`zod/mini`: the same checks as classic zod in
 * a twentieth of the bundle and import time). The schemas check shape only; what needs the
 * whole rule set (ids, references, regexes) is checked in `check.ts` after the shape is right.
 */
import * as z from "zod/mini";
import { LineMessageSchema } from "../line/messages.js";
import { isValidTimeZone, parseInstant } from "./time.js";

/** Keyword matching kinds: whole message, start of message, anywhere, or an RE2 regular expression. */
export const MATCH_KINDS = ["exact", "prefix", "contains", "regex"] as const;
/** How a rule's keywords are compared with a message. */
export type MatchKind = (typeof MATCH_KINDS)[number];

/**
 * Who answers a rule: `bot` (this library, through the webhook) or `native` (an auto-response set
 * up in LINE Official Account Manager, which the bot does not send but the mode guard protects).
 */
export const ANSWERED_BY = ["bot", "native"] as const;
/** Who answers a rule. */
export type AnsweredBy = (typeof ANSWERED_BY)[number];

/** Where a message was sent: a one-to-one chat, a group chat, or a multi-person room. */
export const SOURCE_TYPES = ["user", "group", "room"] as const;
/** The `source.type` of a LINE webhook event. */
export type SourceType = (typeof SOURCE_TYPES)[number];

const nonEmptyString = z.string({ error: "must be a string" }).check(z.minLength(1, "must not be empty"));
const wholeNumber = z.int({ error: "must be a whole number" });
const positiveWholeNumber = wholeNumber.check(z.positive("must be at least 1"));

/** A LINE message object, checked as LINE checks it (see `line/messages.ts`). */
export const MessageSchema = LineMessageSchema;

/** LINE accepts 1 to 5 message objects per reply or push. */
export const MessagesSchema = z
  .array(MessageSchema, { error: "must be a list of LINE message objects" })
  .check(z.minLength(1, "needs at least 1 message"), z.maxLength(5, "LINE sends at most 5 messages at once"));

/** How often one user can receive a reward. */
export const RewardLimitSchema = z.union(
  [z.literal("once-per-user"), z.literal("unlimited"), z.strictObject({ perUser: positiveWholeNumber })],
  { error: 'must be "once-per-user", "unlimited" or { perUser: N }' },
);

/** A reward: the messages a user receives, and how many users and how often. */
export const RewardSchema = z.strictObject({
  messages: MessagesSchema,
  limit: z._default(RewardLimitSchema, "once-per-user"),
  stock: z.optional(positiveWholeNumber),
  /** Replied (never pushed, never counted) when the stock is gone, so the user is not met with silence. */
  soldOut: z.optional(MessagesSchema),
  /** Replied (never pushed, never counted) when the user already holds the reward up to its limit. */
  alreadyClaimed: z.optional(MessagesSchema),
});

const instant = z.string({ error: 'must be an ISO 8601 time in quotes, like "2019-08-04T00:00:00+09:00"' }).check(
  z.refine((text) => parseInstant(text, "UTC") !== undefined, {
    error: 'is not a valid ISO 8601 time (write "2019-08-04", "2019-08-04T10:00" or "2019-08-04T10:00:00+09:00")',
  }),
);

/** When a rule is live: from (inclusive) until (exclusive). A time without offset is in the rule set's `timezone`. */
export const WindowSchema = z
  .strictObject({ from: z.optional(instant), until: z.optional(instant) })
  .check(z.refine((w) => w.from !== undefined || w.until !== undefined, { error: "needs from, until, or both" }));

/** One keyword rule. Exactly one of `reward` and `reply`. */
export const RuleSchema = z
  .strictObject({
    id: nonEmptyString,
    match: z._default(z.enum(MATCH_KINDS, { error: `must be one of ${MATCH_KINDS.join(", ")}` }), "exact"),
    keywords: z
      .array(nonEmptyString, { error: "must be a list of keywords" })
      .check(z.minLength(1, "needs at least 1 keyword")),
    reward: z.optional(nonEmptyString),
    reply: z.optional(MessagesSchema),
    window: z.optional(WindowSchema),
    priority: z._default(wholeNumber, 0),
    sources: z._default(
      z
        .array(z.enum(SOURCE_TYPES, { error: `must be one of ${SOURCE_TYPES.join(", ")}` }))
        .check(z.minLength(1, "needs at least 1 source")),
      ["user"],
    ),
    answeredBy: z._default(z.enum(ANSWERED_BY, { error: 'must be "bot" or "native"' }), "bot"),
    /**
     * `false`: the mode guard does not protect this rule (a chit-chat reply nobody minds losing).
     * Absent or `true`: it is guarded whenever it is live, like every rule that answers.
     */
    guard: z.optional(z.boolean({ error: "must be true or false" })),
  })
  .check(
    z.superRefine((rule, ctx) => {
      if (rule.reward === undefined && rule.reply === undefined) {
        ctx.addIssue({ code: "custom", message: "needs either reward: <id> or reply: [messages]" });
      } else if (rule.reward !== undefined && rule.reply !== undefined) {
        ctx.addIssue({ code: "custom", message: "has both reward and reply; keep one" });
      }
    }),
  );

const trueOrFalse = z.optional(z.boolean({ error: "must be true or false" }));

/** Folds applied to keywords and messages; see `NormalizeOptions` (`line-responder`). */
export const NormalizeOptionsSchema = z.strictObject({
  width: trueOrFalse,
  case: trueOrFalse,
  kana: trueOrFalse,
  prolongedSound: trueOrFalse,
  whitespace: trueOrFalse,
  variationSelectors: trueOrFalse,
  edgeSymbols: trueOrFalse,
});

/** A whole rule file, version 1. */
export const RuleSetSchema = z.strictObject({
  version: z.literal(1, { error: "must be 1 (the only rule file version)" }),
  timezone: z._default(
    z
      .string({ error: "must be an IANA time zone such as Asia/Tokyo" })
      .check(z.refine(isValidTimeZone, { error: "is not a time zone this runtime knows (try Asia/Tokyo or UTC)" })),
    "Asia/Tokyo",
  ),
  normalize: z._default(NormalizeOptionsSchema, {}),
  rewards: z._default(z.record(nonEmptyString, RewardSchema), {}),
  rules: z.array(RuleSchema, { error: "must be a list of rules" }),
});

/** A rule set as written in a file or in code, before defaults are filled in. */
export type RuleSetInput = z.input<typeof RuleSetSchema>;
/** A validated rule set with every default filled in: what {@link compileRules} takes. */
export type RuleSet = z.output<typeof RuleSetSchema>;
/** A validated rule. */
export type Rule = z.output<typeof RuleSchema>;
/** A validated reward. */
export type Reward = z.output<typeof RewardSchema>;
/** A LINE message object as the rule file holds it. */
export type Message = z.output<typeof MessageSchema>;
/** A campaign window as written. */
export type RuleWindow = z.output<typeof WindowSchema>;
