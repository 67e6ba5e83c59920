/**
 * Request bodies of the Messaging API endpoints the local emulator serves, as zod schemas written
 * from LINE's `messaging-api.yml` (ReplyMessageRequest, PushMessageRequest, MulticastRequest,
 * SetWebhookEndpointRequest, TestWebhookEndpointRequest, CouponCreateRequest), and the check that
 * turns a refused body into LINE's error body, so a body LINE would refuse for its shape is refused
 * locally too, with the same status and the same property paths. What depends on LINE's state (a
 * used reply token, an unknown user ID, the monthly quota) is for the emulator to decide, not these.
 *
 * Objects are not strict: LINE ignores properties it does not know, so the emulator must too.
 */
import { z } from "zod";
import { LineMessageSchema } from "../../line/messages.js";
import { formatPath } from "../../validation/path.js";

// LINE names both bounds of an array ("Size must be between 1 and 5") where zod's own issue knows
// only the one that was broken, so array sizes are checked here and carry LINE's sentence. `when`
// keeps the check running when an element is bad too: LINE reports both problems in one answer.
function sized<T extends z.core.$ZodType>(item: T, min: number, max: number) {
  return z.array(item).refine((items) => items.length >= min && items.length <= max, {
    message: `Size must be between ${min} and ${max}`,
    when: (payload) => Array.isArray(payload.value),
  });
}

// `format: uri` in the YAML; https because LINE only delivers webhooks over TLS (developers.line.biz
// reference, "Set webhook endpoint URL": "HTTPS"). The 500 limit is the YAML's maxLength.
const webhookEndpoint = z
  .string()
  .max(500)
  .refine((value) => {
    try {
      const url = new URL(value);
      return url.protocol === "https:" && url.hostname !== "";
    } catch {
      return false;
    }
  }, "must be a valid HTTPS URL");

const messages = sized(LineMessageSchema, 1, 5);

/**
 * Body of `POST /v2/bot/message/reply`. The token is only checked for being a string: whether it
 * was used or has expired is state the emulator keeps.
 */
export const ReplyRequestSchema = z.object({
  replyToken: z.string(),
  messages,
  notificationDisabled: z.boolean().optional(),
});

/**
 * Body of `POST /v2/bot/message/push`. `customAggregationUnits` has no limits here because the
 * YAML gives none for push (it does for multicast).
 */
export const PushRequestSchema = z.object({
  to: z.string(),
  messages,
  notificationDisabled: z.boolean().optional(),
  customAggregationUnits: z.array(z.string()).optional(),
});

/**
 * Body of `POST /v2/bot/message/multicast`: up to 500 user IDs in one request, each counted
 * against the quota.
 */
export const MulticastRequestSchema = z.object({
  messages,
  to: sized(z.string(), 1, 500),
  notificationDisabled: z.boolean().optional(),
  customAggregationUnits: sized(
    z
      .string()
      .min(1)
      .max(30)
      .regex(/^[a-zA-Z0-9_]{1,30}$/),
    0,
    1,
  ).optional(),
});

/**
 * Body of `PUT /v2/bot/channel/webhook/endpoint`. It carries the URL only: the Webhook toggle is out
 * of the API's reach.
 */
export const SetWebhookEndpointRequestSchema = z.object({ endpoint: webhookEndpoint });

/**
 * Body of `POST /v2/bot/channel/webhook/test`; without `endpoint` LINE tests the URL already set.
 * The YAML does not require a body here and `@line/bot-sdk` sends none when called without an
 * argument, so check an empty body as `{}`.
 */
export const TestWebhookEndpointRequestSchema = z.object({ endpoint: webhookEndpoint.optional() });

// Discriminated objects of the coupon request. The YAML's `type` properties are plain strings with
// a discriminator mapping; the mapping is the closed list of values LINE understands.

const percentage = z.int32().min(1).max(99);

const acquisitionCondition = z.discriminatedUnion("type", [
  z.object({ type: z.literal("normal") }),
  z.object({
    type: z.literal("lottery"),
    lotteryProbability: z.int32().min(1).max(99),
    // No minimum in the YAML: -1 means "no limit".
    maxAcquireCount: z.int32().max(999999),
  }),
]);

const cashBackPriceInfo = z.discriminatedUnion("type", [
  z.object({ type: z.literal("fixed"), fixedAmount: z.int().optional() }),
  z.object({ type: z.literal("percentage"), percentage: percentage.optional() }),
]);

const discountPriceInfo = z.discriminatedUnion("type", [
  z.object({ type: z.literal("fixed"), fixedAmount: z.int().optional() }),
  z.object({ type: z.literal("percentage"), percentage: percentage.optional() }),
  z.object({ type: z.literal("explicit"), priceAfterDiscount: z.int().optional(), originalPrice: z.int().optional() }),
]);

const reward = z.discriminatedUnion("type", [
  z.object({ type: z.literal("cashBack"), priceInfo: cashBackPriceInfo.optional() }),
  z.object({ type: z.literal("discount"), priceInfo: discountPriceInfo.optional() }),
  z.object({ type: z.literal("free") }),
  z.object({ type: z.literal("gift") }),
  z.object({ type: z.literal("others") }),
]);

const COUPON_TIMEZONES = [
  "ETC_GMT_MINUS_12",
  "ETC_GMT_MINUS_11",
  "PACIFIC_HONOLULU",
  "AMERICA_ANCHORAGE",
  "AMERICA_LOS_ANGELES",
  "AMERICA_PHOENIX",
  "AMERICA_CHICAGO",
  "AMERICA_NEW_YORK",
  "AMERICA_CARACAS",
  "AMERICA_SANTIAGO",
  "AMERICA_ST_JOHNS",
  "AMERICA_SAO_PAULO",
  "ETC_GMT_MINUS_2",
  "ATLANTIC_CAPE_VERDE",
  "EUROPE_LONDON",
  "EUROPE_PARIS",
  "EUROPE_ISTANBUL",
  "EUROPE_MOSCOW",
  "ASIA_TEHRAN",
  "ASIA_TBILISI",
  "ASIA_KABUL",
  "ASIA_TASHKENT",
  "ASIA_COLOMBO",
  "ASIA_KATHMANDU",
  "ASIA_ALMATY",
  "ASIA_RANGOON",
  "ASIA_BANGKOK",
  "ASIA_TAIPEI",
  "ASIA_TOKYO",
  "AUSTRALIA_DARWIN",
  "AUSTRALIA_SYDNEY",
  "ASIA_VLADIVOSTOK",
  "ETC_GMT_PLUS_12",
  "PACIFIC_TONGATAPU",
] as const;

/**
 * Body of `POST /v2/bot/coupon`, so a campaign's coupon reward can be created against the
 * emulator before it is sent as a coupon message. Bounds are the YAML's, including the ones that
 * look loose (`maxUseCountPerTicket` has only `maximum: 1`, -1 meaning "no limit"; the reward's
 * price fields are optional): the emulator should not refuse what LINE's own description allows.
 */
export const CouponCreateRequestSchema = z.object({
  acquisitionCondition,
  barcodeImageUrl: z.string().optional(),
  couponCode: z.string().optional(),
  description: z.string().max(1000).optional(),
  endTimestamp: z.int(),
  imageUrl: z.string().optional(),
  maxUseCountPerTicket: z.int32().max(1),
  startTimestamp: z.int(),
  title: z.string().min(1).max(60),
  usageCondition: z.string().max(100).optional(),
  reward: reward.optional(),
  visibility: z.enum(["UNLISTED", "PUBLIC"]),
  timezone: z.enum(COUPON_TIMEZONES),
});

/**
 * LINE's error response body (`ErrorResponse` in the YAML), so a bot's error handling meets the
 * same shape locally as in production.
 */
export type LineErrorBody = { message: string; details?: { message: string; property: string }[] };

const NOT_AN_OBJECT: LineErrorBody = { message: "The request body is invalid" };

/**
 * Checks a parsed request body the way LINE does, answering with LINE's error body so a bot's
 * handling of 400s can be tested without LINE: one detail per broken constraint, each naming the
 * property as LINE does (`messages[0].text`). Pass the parsed JSON. A body that is not a JSON
 * object (`undefined`, `null`, a string, an array, or the raw text of a body that failed to parse)
 * gets the answer without details, as LINE has no property to point at.
 */
export function checkRequest<T>(
  schema: z.ZodType<T>,
  body: unknown,
): { ok: true; value: T } | { ok: false; error: LineErrorBody } {
  const result = schema.safeParse(body, { reportInput: true });
  if (result.success) return { ok: true, value: result.data };
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    return { ok: false, error: { ...NOT_AN_OBJECT } };
  }
  const details = result.error.issues.map((issue) => ({
    message: lineMessage(issue),
    property: formatPath(issue.path),
  }));
  return { ok: false, error: { message: `The request body has ${details.length} error(s)`, details } };
}

// LINE's wording ("May not be empty", "Size must be between 1 and 5", "must be specified"), chosen
// from what broke rather than from the schema's own message, so problems inside message objects
// (whose schema speaks to rule-file authors) read like the rest. A refinement's own message is
// kept: only it knows what it checked.
function lineMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined
        ? "must be specified"
        : `Must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case "invalid_union":
      if (issue.discriminator !== undefined && "options" in issue && issue.options) {
        const input: unknown = issue.input;
        const missing = typeof input === "object" && input !== null && !(issue.discriminator in input);
        return missing ? "must be specified" : oneOf(issue.options);
      }
      return "Invalid value";
    case "invalid_value":
      // An enum reports a missing property as a wrong value; LINE says it is missing.
      return issue.input === undefined ? "must be specified" : oneOf(issue.values);
    case "too_small":
      if (issue.origin === "string") {
        return Number(issue.minimum) === 1 ? "May not be empty" : `Length must be at least ${issue.minimum}`;
      }
      if (issue.origin === "array") return `Size must be at least ${issue.minimum}`;
      return issue.inclusive === false
        ? `Must be greater than ${issue.minimum}`
        : `Must be greater than or equal to ${issue.minimum}`;
    case "too_big":
      if (issue.origin === "string") return `Length must be between 0 and ${issue.maximum}`;
      if (issue.origin === "array") return `Size must be at most ${issue.maximum}`;
      return issue.inclusive === false
        ? `Must be less than ${issue.maximum}`
        : `Must be less than or equal to ${issue.maximum}`;
    case "invalid_format":
      // zod reports the pattern as a regex literal (`/^a$/`); LINE quotes the bare pattern.
      return issue.format === "regex" && issue.pattern
        ? `Must match "${issue.pattern.replace(/^\/(.*)\/[a-z]*$/, "$1")}"`
        : `Must be a valid ${issue.format}`;
    default:
      return issue.message;
  }
}

const TYPE_NAMES: Partial<Record<string, string>> = {
  string: "a string",
  number: "a number",
  int: "an integer",
  boolean: "a boolean",
  array: "an array",
  object: "an object",
};

function oneOf(values: readonly unknown[]): string {
  return `Must be one of the following values: [${values.map(String).join(", ")}]`;
}
