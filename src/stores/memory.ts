import {
  type ClaimQuery,
  type ClaimRewardInput,
  type ClaimRewardResult,
  type ClaimStatus,
  claimOrder,
  cursorAfter,
  isAfter,
  newClaim,
  perUserCap,
  RESUMABLE,
  type RewardClaim,
  readCursor,
  type Store,
} from "./store.js";

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** Most event ids kept; the oldest go first past it. Default 100,000. */
  maxEvents?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * An in-process store: right for one process (a single server, a Worker isolate, a Lambda
 * container) and for tests. Every operation runs to completion without awaiting, so each is
 * atomic within the process. Event ids live in insertion order and the oldest are dropped first
 * past `maxEvents`: an event redelivered after that many newer ones would be processed again,
 * which is why deployments with several processes use the Redis or PostgreSQL store.
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): Store {
  const maxEvents = checkMaxEvents(options.maxEvents);
  const clock = options.now ?? Date.now;
  const events = new EventTable(maxEvents);
  const claims = new Map<string, RewardClaim>();
  const byEvent = new Map<string, string>(); // rewardId + eventId -> claim id
  const byUser = new Map<string, RewardClaim[]>(); // rewardId + userId -> claims, in slot order
  const claimed = new Map<string, number>(); // rewardId -> claims ever made (stock)
  // Every claim in (createdAt, id) order, sorted again only when a claim arrived out of order.
  const byTime: RewardClaim[] = [];
  let sorted = true;
  const ordered = () => {
    if (!sorted) byTime.sort(claimOrder);
    sorted = true;
    return byTime;
  };
  // A user's or a reward's claims, in order: a scan of that user's claims, or of all claims.
  const filtered = (query: ClaimQuery): RewardClaim[] => {
    if (query.userId !== undefined && query.rewardId !== undefined) {
      return [...(byUser.get(`${query.rewardId}\n${query.userId}`) ?? [])].sort(claimOrder);
    }
    return ordered().filter(
      (c) =>
        (query.userId === undefined || c.userId === query.userId) &&
        (query.rewardId === undefined || c.rewardId === query.rewardId),
    );
  };
  const copy = (claim: RewardClaim): RewardClaim => ({ ...claim, sentMessageIds: [...claim.sentMessageIds] });

  function claimReward(
    { rewardId, userId, eventId, limit, stock, now = clock() }: ClaimRewardInput,
    leaseUntil = 0,
  ): ClaimRewardResult {
    const earlier = byEvent.get(`${rewardId}\n${eventId}`);
    if (earlier !== undefined) {
      const claim = claims.get(earlier) as RewardClaim;
      if (leaseUntil > 0 && RESUMABLE.includes(claim.status) && claim.leaseUntil <= now) {
        claim.leaseUntil = leaseUntil;
        return { outcome: "resumed", claim: copy(claim) };
      }
      return { outcome: "duplicate", claim: copy(claim) };
    }
    const userKey = `${rewardId}\n${userId}`;
    const mine = byUser.get(userKey) ?? [];
    const latest = mine[mine.length - 1];
    if (latest && mine.length >= perUserCap(limit)) return { outcome: "duplicate", claim: copy(latest) };
    const count = claimed.get(rewardId) ?? 0;
    if (stock !== undefined && count >= stock) return { outcome: "out-of-stock" };
    const slot = mine.length + 1;
    const claim = newClaim({ rewardId, userId, eventId }, slot, leaseUntil, now);
    claims.set(claim.id, claim);
    const latestClaim = byTime[byTime.length - 1];
    if (latestClaim && claimOrder(latestClaim, claim) > 0) sorted = false;
    byTime.push(claim);
    byEvent.set(`${rewardId}\n${eventId}`, claim.id);
    mine.push(claim);
    byUser.set(userKey, mine);
    claimed.set(rewardId, count + 1);
    return { outcome: "new", claim: copy(claim) };
  }

  return {
    async beginEvent({ eventId, leaseMs, reward, now = clock() }) {
      const state = events.get(eventId, now);
      if (state === "done") return { event: "duplicate" };
      if (state === "processing") return { event: "busy" };
      events.set(eventId, "processing", now + leaseMs, now);
      if (!reward) return { event: "new" };
      return { event: "new", reward: claimReward({ ...reward, eventId, now }, now + leaseMs) };
    },

    async finishEvent(eventId, ttlMs, now = clock()) {
      events.set(eventId, "done", now + ttlMs, now);
    },

    async releaseEvent(eventId) {
      events.delete(eventId);
    },

    async claimReward(input) {
      return claimReward(input);
    },

    async updateClaim(id, patch, now = clock()) {
      const claim = claims.get(id);
      if (!claim) return undefined;
      Object.assign(claim, patch, { updatedAt: now });
      if (patch.sentMessageIds) claim.sentMessageIds = [...patch.sentMessageIds];
      return copy(claim);
    },

    async listClaims(query = {}) {
      const now = query.now ?? clock();
      const limit = query.limit ?? 100;
      const statuses = query.statuses ? new Set<ClaimStatus>(query.statuses) : undefined;
      const position = query.after === undefined ? undefined : readCursor(query.after);
      const source = query.userId !== undefined || query.rewardId !== undefined ? filtered(query) : ordered();
      const found: RewardClaim[] = [];
      let last: RewardClaim | undefined;
      for (let i = position ? firstAfter(source, position) : 0; i < source.length; i++) {
        if (found.length >= limit) return { claims: found, next: last && cursorAfter(last) };
        const claim = source[i] as RewardClaim;
        if (query.createdBefore !== undefined && claim.createdAt >= query.createdBefore) break;
        last = claim;
        if (statuses && !statuses.has(claim.status)) continue;
        if (query.rewardId !== undefined && claim.rewardId !== query.rewardId) continue;
        if (query.userId !== undefined && claim.userId !== query.userId) continue;
        if (query.leaseMs !== undefined) {
          if (claim.leaseUntil > now) continue;
          claim.leaseUntil = now + query.leaseMs;
        }
        found.push(copy(claim));
      }
      return { claims: found, next: undefined };
    },
  };
}

function checkMaxEvents(maxEvents: number | undefined): number {
  if (maxEvents === undefined) return 100_000;
  if (typeof maxEvents !== "number" || !Number.isInteger(maxEvents) || maxEvents < 1) {
    throw new TypeError(`createMemoryStore: maxEvents must be a whole number of at least 1, not ${String(maxEvents)}`);
  }
  return maxEvents;
}

type EventState = "processing" | "done";

/**
 * Event ids with their state and expiry, the oldest dropped first past `max`. A queue of
 * insertions with lazy deletion keeps that O(1) amortized: a Map's own insertion order would do,
 * but V8 walks over the tombstones of deleted entries when iterating from the front.
 *
 * The queue is three parallel arrays and the map holds each id's latest position in it, so that
 * recording an event allocates no object: under load every entry lives until 100,000 newer ones
 * push it out, long enough to reach the old generation, where objects per event made the
 * collector's marking a few percent of a webhook request's CPU.
 */
class EventTable {
  /** Id -> its latest position in the queue (`offset` + index); older positions of the id are stale. */
  private readonly latest = new Map<string, number>();
  private ids: (string | undefined)[] = [];
  private done: boolean[] = [];
  private expiries: number[] = [];
  /** The queue's first live index, and the position of index 0 (it grows as the front is cut off). */
  private head = 0;
  private offset = 0;
  constructor(private readonly max: number) {}

  /** The state of `id`, unless it has none or it expired. */
  get(id: string, now: number): EventState | undefined {
    const position = this.latest.get(id);
    if (position === undefined) return undefined;
    const index = position - this.offset;
    if ((this.expiries[index] as number) <= now) return undefined;
    return this.done[index] ? "done" : "processing";
  }

  set(id: string, state: EventState, expiry: number, now: number): void {
    this.latest.set(id, this.offset + this.ids.length);
    this.ids.push(id);
    this.done.push(state === "done");
    this.expiries.push(expiry);
    // Drop from the front: stale positions, expired entries, and the oldest past the size limit.
    const { ids, latest } = this;
    while (this.head < ids.length) {
      const first = ids[this.head] as string;
      const live = latest.get(first) === this.offset + this.head;
      if (live && latest.size <= this.max && (this.expiries[this.head] as number) > now) break;
      if (live) latest.delete(first);
      ids[this.head] = undefined; // the string may go before the queue is cut
      this.head++;
    }
    if (this.head > 1024 && this.head * 2 > ids.length) {
      this.ids = ids.slice(this.head);
      this.done = this.done.slice(this.head);
      this.expiries = this.expiries.slice(this.head);
      this.offset += this.head;
      this.head = 0;
    }
  }

  delete(id: string): void {
    this.latest.delete(id);
  }
}

/** The index of the first claim after `position` in `ordered` (binary search). */
function firstAfter(ordered: readonly RewardClaim[], position: { createdAt: number; id: string }): number {
  let low = 0;
  let high = ordered.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (isAfter(ordered[mid] as RewardClaim, position)) high = mid;
    else low = mid + 1;
  }
  return low;
}
