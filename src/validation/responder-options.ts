/**
 * `createResponder`'s options, checked at construction with zod: a number that is NaN, zero,
 * negative or a string ("1mb") would otherwise turn a limit or deduplication off without a word.
 */
import * as z from "zod/mini";
import { issueMessage } from "./issue-message.js";

const positive = (name: string, whole = false) =>
  z.optional(
    z.unknown().check(
      z.superRefine((value, ctx) => {
        if (value === undefined) return;
        if (
          typeof value !== "number" ||
          !(value > 0) ||
          !Number.isFinite(value) ||
          (whole && !Number.isInteger(value))
        ) {
          const shown = typeof value === "string" ? JSON.stringify(value) : String(value);
          ctx.addIssue({
            code: "custom",
            message: `${name} must be a ${whole ? "whole number" : "number"} above 0, not ${shown}`,
          });
        }
      }),
    ),
  );

const OptionsSchema = z.object({
  dedupeTtlMs: positive("dedupeTtlMs"),
  maxBodyBytes: positive("maxBodyBytes", true),
  processingLeaseMs: positive("processingLeaseMs"),
  processBeforeResponse: z.optional(
    z.unknown().check(
      z.superRefine((value, ctx) => {
        if (value !== undefined && typeof value !== "boolean") {
          ctx.addIssue({
            code: "custom",
            message: `processBeforeResponse must be true or false, not ${String(value)}`,
          });
        }
      }),
    ),
  ),
  delivery: z.optional(
    z.object({
      replyWindowMs: positive("delivery.replyWindowMs"),
      requestTimeoutMs: positive("delivery.requestTimeoutMs"),
      retry: z.optional(
        z.object({
          maxAttempts: positive("delivery.retry.maxAttempts", true),
          baseDelayMs: positive("delivery.retry.baseDelayMs"),
          maxDelayMs: positive("delivery.retry.maxDelayMs"),
        }),
      ),
      ambiguousReply: z.optional(
        z.unknown().check(
          z.superRefine((value, ctx) => {
            if (value !== undefined && value !== "push" && value !== "hold") {
              ctx.addIssue({
                code: "custom",
                message: `delivery.ambiguousReply must be "push" or "hold", not ${JSON.stringify(value)}`,
              });
            }
          }),
        ),
      ),
    }),
  ),
});

/** Throws one `TypeError` naming the first option that cannot work. */
export function checkResponderOptions(options: unknown): void {
  const result = OptionsSchema.safeParse(options, { error: issueMessage });
  if (result.success) return;
  const issue = result.error.issues[0];
  const message =
    issue?.code === "custom" ? issue.message : `options.${issue?.path.join(".")}: ${issue?.message ?? "invalid"}`;
  throw new TypeError(`createResponder: ${message}`);
}
