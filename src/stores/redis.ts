/**
 * `line-responder/redis`: the store for several instances sharing one Redis (ioredis client), a
 * single server or a Redis Cluster. A reward claim is one Lua script: the event check, the user's
 * limit, the stock and the new claim happen atomically on the server, whatever the number of instances.
 *
 * Keys (under `prefix`): `ev:<event>` taken events (with TTL); `r:<reward>:count` claims made (stock);
 * `r:<reward>:u:<user>` a user's claims; `r:<reward>:e:<event>` the claim an event made;
 * `c:<claim id>` the claim as JSON; `s:<status>`, `rw:<reward>` and `u:<user>` claim ids by creation
 * time; `lease:<claim id>`.
 *
 * In a Redis Cluster every key of one store carries the same hash tag (the prefix in braces,
 * `{line-responder:}ev:<event>`), so the whole store lives in one hash slot, on one master. That is
 * what keeps {@link Store.beginEvent} one script: the event (addressed by its id alone, as
 * `finishEvent` and `releaseEvent` only know the id), the reward's stock counter and the user's
 * limit must sit together for the event and its claim to be recorded atomically, and a per-user
 * or per-reward tag cannot put an event with every reward a user may claim. The cluster gives the
 * store failover and a shared deployment, not write scale-out: one store's throughput is one
 * master's. Bots with separate stores (separate prefixes) land on different slots.
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
import { type Cluster, Redis } from "ioredis";
import type {
  BeginEventResult,
  ClaimRewardInput,
  ClaimRewardResult,
  ClaimStatus,
  RewardClaim,
  Store,
} from "./store.js";
import { cursorAfter, isAfter, perUserCap, readCursor } from "./store.js";
import { StoreConnectionError } from "./store-error.js";

export { StoreConnectionError };

/** Options of {@link createRedisStore}: a client you own, or a URL the store connects to itself. */
export interface RedisStoreOptions {
  /**
   * An ioredis client; the store does not close it. A `Cluster` client puts every key of the store
   * under one hash tag (see `prefix`): the store lives on one master of the cluster.
   */
  client?: Redis | Cluster;
  /** `redis://127.0.0.1:6379`; the store opens (and `close()` closes) its own connection. */
  url?: string;
  /**
   * Prefix of every key; default `line-responder:`. On a single server keys are the prefix and the
   * name (`line-responder:ev:<event>`). With a Cluster client the prefix is wrapped in braces, a
   * hash tag (`{line-responder:}ev:<event>`), unless it has a non-empty `{...}` tag already: a
   * prefix such as `{bot}:` gives the same keys on a single server and on a cluster.
   */
  prefix?: string;
  /**
   * Accept a server whose `maxmemory-policy` evicts keys that have no expiry (`allkeys-*`).
   * Default false: such a server forgets claims under memory pressure, and users claim again.
   */
  allowEviction?: boolean;
  /**
   * Where the start-up check's warnings go (a server that keeps nothing on disk, a policy that may
   * evict event ids, a server that does not allow `CONFIG GET`); default `console.warn`. On a
   * cluster the check reads every master, and a warning names the masters it is about.
   */
  onWarning?: (message: string) => void;
}

const STATUSES: readonly ClaimStatus[] = ["pending", "sent", "failed", "deferred", "blocked-quota"];

// The reward claim, shared by both scripts. ARGV from `at`: reward, user, event, cap (-1: none),
// stock (-1: none), now, lease ms (0: none; with a lease, this event's own unsent claim is resumed).
const CLAIM_FUNCTION = `
local function claim(p, at)
  local reward, user, event = ARGV[at], ARGV[at + 1], ARGV[at + 2]
  local cap, stock, now = tonumber(ARGV[at + 3]), tonumber(ARGV[at + 4]), tonumber(ARGV[at + 5])
  local lease = tonumber(ARGV[at + 6])
  local eventKey = p .. 'r:' .. reward .. ':e:' .. event
  local earlier = redis.call('GET', eventKey)
  if earlier then
    local json = redis.call('GET', p .. 'c:' .. earlier)
    if lease > 0 then
      local status = cjson.decode(json).status
      if (status == 'pending' or status == 'failed' or status == 'deferred')
        and redis.call('SET', p .. 'lease:' .. earlier, '1', 'PX', lease, 'NX') then
        return {'resumed', json}
      end
    end
    return {'duplicate', json}
  end
  local userKey = p .. 'r:' .. reward .. ':u:' .. user
  local held = tonumber(redis.call('GET', userKey) or '0')
  if cap >= 0 and held >= cap then
    return {'duplicate', redis.call('GET', p .. 'c:' .. reward .. ':' .. user .. ':' .. held)}
  end
  local countKey = p .. 'r:' .. reward .. ':count'
  if stock >= 0 and tonumber(redis.call('GET', countKey) or '0') >= stock then return {'out-of-stock'} end
  local slot = held + 1
  local id = reward .. ':' .. user .. ':' .. slot
  local leaseUntil = 0
  if lease > 0 then
    leaseUntil = now + lease
    redis.call('SET', p .. 'lease:' .. id, '1', 'PX', lease)
  end
  local json = '{"id":' .. cjson.encode(id) .. ',"rewardId":' .. cjson.encode(reward) .. ',"userId":' .. cjson.encode(user)
    .. ',"slot":' .. slot .. ',"eventId":' .. cjson.encode(event) .. ',"status":"pending","attempts":0,"attemptEpoch":0'
    .. ',"reason":null,"sentMessageIds":[],"unconfirmed":null,"leaseUntil":' .. leaseUntil
    .. ',"createdAt":' .. now .. ',"updatedAt":' .. now .. '}'
  redis.call('SET', p .. 'c:' .. id, json)
  redis.call('SET', eventKey, id)
  redis.call('SET', userKey, slot)
  redis.call('INCR', countKey)
  redis.call('ZADD', p .. 's:pending', now, id)
  redis.call('ZADD', p .. 'rw:' .. reward, now, id)
  redis.call('ZADD', p .. 'u:' .. user, now, id)
  return {'new', json}
end
`;

// ARGV: prefix, then the claim's arguments.
const CLAIM_REWARD = `${CLAIM_FUNCTION}
return claim(ARGV[1], 2)
`;

// The event (`p` while worked on, with the lease as its expiry; `d` once done) and, when ARGV has
// more than the event's three, the reward claim in the same step. ARGV: prefix, event, lease ms, claim...
const BEGIN_EVENT = `${CLAIM_FUNCTION}
local p = ARGV[1]
local eventKey = p .. 'ev:' .. ARGV[2]
local state = redis.call('GET', eventKey)
if state == 'p' then return {'busy'} end
if state then return {'duplicate'} end
redis.call('SET', eventKey, 'p', 'PX', tonumber(ARGV[3]))
if #ARGV == 3 then return {'new'} end
local outcome = claim(p, 4)
return {'new', outcome[1], outcome[2]}
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

type RedisWithScripts = (Redis | Cluster) & {
  lrClaimReward(...args: (string | number)[]): Promise<[string, string?]>;
  lrBeginEvent(...args: (string | number)[]): Promise<[string, string?, string?]>;
  lrReplaceClaim(...args: (string | number)[]): Promise<number>;
};

/**
 * Creates a Redis store. With `url`, connects first and throws one-line {@link StoreConnectionError}
 * when Redis cannot be reached, so a wrong URL fails at start, not at the first reward.
 */
export async function createRedisStore(options: RedisStoreOptions = {}): Promise<Store> {
  const cluster = options.client?.isCluster === true;
  const prefix = keyPrefix(options.prefix ?? "line-responder:", cluster);
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
  await checkDurability(redis, options);
  if (typeof redis.lrClaimReward !== "function") {
    // The key count comes first in each call (see `declared`).
    redis.defineCommand("lrClaimReward", { lua: CLAIM_REWARD });
    redis.defineCommand("lrBeginEvent", { lua: BEGIN_EVENT });
    redis.defineCommand("lrReplaceClaim", { lua: REPLACE_CLAIM });
  }

  // On a cluster each script names the keys it reads: that routes it to the master of the store's
  // slot, and while a reshard moves the slot Redis answers ASK or TRYAGAIN instead of running it
  // with some keys not there yet (a new claim's event key exists nowhere, so no claim is made until
  // the move ends; ioredis retries). A single server gets none, the same command as ever.
  const declared = (keys: string[]): (string | number)[] => (cluster ? [keys.length, ...keys] : [0]);

  return {
    async beginEvent({ eventId, leaseMs, reward, now = Date.now() }): Promise<BeginEventResult> {
      const lease = wholeMs(leaseMs);
      const args: (string | number)[] = [prefix, eventId, lease];
      if (reward) args.push(...claimArguments({ ...reward, eventId, now }), lease);
      const keys = [`${prefix}ev:${eventId}`, ...(reward ? claimKeys(prefix, { ...reward, eventId }) : [])];
      const [event, outcome, json] = await redis.lrBeginEvent(...declared(keys), ...args);
      if (event !== "new") return { event: event as "busy" | "duplicate" };
      if (!reward) return { event: "new" };
      return { event: "new", reward: claimResult(outcome as string, json) };
    },
    async finishEvent(eventId, ttlMs) {
      await redis.set(`${prefix}ev:${eventId}`, "d", "PX", wholeMs(ttlMs));
    },
    async releaseEvent(eventId) {
      await redis.del(`${prefix}ev:${eventId}`);
    },
    async claimReward(input): Promise<ClaimRewardResult> {
      const keys = claimKeys(prefix, input);
      const [outcome, json] = await redis.lrClaimReward(...declared(keys), prefix, ...claimArguments(input), 0);
      return claimResult(outcome, json);
    },
    async updateClaim(id, patch, now = Date.now()) {
      for (;;) {
        const old = await redis.get(`${prefix}c:${id}`);
        if (old === null) return undefined;
        const before = JSON.parse(old) as RewardClaim;
        const after: RewardClaim = { ...before, ...patch, updatedAt: now };
        const json = JSON.stringify(after);
        const keys = [`${prefix}c:${id}`, `${prefix}s:${before.status}`, `${prefix}s:${after.status}`];
        const args = [prefix, id, old, json, before.status, after.status, before.createdAt];
        if (await redis.lrReplaceClaim(...declared(keys), ...args)) {
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
      const start = query.after === undefined ? undefined : readCursor(query.after);
      // The smallest index that holds every match: a user's claims, a reward's, or the status sets.
      const keys =
        query.userId !== undefined
          ? [`${prefix}u:${query.userId}`]
          : query.rewardId !== undefined
            ? [`${prefix}rw:${query.rewardId}`]
            : (query.statuses ?? STATUSES).map((status) => `${prefix}s:${status}`);
      const walkers = keys.map((key) => new IndexWalker(redis, key, max, start, Math.min(limit * 2, 1000)));
      const statuses = query.statuses ? new Set(query.statuses) : undefined;
      const found: RewardClaim[] = [];
      const examined = new Set<string>();
      let last: IndexEntry | undefined;
      for (;;) {
        const entry = await nextOf(walkers);
        if (!entry) return { claims: found, next: undefined };
        // The page ends after the last entry examined; the next page starts with this one.
        if (found.length >= limit) return { claims: found, next: last && cursorAfter(last) };
        last = entry;
        // A claim that moved between status sets during the walk shows up twice: once is enough.
        if (examined.has(entry.id)) continue;
        examined.add(entry.id);
        const json = await redis.get(`${prefix}c:${entry.id}`);
        if (json === null) continue;
        const claim = JSON.parse(json) as RewardClaim;
        if (statuses && !statuses.has(claim.status)) continue;
        if (query.rewardId !== undefined && claim.rewardId !== query.rewardId) continue;
        if (query.userId !== undefined && claim.userId !== query.userId) continue;
        if (query.leaseMs !== undefined) {
          const leased = await redis.set(`${prefix}lease:${entry.id}`, "1", "PX", wholeMs(query.leaseMs), "NX");
          if (leased !== "OK") continue;
        }
        found.push(query.leaseMs === undefined ? claim : { ...claim, leaseUntil: now + query.leaseMs });
      }
    },
    async close() {
      if (owned) await redis.quit();
    },
  };
}

function wholeMs(ms: number): number {
  return Math.max(1, Math.round(ms));
}

/**
 * The keys the claim script reads or writes whatever it finds (the claim's own keys depend on the
 * user's count, which only the script knows).
 */
function claimKeys(
  prefix: string,
  { rewardId, userId, eventId }: Pick<ClaimRewardInput, "rewardId" | "userId" | "eventId">,
) {
  const reward = `${prefix}r:${rewardId}`;
  return [
    `${reward}:e:${eventId}`,
    `${reward}:u:${userId}`,
    `${reward}:count`,
    `${prefix}s:pending`,
    `${prefix}rw:${rewardId}`,
    `${prefix}u:${userId}`,
  ];
}

function claimArguments({ rewardId, userId, eventId, limit, stock, now = Date.now() }: ClaimRewardInput) {
  const cap = perUserCap(limit);
  return [rewardId, userId, eventId, Number.isFinite(cap) ? cap : -1, stock ?? -1, now];
}

function claimResult(outcome: string, json: string | undefined): ClaimRewardResult {
  if (outcome === "out-of-stock") return { outcome };
  return { outcome: outcome as "new" | "duplicate" | "resumed", claim: JSON.parse(json as string) as RewardClaim };
}

/** Thrown by {@link createRedisStore} when the server would silently forget claims. */
export class RedisDurabilityError extends Error {
  override readonly name = "RedisDurabilityError";
}

/**
 * The prefix keys start with. On a cluster it must hold a hash tag, so that every key of the store
 * hashes to one slot and the scripts may touch them together.
 */
function keyPrefix(prefix: string, cluster: boolean): string {
  if (!cluster) return prefix;
  const open = prefix.indexOf("{");
  const close = open < 0 ? -1 : prefix.indexOf("}", open + 1);
  if (close > open + 1) return prefix;
  if (prefix === "")
    throw new TypeError(
      'createRedisStore: prefix must not be empty with a Redis Cluster client (it becomes the hash tag that keeps the store in one slot); leave it out for "line-responder:"',
    );
  return `{${prefix}}`;
}

/**
 * Reads the server's eviction and persistence settings: a claim Redis forgets is a reward given
 * twice. Managed services that forbid `CONFIG` are let through with a warning. On a cluster, every
 * master: the store's slot lives on one, but a failover or a reshard moves it to another.
 */
async function checkDurability(redis: Redis | Cluster, options: RedisStoreOptions): Promise<void> {
  const warn = options.onWarning ?? ((message: string) => console.warn(`line-responder: ${message}`));
  if (!redis.isCluster) {
    const { error, warnings } = await assessDurability(redis as Redis, options);
    for (const warning of warnings) warn(warning);
    if (error) throw new RedisDurabilityError(error);
    return;
  }
  const cluster = redis as Cluster;
  // The masters are known once the client has read the slot table: a first command waits for it.
  await cluster.ping();
  const masters = cluster.nodes("master");
  // The same finding on several masters is said once, naming them all.
  const errors = new Map<string, string[]>();
  const warnings = new Map<string, string[]>();
  const add = (to: Map<string, string[]>, message: string, node: string) =>
    to.set(message, [...(to.get(message) ?? []), node]);
  for (const master of masters) {
    const node = `${master.options.host}:${master.options.port}`;
    const found = await assessDurability(master, options);
    if (found.error) add(errors, found.error, node);
    for (const warning of found.warnings) add(warnings, warning, node);
  }
  const onMasters = (message: string, nodes: string[]) =>
    `Redis Cluster master${nodes.length > 1 ? "s" : ""} ${nodes.join(", ")}: ${message}`;
  for (const [message, nodes] of warnings) warn(onMasters(message, nodes));
  const [error] = errors;
  if (error) throw new RedisDurabilityError(onMasters(...error));
}

/** One server's settings, judged: what refuses the store, and what only warns. */
async function assessDurability(
  redis: Redis,
  options: RedisStoreOptions,
): Promise<{ error?: string; warnings: string[] }> {
  const warnings: string[] = [];
  let config: Record<string, string>;
  try {
    const pairs = (await redis.call("CONFIG", "GET", "maxmemory-policy", "appendonly", "save")) as string[];
    config = {};
    for (let i = 0; i + 1 < pairs.length; i += 2) config[pairs[i] as string] = pairs[i + 1] as string;
  } catch (error) {
    warnings.push(
      `could not read the Redis server's eviction and persistence settings (${(error as Error).message}); make sure maxmemory-policy is noeviction and persistence (AOF) is on, or claims can be forgotten`,
    );
    return { warnings };
  }
  const policy = config["maxmemory-policy"] ?? "noeviction";
  if (policy.startsWith("allkeys-") && !options.allowEviction) {
    return {
      warnings,
      error: `Redis maxmemory-policy is ${policy}: under memory pressure it deletes reward claims, and users claim again. Set maxmemory-policy noeviction, or pass allowEviction: true to accept it`,
    };
  }
  if (policy.startsWith("volatile-")) {
    warnings.push(
      `Redis maxmemory-policy is ${policy}: under memory pressure it may delete webhook event ids early, so a redelivered event runs its handlers again (claims, which never expire, are kept); noeviction is safer`,
    );
  }
  if (config.appendonly !== "yes") {
    warnings.push(
      (config.save ?? "") === ""
        ? "this Redis keeps nothing on disk (appendonly no, no save points): a restart forgets every claim and users can claim again. Turn on appendonly yes for exactly-once across restarts"
        : "this Redis persists by RDB snapshots only (appendonly no): a restart forgets the claims made since the last snapshot, and those users can claim again. Turn on appendonly yes for exactly-once across restarts",
    );
  }
  return { warnings };
}

interface IndexEntry {
  id: string;
  createdAt: number;
}

/**
 * Walks one sorted set of claim ids (scored by creation time) in (createdAt, id) order from a
 * cursor, a batch at a time. Equal scores come in member order, which is byte order, as the
 * cursor compares.
 */
class IndexWalker {
  private buffer: IndexEntry[] = [];
  private exhausted = false;
  constructor(
    private readonly redis: Redis | Cluster,
    private readonly key: string,
    private readonly max: string,
    private position: { createdAt: number; id: string } | undefined,
    private batch: number,
  ) {}

  async peek(): Promise<IndexEntry | undefined> {
    while (this.buffer.length === 0 && !this.exhausted) await this.fill();
    return this.buffer[0];
  }

  take(): IndexEntry | undefined {
    const entry = this.buffer.shift();
    if (entry) this.position = entry;
    return entry;
  }

  private async fill(): Promise<void> {
    const min = this.position === undefined ? "-inf" : String(this.position.createdAt);
    const page = await this.redis.zrangebyscore(this.key, min, this.max, "WITHSCORES", "LIMIT", 0, this.batch);
    const entries: IndexEntry[] = [];
    for (let i = 0; i < page.length; i += 2) entries.push({ id: page[i] as string, createdAt: Number(page[i + 1]) });
    const position = this.position;
    this.buffer = position ? entries.filter((e) => isAfter(e, position)) : entries;
    if (page.length / 2 < this.batch) this.exhausted = true;
    // A full batch all at or before the position (many claims in one millisecond): read more at once.
    else if (this.buffer.length === 0) this.batch *= 2;
  }
}

/** The next entry over all walkers in (createdAt, id) order. */
async function nextOf(walkers: IndexWalker[]): Promise<IndexEntry | undefined> {
  let best: IndexWalker | undefined;
  let bestEntry: IndexEntry | undefined;
  for (const walker of walkers) {
    const entry = await walker.peek();
    if (entry && (!bestEntry || isAfter(bestEntry, entry))) {
      best = walker;
      bestEntry = entry;
    }
  }
  return best?.take();
}
