import type { DedupeStore } from "./store.js";

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** Most keys kept; the oldest go first past it. Default 100,000. */
  maxKeys?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * An in-process store: right for one process (a single server, a Worker isolate, a Lambda
 * container). Keys live in insertion order, so the oldest are dropped first when `maxKeys` is
 * reached: an event redelivered after that many newer ones would be processed again, which is
 * why deployments with several processes or heavy traffic use the Redis or PostgreSQL store.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): DedupeStore {
  const maxKeys = options.maxKeys ?? 100_000;
  const now = options.now ?? Date.now;
  const expiries = new Map<string, number>();
  return {
    async claim(key, ttlMs) {
      const t = now();
      const expiry = expiries.get(key);
      if (expiry !== undefined && expiry > t) return false;
      expiries.delete(key);
      expiries.set(key, t + ttlMs);
      // Drop expired keys from the old end first, then the oldest live ones if still too many.
      for (const [oldest, oldestExpiry] of expiries) {
        if (expiries.size <= maxKeys && oldestExpiry > t) break;
        expiries.delete(oldest);
      }
      return true;
    },
    async release(key) {
      expiries.delete(key);
    },
  };
}
