/**
 * `faultyStore()`: any store, failing on a schedule, for testing what a bot does when its store
 * does (an outage for a whole delivery, a store that dies mid-delivery, a write that fails right
 * after LINE accepted a send). Seeded, so a failing run repeats.
 */
import type { Store } from "../stores/store.js";
import { seededRandom } from "./emulator/faults.js";

/** The store calls a schedule can fail. */
export type StoreMethod = "beginEvent" | "finishEvent" | "releaseEvent" | "claimReward" | "updateClaim" | "listClaims";

/** When the calls of a {@link faultyStore} fail. Every rule applies; a call fails if any says so. */
export interface FaultSchedule {
  /** Share of calls that fail, 0 to 1, by a seeded die; default 0. */
  rate?: number;
  /** Seed of the die; default 1. */
  seed?: number;
  /** The methods `rate` and `failAfterCalls` apply to; default all. */
  methods?: readonly StoreMethod[];
  /** Every call after this many fails, until {@link FaultyStore.up}: a store that dies mid-delivery. */
  failAfterCalls?: number;
  /** Down from the start: every call fails until {@link FaultyStore.up}. */
  down?: boolean;
  /** The next this many writes of `status: "sent"` fail: LINE accepted a send, the store did not hear of it. */
  failSentWrites?: number;
}

/** A store failing on schedule, with switches for the test to flip. */
export interface FaultyStore extends Store {
  /** Every call fails from now on. */
  down(): void;
  /** Calls go through again (also ends `failAfterCalls`). */
  up(): void;
  /** The next `calls` calls go through, every one after them fails until {@link FaultyStore.up}. */
  failAfter(calls: number): void;
  /** The next `times` writes of `status: "sent"` fail. */
  failSentWrites(times?: number): void;
  /** Calls made, and calls failed on purpose. */
  readonly stats: { calls: number; failures: number };
}

/** The error a {@link faultyStore} throws: tell it apart from a real failure in `onError`. */
export class StoreFaultError extends Error {
  override readonly name = "StoreFaultError";
}

/**
 * Wraps `store` so that its calls fail by `schedule`. The wrapped store is not touched by a failed
 * call (the failure comes before it), except `failSentWrites`, which fails as a lost answer would.
 *
 * @example
 * ```ts
 * import { createMemoryStore } from "line-responder";
 * import { faultyStore } from "line-responder/testing";
 *
 * const store = faultyStore(createMemoryStore(), { down: true });
 * // ...a delivery now answers 500 and LINE redelivers; after store.up(), the redelivery is served.
 * ```
 */
export function faultyStore(store: Store, schedule: FaultSchedule = {}): FaultyStore {
  const rate = schedule.rate ?? 0;
  if (!(rate >= 0 && rate <= 1)) throw new TypeError(`faultyStore: rate must be between 0 and 1, not ${rate}`);
  const random = seededRandom(schedule.seed ?? 1);
  const methods = new Set<StoreMethod>(
    schedule.methods ?? ["beginEvent", "finishEvent", "releaseEvent", "claimReward", "updateClaim", "listClaims"],
  );
  let down = schedule.down ?? false;
  let sentWritesToFail = schedule.failSentWrites ?? 0;
  // The call count after which every call fails (Infinity: never).
  let deadAfter = schedule.failAfterCalls ?? Number.POSITIVE_INFINITY;
  const stats = { calls: 0, failures: 0 };

  function gate(method: StoreMethod): void {
    stats.calls++;
    const dead = stats.calls > deadAfter && methods.has(method);
    const rolled = rate > 0 && methods.has(method) && random() < rate;
    if (down || dead || rolled) {
      stats.failures++;
      throw new StoreFaultError(`store fault injected by faultyStore (${method})`);
    }
  }

  return {
    async beginEvent(input) {
      gate("beginEvent");
      return store.beginEvent(input);
    },
    async finishEvent(eventId, ttlMs, now) {
      gate("finishEvent");
      return store.finishEvent(eventId, ttlMs, now);
    },
    async releaseEvent(eventId) {
      gate("releaseEvent");
      return store.releaseEvent(eventId);
    },
    async claimReward(input) {
      gate("claimReward");
      return store.claimReward(input);
    },
    async updateClaim(id, patch, now) {
      gate("updateClaim");
      if (patch.status === "sent" && sentWritesToFail > 0) {
        sentWritesToFail--;
        stats.failures++;
        throw new StoreFaultError("store fault injected by faultyStore (updateClaim: sent)");
      }
      return store.updateClaim(id, patch, now);
    },
    async listClaims(query) {
      gate("listClaims");
      return store.listClaims(query);
    },
    close: () => store.close?.() ?? Promise.resolve(),
    down() {
      down = true;
    },
    up() {
      down = false;
      deadAfter = Number.POSITIVE_INFINITY;
    },
    failAfter(calls) {
      deadAfter = stats.calls + calls;
    },
    failSentWrites(times = 1) {
      sentWritesToFail += times;
    },
    stats,
  };
}
