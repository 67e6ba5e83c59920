/**
 * The webhook request body, as zod schemas written from LINE's `webhook.yml` (CallbackRequest,
 * Event, Source, MessageEvent, PostbackEvent). Only the fields this library relies on are checked;
 * every other field, and every event type it does not know, passes through untouched, so a new
 * LINE event never breaks a bot.
 */
import { z } from "zod";
import { formatPath } from "../validation/path.js";

/** `source` of an event: a user, or a group or room (with the sender's userId on message events). */
export const SourceSchema = z.looseObject({
  type: z.string(),
  userId: z.string().optional(),
  groupId: z.string().optional(),
  roomId: z.string().optional(),
});

/** Fields every webhook event has (webhook.yml `Event`). */
export const WebhookEventSchema = z
  .looseObject({
    type: z.string().min(1),
    timestamp: z.number().int(),
    mode: z.enum(["active", "standby"]),
    webhookEventId: z.string().min(1),
    deliveryContext: z.looseObject({ isRedelivery: z.boolean() }),
    source: SourceSchema.optional(),
    replyToken: z.string().optional(),
    message: z.looseObject({ id: z.string(), type: z.string(), text: z.string().optional() }).optional(),
    postback: z.looseObject({ data: z.string() }).optional(),
  })
  .superRefine((event, ctx) => {
    // What webhook.yml requires of the event types the pipeline reads.
    if (event.type === "message") {
      if (!event.message) ctx.addIssue({ code: "custom", path: ["message"], message: "a message event needs message" });
      else if (event.message.type === "text" && typeof event.message.text !== "string") {
        ctx.addIssue({ code: "custom", path: ["message", "text"], message: "a text message needs text" });
      }
    }
    if (event.type === "postback" && !event.postback) {
      ctx.addIssue({ code: "custom", path: ["postback"], message: "a postback event needs postback" });
    }
  });

/** The request body (webhook.yml `CallbackRequest`). `events` may be empty: the console's Verify. */
export const WebhookEnvelopeSchema = z.looseObject({
  destination: z.string(),
  events: z.array(WebhookEventSchema),
});

/** A webhook event: the checked fields typed, everything else kept as sent. */
export type WebhookEvent = z.output<typeof WebhookEventSchema>;
/** A webhook request body. */
export type WebhookEnvelope = z.output<typeof WebhookEnvelopeSchema>;

const decoder = new TextDecoder("utf-8", { fatal: true });

/** Parses a verified body; `{ ok: false, reason }` names what is wrong, in one line. */
export function parseEnvelope(
  body: Uint8Array,
): { ok: true; envelope: WebhookEnvelope } | { ok: false; reason: string } {
  let data: unknown;
  try {
    data = JSON.parse(decoder.decode(body));
  } catch (error) {
    return { ok: false, reason: `body is not JSON: ${(error as Error).message}` };
  }
  const result = WebhookEnvelopeSchema.safeParse(data);
  if (!result.success) {
    return { ok: false, reason: `not a LINE webhook body: ${firstIssue(result.error, "body")}` };
  }
  return { ok: true, envelope: result.data };
}

/** @internal The first problem zod found, where and what (`events[0].type: ...`); `whole` names the top value. */
export function firstIssue(error: z.ZodError, whole: string): string {
  const issue = error.issues[0];
  return `${formatPath(issue?.path ?? []) || whole}: ${issue?.message}`;
}
