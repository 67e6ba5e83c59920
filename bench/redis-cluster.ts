/**
 * The Redis store on a 3-master Redis Cluster beside a single server, in the same run: rounds
 * alternate the two, best of each, and the ratio is what to read (the machine is shared, absolute
 * numbers wander). Both are the bench's own, started the same way (no persistence), so neither
 * shares its server with other work; with REDIS_CLUSTER_NODES the cluster is that one. One store
 * lives in one hash slot, so on one master: a ratio near 1 is the design working, not scale-out.
 */
import { randomUUID } from "node:crypto";
import type { Store } from "../src/index.js";
import { createRedisStore } from "../src/stores/redis.js";
import { redisServerAvailable, startOwnRedis } from "../test/helpers/redis-server.js";
import { redisClusterTarget, type StoreTarget } from "../test/stores/targets.js";
import { rate as rateOf } from "./rate.js";

const OPERATIONS = 4000;
const CONCURRENCY = 64;
const ROUNDS = 5;

const rate = (task: (i: number) => Promise<unknown>) => rateOf(task, OPERATIONS, CONCURRENCY);

/** One round on one data set: new claims, keyword events (event + claim), then paging every claim made. */
async function measure(store: Store): Promise<Record<string, number>> {
  const claims = await rate((i) =>
    store.claimReward({ rewardId: "gift", userId: `U${i}`, eventId: `e${i}`, limit: "once-per-user" }),
  );
  const events = await rate(async (i) => {
    await store.beginEvent({
      eventId: `01JKEYWORD${i}`,
      leaseMs: 60_000,
      reward: { rewardId: "keyword-gift", userId: `K${i}`, limit: "once-per-user", stock: 1_000_000 },
    });
    await store.finishEvent(`01JKEYWORD${i}`, 60_000);
  });
  let listed = 0;
  const started = performance.now();
  for (let after: string | undefined, first = true; first || after; first = false) {
    const page = await store.listClaims({ limit: 500, ...(after ? { after } : {}) });
    listed += page.claims.length;
    after = page.next;
  }
  const pages = listed / ((performance.now() - started) / 1000);
  return { "new claims/s": claims, "event + claim/s": events, "listed claims/s": pages };
}

/** Prints the cluster-versus-single-server table; skips with a line when either is missing. */
export async function benchRedisCluster(): Promise<void> {
  console.log(
    `\n| Redis store, best of ${ROUNDS} interleaved rounds, ${OPERATIONS.toLocaleString("en-US")} operations | redis | redis-cluster (3 masters) | cluster / single |`,
  );
  console.log("| --- | ---: | ---: | ---: |");
  if (!redisServerAvailable || !redisClusterTarget.available) {
    console.log(`| skipped: ${redisClusterTarget.skipReason} | | | |`);
    return;
  }
  const server = await startOwnRedis(["--appendonly", "no"]);
  const single: StoreTarget = {
    name: "redis",
    available: true,
    async open() {
      const store = await createRedisStore({ url: server.url, prefix: `bench:${randomUUID()}:`, onWarning: () => {} });
      return { instance: async () => store, cleanup: async () => store.close?.() };
    },
  };
  const best = new Map<string, { redis: number; cluster: number }>();
  try {
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which goes first, so neither always runs on a warmer (or busier) machine.
      const order = round % 2 === 0 ? [single, redisClusterTarget] : [redisClusterTarget, single];
      for (const target of order) {
        const data = await target.open();
        const results = await measure(await data.instance());
        await data.cleanup();
        const side = target === single ? "redis" : "cluster";
        for (const [name, value] of Object.entries(results)) {
          const row = best.get(name) ?? { redis: 0, cluster: 0 };
          row[side] = Math.max(row[side], value);
          best.set(name, row);
        }
      }
    }
  } finally {
    await redisClusterTarget.shutdown?.();
    await server.stop();
  }
  for (const [name, { redis, cluster }] of best) {
    const cells = [redis, cluster].map((n) => Math.round(n).toLocaleString("en-US"));
    console.log(`| ${name} | ${cells.join(" | ")} | ${(cluster / redis).toFixed(2)}x |`);
  }
}
