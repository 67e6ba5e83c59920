/**
 * The webhook request body (webhook.yml `CallbackRequest`) and its parsing. The events are
 * described in `events.ts`; every field and event type this library does not check passes through
 * untouched, so a new LINE event never breaks a bot.
 */
import * as z from "zod/mini";
import { formatPath } from "../validation/path.js";
import { type WebhookEvent, WebhookEventSchema } from "./events.js";
import { parseWellFormed } from "./well-formed.js";

export { SourceSchema, type WebhookEvent, WebhookEventSchema } from "./events.js";

/** The request body (webhook.yml `CallbackRequest`). `events` may be empty: the console's Verify. */
export const WebhookEnvelopeSchema = z.looseObject({
  destination: z.string(),
  events: z.array(WebhookEventSchema),
});

/** A webhook request body: the bot's user id and the events (typed as {@link WebhookEvent} describes). */
export type WebhookEnvelope = Omit<z.output<typeof WebhookEnvelopeSchema>, "events"> & {
  destination: string;
  events: WebhookEvent[];
};

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
  // Nearly every body is one of the shapes the fast path knows; zod checks the rest and words the errors.
  const wellFormed = parseWellFormed(data);
  if (wellFormed !== undefined) return { ok: true, envelope: wellFormed as WebhookEnvelope };
  const result = WebhookEnvelopeSchema.safeParse(data);
  if (!result.success) {
    return { ok: false, reason: `not a LINE webhook body: ${firstIssue(result.error, "body")}` };
  }
  // The unchecked fields are LINE's documented shape, passed through as sent (see events.ts).
  return { ok: true, envelope: result.data as WebhookEnvelope };
}

/**
 * @internal The first problem zod found, where and what (`events[0].type: ...`); `whole` names
 * the top value. For a union (a known event type, or an unknown one) it reports the branch the
 * value was meant for: the one that did not refuse its `type`.
 */
export function firstIssue(error: { issues: readonly z.core.$ZodIssue[] }, whole: string): string {
  let issue = error.issues[0];
  const path: PropertyKey[] = [];
  while (issue?.code === "invalid_union" && issue.errors.length > 0) {
    path.push(...issue.path);
    const branches = issue.errors;
    const meant = branches.find((b) => b.length > 0 && !b.every((i) => i.path[0] === "type"));
    issue = (meant ?? branches[branches.length - 1])?.[0];
  }
  if (issue) path.push(...issue.path);
  return `${formatPath(path) || whole}: ${issue?.message}`;
}
