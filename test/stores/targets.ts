/**
 * The stores under test: memory always; Redis and PostgreSQL against real servers (REDIS_URL,
 * DATABASE_URL, defaults on 127.0.0.1). Without a server, `npm test` skips that store with one
 * line saying how to enable it; under CI=true a missing server fails the run instead. D1 always:
 * Miniflare runs it locally from npm, each data set a fresh database behind four Worker isolates.
 * The Redis Cluster target is apart ({@link redisClusterTarget}): only the suites that name it
 * start a cluster.
 */
import { randomUUID } from "node:crypto";
import { type Cluster, Redis } from "ioredis";
import pg from "pg";
import { createMemoryStore, type Store } from "../../src/index.js";
import { createPostgresStore } from "../../src/stores/postgres.js";
import { createRedisStore } from "../../src/stores/redis.js";
import { startD1 } from "../helpers/d1/miniflare.js";
import { clusterNodesFromEnv, type OwnCluster, startRedisCluster } from "../helpers/redis-cluster.js";
import { redisServerAvailable } from "../helpers/redis-server.js";

export const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
export const DATABASE_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** A fresh, empty data set, and any number of store instances on it (like several bot processes). */
export interface StoreTarget {
  name: string;
  /** Whether the server is there (always true for memory). */
  available: boolean;
  /** Why it is skipped, and how to enable it. */
  skipReason?: string;
  /**
   * How many times longer than the suites' defaults leases, waits and test timeouts must be for
   * this store: its calls take that much longer (default 1). Only time bounds scale, never counts.
   */
  timeScale?: number;
  /** A fresh data set; `schema` names the PostgreSQL schema it lives in. */
  open(): Promise<{ instance(): Promise<Store>; cleanup(): Promise<void>; schema?: string }>;
  /** Starts what the target needs for all its data sets (a server of its own); `open()` does it if not done. */
  start?(): Promise<void>;
  /** Stops what the target started for all its data sets (a server of its own); call it after the last. */
  shutdown?(): Promise<void>;
}

async function reachable(check: () => Promise<unknown>): Promise<boolean> {
  try {
    await check();
    return true;
  } catch {
    return false;
  }
}

const redisUp = await reachable(async () => {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  try {
    await redis.connect();
    await redis.ping();
  } finally {
    redis.disconnect();
  }
});
const postgresUp = await reachable(async () => {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 2000 });
  await client.connect();
  await client.end();
});

export const targets: StoreTarget[] = [
  {
    name: "memory",
    available: true,
    async open() {
      const store = createMemoryStore();
      return { instance: async () => store, cleanup: async () => {} };
    },
  },
  {
    name: "redis",
    available: redisUp || process.env.CI === "true",
    skipReason: `Redis store tests skipped: no Redis at ${REDIS_URL} (start redis-server, or set REDIS_URL)`,
    async open() {
      const prefix = `lr-test:${randomUUID()}:`;
      const opened: Store[] = [];
      return {
        async instance() {
          // The shared test server keeps nothing on disk on purpose; the durability check is tested on its own.
          const store = await createRedisStore({ url: REDIS_URL, prefix, onWarning: () => {} });
          opened.push(store);
          return store;
        },
        async cleanup() {
          const redis = new Redis(REDIS_URL);
          const keys = await redis.keys(`${prefix}*`);
          if (keys.length > 0) await redis.del(...keys);
          redis.disconnect();
          await Promise.all(opened.map((s) => s.close?.()));
        },
      };
    },
  },
  {
    name: "postgres",
    available: postgresUp || process.env.CI === "true",
    skipReason: `PostgreSQL store tests skipped: no database at ${DATABASE_URL} (start PostgreSQL, or set DATABASE_URL)`,
    async open() {
      const schema = `lr_test_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
      const admin = new pg.Client({ connectionString: DATABASE_URL });
      await admin.connect();
      await admin.query(`CREATE SCHEMA ${schema}`);
      const opened: Store[] = [];
      let migrated = false;
      return {
        schema,
        async instance() {
          const store = await createPostgresStore({ url: DATABASE_URL, schema });
          if (!migrated) {
            await store.migrate();
            migrated = true;
          }
          opened.push(store);
          return store;
        },
        async cleanup() {
          await Promise.all(opened.map((s) => s.close?.()));
          await admin.query(`DROP SCHEMA ${schema} CASCADE`);
          await admin.end();
        },
      };
    },
  },
  {
    name: "d1",
    available: true,
    // Miniflare's D1 answers one call at a time, each in about 5 to 15 ms on a loaded CI machine.
    timeScale: 5,
    async open() {
      const d1 = await startD1();
      return { instance: async () => d1.store(), cleanup: () => d1.dispose() };
    },
  },
];

let cluster: Promise<OwnCluster> | undefined;

/**
 * The Redis store on a 3-master Redis Cluster: the suite's own (started at the first `open()`,
 * stopped by `shutdown()`), or the one in REDIS_CLUSTER_NODES. Each store instance has its own
 * Cluster client, as separate bot processes would.
 */
export const redisClusterTarget: StoreTarget = {
  name: "redis-cluster",
  available: redisServerAvailable || clusterNodesFromEnv() !== undefined,
  skipReason:
    "Redis Cluster store tests skipped: redis-server is not installed (install it, or set REDIS_CLUSTER_NODES=host:port,...)",
  async start() {
    // A failed start is not kept: the next open() tries again.
    cluster ??= startRedisCluster(3).catch((error) => {
      cluster = undefined;
      throw error;
    });
    await cluster;
  },
  async open() {
    await this.start?.();
    const own = await (cluster as Promise<OwnCluster>);
    const prefix = `lr-test:${randomUUID()}:`;
    const opened: { store: Store; client: Cluster }[] = [];
    return {
      async instance() {
        const client = own.client();
        // The test cluster keeps nothing on disk on purpose; the durability check is tested on its own.
        const store = await createRedisStore({ client, prefix, onWarning: () => {} });
        opened.push({ store, client });
        return store;
      },
      async cleanup() {
        const admin = own.client();
        // Every master: the store's keys are in one slot, but which master holds it is the cluster's choice.
        await admin.ping();
        for (const master of admin.nodes("master")) {
          const keys = await master.keys(`{${prefix}}*`);
          if (keys.length > 0) await master.del(...keys);
        }
        admin.disconnect();
        for (const { store, client } of opened) {
          await store.close?.();
          client.disconnect();
        }
      },
    };
  },
  async shutdown() {
    const started = cluster;
    cluster = undefined;
    await (await started)?.stop();
  },
};
