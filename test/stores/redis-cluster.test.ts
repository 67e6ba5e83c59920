/**
 * The Redis store on a Redis Cluster, beyond the conformance suite: where its keys land (one hash
 * slot, so the scripts stay atomic), that single-server keys keep their format, that a reshard
 * moving the store's slot is followed, and that the durability check reads every master.
 */
import { randomUUID } from "node:crypto";
import type { Cluster } from "ioredis";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createRedisStore, RedisDurabilityError } from "../../src/stores/redis.js";
import { clusterNodesFromEnv, type OwnCluster, startRedisCluster } from "../helpers/redis-cluster.js";
import { REDIS_URL, redisClusterTarget, targets } from "./targets.js";

if (!redisClusterTarget.available) console.warn(redisClusterTarget.skipReason);

describe.skipIf(!redisClusterTarget.available)("Redis store on a Redis Cluster", () => {
  let cluster: OwnCluster;
  const clients: Cluster[] = [];
  const client = () => {
    const c = cluster.client();
    clients.push(c);
    return c;
  };
  beforeAll(async () => {
    cluster = await startRedisCluster(3);
  }, 30_000);
  afterAll(async () => {
    for (const c of clients) c.disconnect();
    await cluster?.stop();
  });

  /** Every key under `pattern` on each master, by master port. */
  async function keysByMaster(pattern: string): Promise<Map<number, string[]>> {
    const admin = client();
    await admin.ping();
    const found = new Map<number, string[]>();
    for (const master of admin.nodes("master")) {
      const keys = await master.keys(pattern);
      if (keys.length > 0) found.set(master.options.port as number, keys);
    }
    return found;
  }

  /** Claims, updates, leases and lists: a store that has written every kind of key it has. */
  async function exercise(store: Awaited<ReturnType<typeof createRedisStore>>) {
    const reward = { rewardId: "gift", userId: "U1", limit: "once-per-user" as const, stock: 10 };
    await store.beginEvent({ eventId: "e1", leaseMs: 60_000, reward });
    await store.finishEvent("e1", 60_000);
    const { claim } = (await store.claimReward({ ...reward, userId: "U2", eventId: "e2" })) as {
      claim: { id: string };
    };
    await store.updateClaim(claim.id, { status: "failed", reason: "test" });
    await store.listClaims({ statuses: ["failed"], leaseMs: 60_000 });
  }

  it("puts every key of a store in one hash slot, on one master", async () => {
    const prefix = `lr-slot:${randomUUID()}:`;
    const store = await createRedisStore({ client: client(), prefix, onWarning: () => {} });
    await exercise(store);
    const byMaster = await keysByMaster(`{${prefix}}*`);
    expect(byMaster.size).toBe(1);
    const [[port, keys]] = [...byMaster] as [[number, string[]]];
    // Each kind of key the scripts touch together: the event, the claim, the counters, the indexes, the lease.
    const names = keys.map((k) => k.slice(`{${prefix}}`.length)).sort();
    expect(names).toEqual(
      expect.arrayContaining([
        "ev:e1",
        "c:gift:U1:1",
        "r:gift:count",
        "r:gift:u:U1",
        "r:gift:e:e1",
        "s:pending",
        "s:failed",
        "rw:gift",
        "u:U1",
        "u:U2",
        "lease:gift:U2:1",
      ]),
    );
    const admin = client();
    const slot = (await admin.cluster("KEYSLOT", `{${prefix}}`)) as number;
    for (const key of keys) expect(await admin.cluster("KEYSLOT", key), key).toBe(slot);
    expect(await cluster.ownerOf(slot)).toBe(port);
  });

  it("keeps a prefix that already has a hash tag, so a single server and a cluster share the key format", async () => {
    const prefix = `{lr-tag-${randomUUID()}}:`;
    await exercise(await createRedisStore({ client: client(), prefix, onWarning: () => {} }));
    const keys = [...(await keysByMaster(`${prefix.replace(/[{}]/g, "\\$&")}*`)).values()].flat();
    expect(keys).toContain(`${prefix}ev:e1`);
    expect(keys).toContain(`${prefix}c:gift:U1:1`);
  });

  it("refuses an empty prefix on a cluster with one line saying why", async () => {
    await expect(createRedisStore({ client: client(), prefix: "", onWarning: () => {} })).rejects.toThrow(
      'createRedisStore: prefix must not be empty with a Redis Cluster client (it becomes the hash tag that keeps the store in one slot); leave it out for "line-responder:"',
    );
  });

  it.skipIf(clusterNodesFromEnv() !== undefined)(
    "follows its slot when a reshard moves it to another master: old claims stay duplicates, new ones are made",
    async () => {
      const prefix = `lr-move:${randomUUID()}:`;
      const store = await createRedisStore({ client: client(), prefix, onWarning: () => {} });
      const reward = { rewardId: "gift", limit: "once-per-user" as const, stock: 3 };
      expect((await store.claimReward({ ...reward, userId: "U1", eventId: "e1" })).outcome).toBe("new");
      const slot = (await client().cluster("KEYSLOT", `{${prefix}}`)) as number;
      const from = await cluster.ownerOf(slot);
      const to = cluster.nodes.find((n) => n.port !== from)?.port as number;
      await cluster.moveSlot(slot, to);
      expect(await cluster.ownerOf(slot)).toBe(to);
      // The client still routes to the old master: it answers MOVED, and the store follows.
      expect((await store.claimReward({ ...reward, userId: "U1", eventId: "e9" })).outcome).toBe("duplicate");
      expect((await store.claimReward({ ...reward, userId: "U2", eventId: "e2" })).outcome).toBe("new");
      expect((await store.claimReward({ ...reward, userId: "U3", eventId: "e3" })).outcome).toBe("new");
      expect((await store.claimReward({ ...reward, userId: "U4", eventId: "e4" })).outcome).toBe("out-of-stock");
      expect((await store.listClaims({ rewardId: "gift" })).claims.map((c) => c.userId)).toEqual(["U1", "U2", "U3"]);
      expect([...(await keysByMaster(`{${prefix}}*`)).keys()]).toEqual([to]);
    },
  );

  it.skipIf(clusterNodesFromEnv() !== undefined)(
    "checks every master: an evicting one refuses the store, naming it; a warning names all the masters it concerns",
    async () => {
      const warnings: string[] = [];
      await createRedisStore({ client: client(), prefix: "lr-check:", onWarning: (m) => warnings.push(m) });
      const masters = cluster.nodes.map((n) => `${n.host}:${n.port}`);
      // One warning for the three masters, not three.
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toMatch(
        /^Redis Cluster masters [^:]+:\d+, [^:]+:\d+, [^:]+:\d+: this Redis keeps nothing on disk/,
      );
      for (const master of masters) expect(warnings[0]).toContain(master);

      const [evicting] = cluster.nodes as [{ host: string; port: number }];
      const direct = new Redis(evicting.port, evicting.host);
      try {
        await direct.config("SET", "maxmemory-policy", "allkeys-lru");
        const refused = createRedisStore({ client: client(), prefix: "lr-check:", onWarning: () => {} });
        await expect(refused).rejects.toBeInstanceOf(RedisDurabilityError);
        await expect(refused).rejects.toThrow(
          `Redis Cluster master ${evicting.host}:${evicting.port}: Redis maxmemory-policy is allkeys-lru: under memory pressure it deletes reward claims, and users claim again. Set maxmemory-policy noeviction, or pass allowEviction: true to accept it`,
        );
        await expect(
          createRedisStore({ client: client(), prefix: "lr-check:", allowEviction: true, onWarning: () => {} }),
        ).resolves.toBeDefined();
      } finally {
        await direct.config("SET", "maxmemory-policy", "noeviction");
        direct.disconnect();
      }
    },
  );
});

const single = targets.find((t) => t.name === "redis");
describe.skipIf(!single?.available)("Redis store on a single server", () => {
  it("keeps today's key format: the prefix, then the name, no hash tag", async () => {
    const prefix = `lr-format:${randomUUID()}:`;
    const store = await createRedisStore({ url: REDIS_URL, prefix, onWarning: () => {} });
    const redis = new Redis(REDIS_URL);
    try {
      await store.beginEvent({
        eventId: "e1",
        leaseMs: 60_000,
        reward: { rewardId: "gift", userId: "U1", limit: "once-per-user" },
      });
      const keys = (await redis.keys(`${prefix}*`)).sort();
      expect(keys).toEqual(
        [
          "c:gift:U1:1",
          "ev:e1",
          "lease:gift:U1:1",
          "r:gift:count",
          "r:gift:e:e1",
          "r:gift:u:U1",
          "rw:gift",
          "s:pending",
          "u:U1",
        ]
          .map((name) => `${prefix}${name}`)
          .sort(),
      );
      await redis.del(...keys);
    } finally {
      redis.disconnect();
      await store.close?.();
    }
  });
});
