/**
 * What a failed reply or push tells about delivery. LINE says to act on the status code; the
 * dispatcher needs one more bit: whether LINE may have accepted the request anyway (a timeout, a
 * lost answer or a 5xx can hide an accepted send) or certainly did not (any 4xx).
 *
 * Errors come from `@line/bot-sdk` (`HTTPFetchError` with `status`, `headers`, `body` text) or from
 * any client that throws something with a numeric `status`; anything else is a network failure.
 */
import { sentMessageIds } from "./client.js";

/** One failed send, classified. */
export type SendFailure =
  /** 400 "Invalid reply token": the token was used or has expired. */
  | { kind: "invalid-reply-token"; status: 400; message: string }
  /** 409: a push with this retry key was accepted before; LINE returns what it sent then. */
  | { kind: "already-accepted"; status: 409; message: string; sentMessageIds: string[] }
  /** 429 with "monthly limit": the account's message quota is used up until next month. */
  | { kind: "monthly-limit"; status: 429; message: string }
  /** 429 otherwise: too many requests; nothing was sent. */
  | { kind: "rate-limited"; status: 429; message: string; retryAfterMs?: number }
  /** 5xx: LINE failed, and may or may not have sent the messages. */
  | { kind: "server-error"; status: number; message: string; retryAfterMs?: number }
  /** No answer within the request timeout: the request may have been accepted. */
  | { kind: "timeout"; message: string }
  /** The connection failed or broke: the request may have been accepted. */
  | { kind: "network"; message: string }
  /** Any other 4xx (a bad message, a bad token, no permission): refused, nothing was sent. */
  | { kind: "refused"; status: number; message: string };

/** Whether LINE may have accepted the request despite the failure. */
export function isAmbiguous(failure: SendFailure): boolean {
  return failure.kind === "server-error" || failure.kind === "timeout" || failure.kind === "network";
}

/** A send that got no answer within the dispatcher's request timeout. */
export class SendTimeoutError extends Error {
  override name = "SendTimeoutError";
}

interface HttpLikeError {
  status: number;
  headers?: unknown;
  body?: unknown;
  message?: string;
}

function header(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== "object") return undefined;
  if (typeof (headers as Headers).get === "function") return (headers as Headers).get(name) ?? undefined;
  const found = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  return found === undefined ? undefined : String(found[1]);
}

// A proxy or LINE's edge may answer with any text: `null`, a number, an HTML page. Only an
// object's string `message` is LINE's message; any other text is quoted as it came.
function parseBody(body: unknown): { message?: string } {
  let parsed = body;
  if (typeof body === "string") {
    try {
      parsed = JSON.parse(body);
    } catch {
      return body === "" ? {} : { message: body };
    }
  }
  if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return {};
  const { message } = parsed as { message?: unknown };
  return typeof message === "string" ? (parsed as { message: string }) : { ...parsed, message: undefined };
}

/** `Retry-After` in ms: seconds, or an HTTP date. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Classifies what a client threw. */
export function classifySendFailure(error: unknown): SendFailure {
  if (error instanceof SendTimeoutError) return { kind: "timeout", message: error.message };
  const status = (error as HttpLikeError | null)?.status;
  if (typeof status !== "number") {
    const message = error instanceof Error ? error.message : String(error);
    return { kind: "network", message };
  }
  const http = error as HttpLikeError;
  const body = parseBody(http.body);
  const message = `HTTP ${status}${body.message ? `: ${body.message}` : ""}`;
  const retryAfterMs = parseRetryAfter(header(http.headers, "retry-after"));
  if (status === 409) {
    return { kind: "already-accepted", status, message, sentMessageIds: sentMessageIds(body) };
  }
  if (status === 429) {
    return /monthly limit/i.test(body.message ?? "")
      ? { kind: "monthly-limit", status, message }
      : { kind: "rate-limited", status, message, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  if (status === 400 && /invalid reply token/i.test(body.message ?? "")) {
    return { kind: "invalid-reply-token", status, message };
  }
  if (status >= 500) {
    return { kind: "server-error", status, message, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  }
  return { kind: "refused", status, message };
}

/** `promise`, or a {@link SendTimeoutError} when it has not settled within `ms` (the request itself goes on). */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new SendTimeoutError(`no answer from LINE within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
