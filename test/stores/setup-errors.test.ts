import { readdirSync, readFileSync } from "node:fs";
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import { createPostgresStore, schemaSql } from "../../src/stores/postgres.js";
import { createRedisStore, RedisDurabilityError } from "../../src/stores/redis.js";
import { type OwnRedis, redisServerAvailable, startOwnRedis } from "../helpers/redis-server.js";
import { DATABASE_URL, targets } from "./targets.js";

const postgresAvailable = targets.find((t) => t.name === "postgres")?.available ?? false;

import { StoreConnectionError } from "../../src/stores/store-error.js";

describe("store set-up", () => {
  it("a Redis URL where nothing listens fails at start, in one line", async () => {
    const error = await createRedisStore({ url: "redis://127.0.0.1:1" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreConnectionError);
    expect((error as Error).message).toMatch(/^cannot connect to Redis at redis:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/);
    expect((error as Error).message.split("\n")).toHaveLength(1);
  });

  it("a PostgreSQL URL where nothing listens fails at start, in one line, password hidden", async () => {
    const error = await createPostgresStore({ url: "postgres://bot:secret@127.0.0.1:1/test" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StoreConnectionError);
    expect((error as Error).message).toMatch(
      /^cannot connect to PostgreSQL at postgres:\/\/bot:\*\*\*@127\.0\.0\.1:1\/test: /,
    );
    expect((error as Error).message).not.toContain("secret");
  });

  it("refuses a schema name that is not a plain identifier", async () => {
    await expect(createPostgresStore({ schema: "x; DROP TABLE y" })).rejects.toThrow(/plain SQL identifier/);
  });

  it("the shipped SQL migrations, in order, are what migrate() applies", () => {
    const files = readdirSync(new URL("../../sql/", import.meta.url))
      .filter((name) => name.endsWith(".sql"))
      .sort();
    expect(files).toEqual(["001_line_responder.sql", "002_event_state.sql", "003_claim_batch.sql"]);
    const shipped = files.map((name) => readFileSync(new URL(`../../sql/${name}`, import.meta.url), "utf8")).join("");
    expect(shipped).toBe(schemaSql());
  });
});

describe.skipIf(!redisServerAvailable)("the Redis store checks that the server keeps claims", () => {
  const servers: OwnRedis[] = [];
  afterAll(() => Promise.all(servers.map((s) => s.stop())));
  const own = async (args: string[]) => {
    const server = await startOwnRedis(args);
    servers.push(server);
    return server;
  };

  it("refuses a server that evicts any key (allkeys-*), unless allowEviction", async () => {
    const server = await own(["--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru", "--appendonly", "yes"]);
    const error = await createRedisStore({ url: server.url, onWarning: () => {} }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RedisDurabilityError);
    expect((error as Error).message).toMatch(/^Redis maxmemory-policy is allkeys-lru: .*allowEviction: true/);
    const accepted = await createRedisStore({ url: server.url, allowEviction: true, onWarning: () => {} });
    await accepted.close?.();
  });

  it("warns once when the server keeps nothing on disk, or only RDB snapshots; stays quiet with AOF", async () => {
    const warnings = async (args: string[]) => {
      const server = await own(args);
      const said: string[] = [];
      const store = await createRedisStore({ url: server.url, onWarning: (m) => said.push(m) });
      await store.close?.();
      return said;
    };
    expect(await warnings(["--appendonly", "no"])).toEqual([
      expect.stringMatching(/keeps nothing on disk .*a restart forgets every claim/),
    ]);
    expect(await warnings(["--appendonly", "no", "--save", "900 1"])).toEqual([
      expect.stringMatching(/RDB snapshots only/),
    ]);
    expect(await warnings(["--appendonly", "yes"])).toEqual([]);
    expect(await warnings(["--appendonly", "yes", "--maxmemory-policy", "volatile-lru"])).toEqual([
      expect.stringMatching(/volatile-lru: .*event ids/),
    ]);
  });

  it("a managed Redis that forbids CONFIG is accepted with one warning", async () => {
    const server = await own(["--appendonly", "yes", "--rename-command", "CONFIG", ""]);
    const said: string[] = [];
    const store = await createRedisStore({ url: server.url, onWarning: (m) => said.push(m) });
    expect(said).toEqual([
      expect.stringMatching(/could not read the Redis server's eviction and persistence settings/),
    ]);
    expect(await store.beginEvent({ eventId: "e1", leaseMs: 1000 })).toEqual({ event: "new" });
    await store.close?.();
  });
});

describe.skipIf(!postgresAvailable)("the PostgreSQL store's own pool", () => {
  it("survives its connections being terminated (pg_terminate_backend), reports it, and reconnects", async () => {
    const lost: Error[] = [];
    const application = `lr-terminate-${process.pid}-${Date.now()}`;
    const url = `${DATABASE_URL}${DATABASE_URL.includes("?") ? "&" : "?"}application_name=${application}`;
    const store = await createPostgresStore({ url, onPoolError: (error) => lost.push(error) });
    try {
      await store.migrate();
      const admin = new pg.Client({ connectionString: DATABASE_URL });
      await admin.connect();
      const terminated = await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
        [application],
      );
      await admin.end();
      expect(terminated.rowCount).toBeGreaterThan(0);
      for (let i = 0; i < 50 && lost.length === 0; i++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(lost.length).toBeGreaterThan(0);
      // The next call opens a new connection.
      expect((await store.listClaims({ limit: 1 })).claims).toBeInstanceOf(Array);
    } finally {
      await store.close?.();
    }
  });
});
