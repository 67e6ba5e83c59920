/**
 * Retry delays: exponential backoff with full jitter (a random delay between 0 and the capped
 * exponential), so instances that failed together do not retry together; never shorter than what
 * LINE asked for with `Retry-After`.
 */

import type { SendFailure } from "./send-failure.js";

/** How retries are spaced and bounded. */
export interface RetryPolicy {
  /** Sends per attempt series (the first try included); default 5. */
  maxAttempts: number;
  /** The first backoff ceiling; default 500 ms. */
  baseDelayMs: number;
  /** The largest wait between two tries; a `Retry-After` beyond it ends the series. Default 30 s. */
  maxDelayMs: number;
}

/** The wait before retry number `retry` (1 for the first retry), or `undefined` when LINE asks for longer than `maxDelayMs`. */
export function retryDelay(
  policy: RetryPolicy,
  retry: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number | undefined {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  const jittered = Math.floor(random() * ceiling);
  if (retryAfterMs === undefined) return jittered;
  return retryAfterMs > policy.maxDelayMs ? undefined : Math.max(retryAfterMs, jittered);
}

/** What LINE asked to wait with `Retry-After`, if it did. */
export function retryAfterOf(failure: SendFailure): number | undefined {
  return "retryAfterMs" in failure ? failure.retryAfterMs : undefined;
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
