/**
 * What the pipeline keeps between requests. The memory store is the default; Redis and
 * PostgreSQL stores implement the same interface for bots that run more than one process.
 */

/** Remembers which webhook events were already taken, so a redelivery is processed once. */
export interface DedupeStore {
  /**
   * Takes `key` for `ttlMs` milliseconds. Resolves `true` the first time (process the event),
   * `false` while it is taken (a redelivery, or another process has it).
   */
  claim(key: string, ttlMs: number): Promise<boolean>;
  /** Gives `key` back, so a redelivery of an event whose processing failed is processed again. */
  release(key: string): Promise<void>;
}
