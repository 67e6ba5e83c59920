/**
 * What only the D1 store has (the shared suites cover its Store contract): the shipped migration
 * files, one clear message for a missing binding or missing tables, retention of event ids, and
 * that an event and its reward claim are one D1 transaction. Here the store runs in Node on
 * Miniflare's proxy of the binding, which also shows that binding fits the store's structural type.
 */
import { readdirSync, readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { createD1Store, type D1DatabaseLike } from "../../src/stores/d1.js";
import { D1_MIGRATIONS, d1MigrationFile } from "../../src/stores/d1-schema.js";
import { type D1Server, startD1 } from "../helpers/d1/miniflare.js";

const count = async (db: D1DatabaseLike, table: string) =>
  ((await db.prepare(`SELECT count(*) AS n FROM ${table}`).all<{ n: number }>()).results[0] as { n: number }).n;

describe("D1 store", () => {
  let d1: D1Server | undefined;
  afterEach(async () => {
    await d1?.dispose();
    d1 = undefined;
  });

  it("ships its migrations as sql/d1/*.sql, the same statements migrate() runs", () => {
    const dir = new URL("../../sql/d1/", import.meta.url);
    const files = readdirSync(dir).sort();
    expect(files).toEqual(D1_MIGRATIONS.map((m) => m.name));
    for (const migration of D1_MIGRATIONS) {
      expect(readFileSync(new URL(migration.name, dir), "utf8")).toBe(d1MigrationFile(migration));
    }
    // wrangler d1 migrations apply runs files named NNNN_name.sql in order.
    expect(files.every((name) => /^\d{4}_[a-z0-9_]+\.sql$/.test(name))).toBe(true);
  });

  it("refuses what is not a D1 binding, and a bad pruneEventsEvery, in one line", () => {
    const bad = [undefined, null, {}, "DB"] as unknown as D1DatabaseLike[];
    for (const db of bad) {
      expect(() => createD1Store(db)).toThrow(
        /^createD1Store needs a D1 database binding \(env\.DB, from \[\[d1_databases\]\]/,
      );
    }
    const db = { prepare() {}, batch() {} } as unknown as D1DatabaseLike;
    expect(() => createD1Store(db, { pruneEventsEvery: 0 })).toThrow(
      "createD1Store: pruneEventsEvery must be a whole number of at least 1, not 0",
    );
  });

  it("without its tables, says how to create them; migrate() creates them and may run again", async () => {
    d1 = await startD1({ migrate: false });
    const store = createD1Store(await d1.database());
    const error = await store.beginEvent({ eventId: "e1", leaseMs: 1000 }).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      "the D1 store's tables are missing: apply sql/d1/*.sql with `wrangler d1 migrations apply`, or call store.migrate()",
    );
    await store.migrate();
    await store.migrate();
    expect(await store.beginEvent({ eventId: "e1", leaseMs: 1000 })).toEqual({ event: "new" });
  });

  it("retention: a beginEvent that prunes deletes the ids whose time has passed, and only those", async () => {
    d1 = await startD1();
    const db = await d1.database();
    const store = createD1Store(db, { pruneEventsEvery: 1 });
    await store.finishEvent("old", 1000, 1000); // deduplicated until 2000
    await store.finishEvent("recent", 10_000, 1000); // until 11000
    await store.beginEvent({ eventId: "taken", leaseMs: 1000, now: 1500 }); // leased until 2500
    expect(await count(db, "line_responder_events")).toBe(3);
    expect(await store.beginEvent({ eventId: "new", leaseMs: 1000, now: 5000 })).toEqual({ event: "new" });
    const left = await db.prepare("SELECT event_id FROM line_responder_events ORDER BY event_id").all();
    expect(left.results.map((r) => r.event_id)).toEqual(["new", "recent"]);
  });

  it("an event and its reward claim are one transaction: a batch that fails records neither", async () => {
    d1 = await startD1();
    const db = await d1.database();
    let failing = true;
    // The database fails the transaction at its last statement, after the event and claim writes ran.
    const flaky: D1DatabaseLike = {
      prepare: (query) => db.prepare(query),
      batch: (statements) =>
        db.batch(failing ? [...statements, db.prepare("SELECT * FROM no_such_table_for_the_fault")] : statements),
    };
    const store = createD1Store(flaky);
    const reward = { rewardId: "gift", userId: "U1", limit: "once-per-user" as const, stock: 10 };
    await expect(store.beginEvent({ eventId: "e1", leaseMs: 60_000, reward })).rejects.toThrow(/no such table/);
    expect(await count(db, "line_responder_events")).toBe(0);
    expect(await count(db, "line_responder_claims")).toBe(0);
    failing = false;
    expect(await store.beginEvent({ eventId: "e1", leaseMs: 60_000, reward })).toMatchObject({
      event: "new",
      reward: { outcome: "new", claim: { id: "gift:U1:1", eventId: "e1", status: "pending" } },
    });
  });
});
