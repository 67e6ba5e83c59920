import { type ClaimStatus, claimId, perUserCap, type RewardClaim, type Store } from "./store.js";

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
  const maxEvents = options.maxEvents ?? 100_000;
  const clock = options.now ?? Date.now;
  const events = new Map<string, number>();
  const claims = new Map<string, RewardClaim>();
  const byEvent = new Map<string, string>(); // rewardId + eventId -> claim id
  const byUser = new Map<string, RewardClaim[]>(); // rewardId + userId -> claims, in slot order
  const claimed = new Map<string, number>(); // rewardId -> claims ever made (stock)
  const copy = (claim: RewardClaim): RewardClaim => ({ ...claim, sentMessageIds: [...claim.sentMessageIds] });

  return {
    async claimEvent(eventId, ttlMs) {
      const t = clock();
      const expiry = events.get(eventId);
      if (expiry !== undefined && expiry > t) return false;
      events.delete(eventId);
      events.set(eventId, t + ttlMs);
      for (const [oldest, oldestExpiry] of events) {
        if (events.size <= maxEvents && oldestExpiry > t) break;
        events.delete(oldest);
      }
      return true;
    },

    async releaseEvent(eventId) {
      events.delete(eventId);
    },

    async claimReward({ rewardId, userId, eventId, limit, stock, now = clock() }) {
      const earlier = byEvent.get(`${rewardId}\n${eventId}`);
      if (earlier !== undefined) return { outcome: "duplicate", claim: copy(claims.get(earlier) as RewardClaim) };
      const userKey = `${rewardId}\n${userId}`;
      const mine = byUser.get(userKey) ?? [];
      const latest = mine[mine.length - 1];
      if (latest && mine.length >= perUserCap(limit)) return { outcome: "duplicate", claim: copy(latest) };
      const count = claimed.get(rewardId) ?? 0;
      if (stock !== undefined && count >= stock) return { outcome: "out-of-stock" };
      const slot = mine.length + 1;
      const claim: RewardClaim = {
        id: claimId(rewardId, userId, slot),
        rewardId,
        userId,
        slot,
        eventId,
        status: "pending",
        attempts: 0,
        attemptEpoch: 0,
        reason: null,
        sentMessageIds: [],
        unconfirmed: null,
        leaseUntil: 0,
        createdAt: now,
        updatedAt: now,
      };
      claims.set(claim.id, claim);
      byEvent.set(`${rewardId}\n${eventId}`, claim.id);
      mine.push(claim);
      byUser.set(userKey, mine);
      claimed.set(rewardId, count + 1);
      return { outcome: "new", claim: copy(claim) };
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
      const statuses = query.statuses ? new Set<ClaimStatus>(query.statuses) : undefined;
      const found: RewardClaim[] = [];
      // Filter before sorting: the store holds every claim ever made, a run wants a few.
      const ordered = [...claims.values()]
        .filter((claim) => !statuses || statuses.has(claim.status))
        .filter((claim) => query.createdBefore === undefined || claim.createdAt < query.createdBefore)
        .sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
      for (const claim of ordered) {
        if (found.length >= (query.limit ?? 100)) break;
        if (query.leaseMs !== undefined) {
          if (claim.leaseUntil > now) continue;
          claim.leaseUntil = now + query.leaseMs;
        }
        found.push(copy(claim));
      }
      return found;
    },
  };
}
