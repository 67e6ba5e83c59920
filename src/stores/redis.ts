/**
 * `line-responder/redis`: the store for several instances sharing one Redis (ioredis client).
 * A reward claim is one Lua script: the event check, the user's limit, the stock and the new claim
 * happen atomically on the server, whatever the number of instances.
 *
 * Keys (under `prefix`): `ev:<event>` taken events (with TTL); `r:<reward>:count` claims made (stock);
 * `r:<reward>:u:<user>` a user's claims; `r:<reward>:e:<event>` the claim an event made;
 * `c:<claim id>` the claim as JSON; `s:<status>` claim ids by creation time; `lease:<claim id>`.
 *
 * @example
 * ```ts
 * import { createRedisStore } from "line-responder/redis";
 * const store = await createRedisStore({ url: process.env.REDIS_URL });
 * const responder = createResponder({ channelSecret, rules, client, store });
 * ```
 *
 * @packageDocumentation
 */
import { Redis } from "ioredis";
import type { ClaimRewardResult, ClaimStatus, RewardClaim, Store } from "./store.js";
import { perUserCap } from "./store.js";
import { StoreConnectionError } from "./store-error.js";

export { StoreConnectionError };

/** Options of {@link createRedisStore}: a client you own, or a URL the store connects to itself. */
export interface RedisStoreOptions {
  /** An ioredis client; the store does not close it. */
  client?: Redis;
  /** `redis://127.0.0.1:6379`; the store opens (and `close()` closes) its own connection. */
  url?: string;
  /** Prefix of every key; default `line-responder:`. */
  prefix?: string;
}

const STATUSES: readonly ClaimStatus[] = ["pending", "sent", "failed", "deferred", "blocked-quota"];

// ARGV: prefix, reward, user, event, cap (-1: none), stock (-1: none), now
const CLAIM_REWARD = `
local p, reward, user, event = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local cap, stock, now = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local eventKey = p .. 'r:' .. reward .. ':e:' .. event
local earlier = redis.call('GET', eventKey)
if earlier then return {'duplicate', redis.call('GET', p .. 'c:' .. earlier)} end
local userKey = p .. 'r:' .. reward .. ':u:' .. user
local held = tonumber(redis.call('GET', userKey) or '0')
if cap >= 0 and held >= cap then
  return {'duplicate', redis.call('GET', p .. 'c:' .. reward .. ':' .. user .. ':' .. held)}
end
local countKey = p .. 'r:' .. reward .. ':count'
if stock >= 0 and tonumber(redis.call('GET', countKey) or '0') >= stock then return {'out-of-stock'} end
local slot = held + 1
local id = reward .. ':' .. user .. ':' .. slot
local json = '{"id":' .. cjson.encode(id) .. ',"rewardId":' .. cjson.encode(reward) .. ',"userId":' .. cjson.encode(user)
  .. ',"slot":' .. slot .. ',"eventId":' .. cjson.encode(event) .. ',"status":"pending","attempts":0,"attemptEpoch":0'
  .. ',"reason":null,"sentMessageIds":[],"unconfirmed":null,"leaseUntil":0,"createdAt":' .. now .. ',"updatedAt":' .. now .. '}'
redis.call('SET', p .. 'c:' .. id, json)
redis.call('SET', eventKey, id)
redis.call('SET', userKey, slot)
redis.call('INCR', countKey)
redis.call('ZADD', p .. 's:pending', now, id)
return {'new', json}
`;

// Compare-and-set of a claim's JSON, moving it between status sets. ARGV: prefix, id, old, new, old status, new status, createdAt
const REPLACE_CLAIM = `
local key = ARGV[1] .. 'c:' .. ARGV[2]
if redis.call('GET', key) ~= ARGV[3] then return 0 end
redis.call('SET', key, ARGV[4])
if ARGV[5] ~= ARGV[6] then
  redis.call('ZREM', ARGV[1] .. 's:' .. ARGV[5], ARGV[2])
  redis.call('ZADD', ARGV[1] .. 's:' .. ARGV[6], tonumber(ARGV[7]), ARGV[2])
end
return 1
`;

type RedisWithScripts = Redis & {
  lrClaimReward(...args: (string | number)[]): Promise<[string, string?]>;
  lrReplaceClaim(...args: (string | number)[]): Promise<number>;
};

/**
 * Creates a Redis store. With `url`, connects first and throws one-line {@link StoreConnectionError}
 * when Redis cannot be reached, so a wrong URL fails at start, not at the first reward.
 */
export async function createRedisStore(options: RedisStoreOptions = {}): Promise<Store> {
  const prefix = options.prefix ?? "line-responder:";
  const owned = options.client === undefined;
  const url = options.url ?? "redis://127.0.0.1:6379";
  let connected = false;
  let lastError: Error | undefined;
  const redis = (options.client ??
    new Redis(url, {
      lazyConnect: true,
      maxRetriesPerRequest: 2,
      // No retries before the first connection (a wrong URL fails at start); reconnect after it.
      retryStrategy: (times) => (connected ? Math.min(times * 100, 2000) : null),
    })) as RedisWithScripts;
  if (owned) {
    // Connection errors surface as rejected commands (and so in the responder's onError);
    // without a listener ioredis would print them with a stack trace.
    redis.on("error", (error: Error) => {
      lastError = error;
    });
    try {
      await redis.connect();
      await redis.ping();
      connected = true;
    } catch (error) {
      redis.disconnect();
      const reason = lastError?.message ?? (error as Error).message;
      throw new StoreConnectionError(`cannot connect to Redis at ${url.replace(/:[^:@/]*@/, ":***@")}: ${reason}`);
    }
  }
  if (typeof redis.lrClaimReward !== "function") {
    redis.defineCommand("lrClaimReward", { numberOfKeys: 0, lua: CLAIM_REWARD });
    redis.defineCommand("lrReplaceClaim", { numberOfKeys: 0, lua: REPLACE_CLAIM });
  }

  return {
    async claimEvent(eventId, ttlMs) {
      return (await redis.set(`${prefix}ev:${eventId}`, "1", "PX", Math.max(1, Math.round(ttlMs)), "NX")) === "OK";
    },
    async releaseEvent(eventId) {
      await redis.del(`${prefix}ev:${eventId}`);
    },
    async claimReward({ rewardId, userId, eventId, limit, stock, now = Date.now() }): Promise<ClaimRewardResult> {
      const cap = perUserCap(limit);
      const [outcome, json] = await redis.lrClaimReward(
        prefix,
        rewardId,
        userId,
        eventId,
        Number.isFinite(cap) ? cap : -1,
        stock ?? -1,
        now,
      );
      if (outcome === "out-of-stock") return { outcome };
      return { outcome: outcome as "new" | "duplicate", claim: JSON.parse(json as string) as RewardClaim };
    },
    async updateClaim(id, patch, now = Date.now()) {
      for (;;) {
        const old = await redis.get(`${prefix}c:${id}`);
        if (old === null) return undefined;
        const before = JSON.parse(old) as RewardClaim;
        const after: RewardClaim = { ...before, ...patch, updatedAt: now };
        const json = JSON.stringify(after);
        if (await redis.lrReplaceClaim(prefix, id, old, json, before.status, after.status, before.createdAt)) {
          // Leases live in their own expiring keys (listClaims takes them with SET NX): keep them in step.
          if (patch.leaseUntil !== undefined) {
            const ms = Math.round(patch.leaseUntil - now);
            if (ms > 0) await redis.set(`${prefix}lease:${id}`, "1", "PX", ms);
            else await redis.del(`${prefix}lease:${id}`);
          }
          return after;
        }
        // Another writer changed it between the read and the write: read again.
      }
    },
    async listClaims(query = {}) {
      const now = query.now ?? Date.now();
      const limit = query.limit ?? 100;
      const max = query.createdBefore === undefined ? "+inf" : `(${query.createdBefore}`;
      // Oldest first across statuses: the oldest `window` of each status set, merged. Claims other
      // runs hold a lease on are skipped, so a call may return fewer than `limit`; the next run gets them.
      const window = limit * 4;
      const ids: [string, number][] = [];
      for (const status of query.statuses ?? STATUSES) {
        const page = await redis.zrangebyscore(`${prefix}s:${status}`, "-inf", max, "WITHSCORES", "LIMIT", 0, window);
        for (let i = 0; i < page.length; i += 2) ids.push([page[i] as string, Number(page[i + 1])]);
      }
      ids.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
      const found: RewardClaim[] = [];
      for (const [id] of ids) {
        if (found.length >= limit) break;
        if (query.leaseMs !== undefined) {
          const leased = await redis.set(
            `${prefix}lease:${id}`,
            "1",
            "PX",
            Math.max(1, Math.round(query.leaseMs)),
            "NX",
          );
          if (leased !== "OK") continue;
        }
        const json = await redis.get(`${prefix}c:${id}`);
        if (json === null) continue;
        const claim = JSON.parse(json) as RewardClaim;
        found.push(query.leaseMs === undefined ? claim : { ...claim, leaseUntil: now + query.leaseMs });
      }
      return found;
    },
    async close() {
      if (owned) await redis.quit();
    },
  };
}
