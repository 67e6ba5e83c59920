/**
 * PostgreSQL group commit against the real server: concurrent claims share one statement and one
 * commit, and each caller still gets the answer it would get alone, decided in arrival order; a
 * request the database refuses fails only its caller; a batch that fails fails every caller and
 * leaves nothing behind.
 */
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import type { ClaimRewardInput, ClaimRewardResult, Store } from "../../src/index.js";
import { createPostgresStore, type PostgresStoreOptions, schemaSql } from "../../src/stores/postgres.js";
import { DATABASE_URL, targets } from "./targets.js";

const postgres = targets.find((t) => t.name === "postgres") as (typeof targets)[number];

/** A real pool that counts the batch statements sent through it: claims, and finished events. */
function countingPool(url = DATABASE_URL) {
  const pool = new pg.Pool({ connectionString: url, max: 8 });
  pool.on("error", () => {});
  const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
  const counted = { pool, batches: 0, rows: [] as number[], finished: [] as number[] };
  (pool as unknown as { query: typeof query }).query = (...args: unknown[]) => {
    const rows = (args[1] as unknown[][] | undefined)?.[0]?.length ?? 0;
    if (String(args[0]).includes("claim_batch")) {
      counted.batches++;
      counted.rows.push(rows);
    } else if (String(args[0]).includes("'done'")) counted.finished.push(rows);
    return query(...args);
  };
  return counted;
}

describe.skipIf(!postgres.available)("PostgreSQL group commit", () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** A fresh schema, migrated, and a store on it with `options`. */
  async function open(options: PostgresStoreOptions = {}) {
    const data = await postgres.open();
    cleanups.push(data.cleanup);
    await data.instance(); // migrates
    const store = await createPostgresStore({ url: DATABASE_URL, schema: data.schema as string, ...options });
    cleanups.push(async () => store.close?.());
    return { store, schema: data.schema as string };
  }

  /** A fresh schema, migrated, and a store on it through a {@link countingPool}, which counts its batches. */
  async function openCounted() {
    const counted = countingPool();
    const { schema } = await open();
    const store = await createPostgresStore({ pool: counted.pool, schema });
    cleanups.push(() => counted.pool.end());
    return { store, counted, schema };
  }

  /** Each of `requests` sent alone, one after another (`maxBatch: 1`) on a fresh schema where `before` was claimed first. */
  async function answersAlone(requests: ClaimRewardInput[], before: ClaimRewardInput[] = []) {
    const { store } = await open({ groupCommit: { maxBatch: 1 } });
    for (const request of before) await store.claimReward(request);
    const results: ClaimRewardResult[] = [];
    for (const request of requests) results.push(await store.claimReward(request));
    return results;
  }

  /** A fresh schema with versions 1 and 2 of the schema only, a store on it, and a client to change it. */
  async function openBeforeVersion3() {
    const data = await postgres.open();
    cleanups.push(data.cleanup);
    const schema = data.schema as string;
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    cleanups.push(() => admin.end());
    const sql = schemaSql(schema);
    await admin.query(sql.slice(0, sql.indexOf("-- line-responder store schema, version 3")));
    const store = await createPostgresStore({ url: DATABASE_URL, schema });
    cleanups.push(async () => store.close?.());
    return { store, schema, admin };
  }

  const gift = (userId: string, eventId: string, extra: Partial<ClaimRewardInput> = {}): ClaimRewardInput => ({
    rewardId: "gift",
    userId,
    eventId,
    limit: "once-per-user",
    now: 1000,
    ...extra,
  });

  it("64 concurrent claims of 64 users go out in one statement; each caller gets its own new claim", async () => {
    const { store, counted } = await openCounted();
    const results = await Promise.all(Array.from({ length: 64 }, (_, i) => store.claimReward(gift(`U${i}`, `e${i}`))));
    expect(results.map((r) => r.outcome === "new" && [r.claim.id, r.claim.eventId, r.claim.slot])).toEqual(
      Array.from({ length: 64 }, (_, i) => [`gift:U${i}:1`, `e${i}`, 1]),
    );
    expect(counted.rows).toEqual([64]);
    // The same 64 again: every one a duplicate of its own claim, again in one statement.
    const again = await Promise.all(Array.from({ length: 64 }, (_, i) => store.claimReward(gift(`U${i}`, `e${i}`))));
    expect(again.map((r) => r.outcome === "duplicate" && r.claim.id)).toEqual(
      Array.from({ length: 64 }, (_, i) => `gift:U${i}:1`),
    );
    expect(counted.rows).toEqual([64, 64]);
    // Half known users, half new, as events (beginEvent): the new half claims, the known half's new
    // events are taken and their claims are duplicates, all in one statement.
    const mixed = await Promise.all(
      Array.from({ length: 64 }, (_, i) =>
        store.beginEvent({ eventId: `m${i}`, leaseMs: 60_000, reward: gift(`U${i + 32}`, "") }),
      ),
    );
    expect(mixed.map((r) => r.event === "new" && r.reward?.outcome !== "out-of-stock" && r.reward?.claim.id)).toEqual(
      Array.from({ length: 64 }, (_, i) => `gift:U${i + 32}:1`),
    );
    expect(mixed.map((r) => r.event === "new" && r.reward?.outcome)).toEqual([
      ...Array(32).fill("duplicate"),
      ...Array(32).fill("new"),
    ]);
    expect(counted.rows).toEqual([64, 64, 64]);
    expect((await store.listClaims({ limit: 200 })).claims).toHaveLength(96);
  });

  it("one user in one batch: the first event claims, the later ones are duplicates of it; perUser 2 gives two slots", async () => {
    const { store } = await open();
    const once = await Promise.all(["e1", "e2", "e3", "e4"].map((e) => store.claimReward(gift("U1", e))));
    expect(once.map((r) => r.outcome)).toEqual(["new", "duplicate", "duplicate", "duplicate"]);
    expect(once.map((r) => r.outcome !== "out-of-stock" && r.claim.eventId)).toEqual(["e1", "e1", "e1", "e1"]);
    const twice = await Promise.all(
      ["s1", "s2", "s3", "s1"].map((e) =>
        store.claimReward(gift("U1", e, { rewardId: "stamp", limit: { perUser: 2 } })),
      ),
    );
    expect(twice.map((r) => r.outcome !== "out-of-stock" && [r.outcome, r.claim.slot, r.claim.eventId])).toEqual([
      ["new", 1, "s1"],
      ["new", 2, "s2"],
      ["duplicate", 2, "s2"],
      ["duplicate", 1, "s1"],
    ]);
    expect((await store.listClaims({ userId: "U1" })).claims.map((c) => c.id)).toEqual([
      "gift:U1:1",
      "stamp:U1:1",
      "stamp:U1:2",
    ]);
  });

  it("one event delivered four times at once: the first takes it and claims, the others are busy", async () => {
    const { store } = await open();
    const reward = { rewardId: "gift", userId: "U1", limit: "once-per-user" as const };
    const results = await Promise.all(
      Array.from({ length: 4 }, () => store.beginEvent({ eventId: "e1", leaseMs: 60_000, reward })),
    );
    expect(results[0]).toMatchObject({ event: "new", reward: { outcome: "new", claim: { id: "gift:U1:1" } } });
    expect(results.slice(1)).toEqual([{ event: "busy" }, { event: "busy" }, { event: "busy" }]);
    // claimReward with one event id, three times in one batch: one claim, two duplicates of it.
    const claims = await Promise.all(Array.from({ length: 3 }, () => store.claimReward(gift("U2", "e2"))));
    expect(claims.map((r) => r.outcome !== "out-of-stock" && [r.outcome, r.claim.id])).toEqual([
      ["new", "gift:U2:1"],
      ["duplicate", "gift:U2:1"],
      ["duplicate", "gift:U2:1"],
    ]);
    expect((await store.listClaims({})).claims).toHaveLength(2);
  });

  it("stock running out inside one batch: the first callers in arrival order win, the rest are out of stock", async () => {
    const { store, counted } = await openCounted();
    const users = Array.from({ length: 20 }, (_, i) => `U${String(19 - i).padStart(2, "0")}`); // arrival order differs from name order
    const coupon = (userId: string, eventId: string) => gift(userId, eventId, { rewardId: "coupon", stock: 5 });
    const results = await Promise.all(users.map((u) => store.claimReward(coupon(u, `e-${u}`))));
    expect(counted.rows).toEqual([20]);
    expect(results.map((r) => r.outcome)).toEqual([...Array(5).fill("new"), ...Array(15).fill("out-of-stock")]);
    const stored = (await store.listClaims({ rewardId: "coupon" })).claims.map((c) => c.userId).sort();
    expect(stored).toEqual(users.slice(0, 5).sort());
    // A winner asking again is a duplicate, never out of stock.
    expect((await store.claimReward(coupon(users[0] as string, "later"))).outcome).toBe("duplicate");
  });

  it("a request the database refuses fails only its caller; the rest of its batch is claimed", async () => {
    const { store, counted } = await openCounted();
    const users = ["U0", "U1", "U2", "bad\u0000user", "U4", "U5"];
    const settled = await Promise.allSettled(users.map((u, i) => store.claimReward(gift(u, `e${i}`))));
    expect(settled.map((s) => s.status)).toEqual([
      "fulfilled",
      "fulfilled",
      "fulfilled",
      "rejected",
      "fulfilled",
      "fulfilled",
    ]);
    expect(String((settled[3] as PromiseRejectedResult).reason)).toMatch(/0x00/);
    expect(settled.map((s) => s.status === "fulfilled" && (s.value as ClaimRewardResult).outcome)).toEqual([
      "new",
      "new",
      "new",
      false,
      "new",
      "new",
    ]);
    // One batch refused whole, then each request alone.
    expect(counted.rows).toEqual([6, 1, 1, 1, 1, 1, 1]);
    expect((await store.listClaims({})).claims.map((c) => c.userId).sort()).toEqual(["U0", "U1", "U2", "U4", "U5"]);
  });

  it("a claim whose event another user's claim holds gets the answer it gets alone, and its batch is claimed", async () => {
    const { store } = await open();
    // A grant key reused for a second user: the event "grant:spring" already has U0's claim.
    await store.claimReward(gift("U0", "grant:spring"));
    const requests = [gift("U1", "e1"), gift("U2", "grant:spring"), gift("U3", "e3")];
    const results = await Promise.all(requests.map((request) => store.claimReward(request)));
    expect(results.map((r) => r.outcome !== "out-of-stock" && [r.outcome, r.claim.id])).toEqual([
      ["new", "gift:U1:1"],
      ["duplicate", "gift:U0:1"],
      ["new", "gift:U3:1"],
    ]);
    // The same answers alone, on a fresh schema: what the batch gave is what each request gets by itself.
    const aloneResults = await answersAlone(requests, [gift("U0", "grant:spring")]);
    expect(aloneResults.map((r) => r.outcome)).toEqual(results.map((r) => r.outcome));
    expect((await store.listClaims({})).claims.map((c) => c.userId).sort()).toEqual(["U0", "U1", "U3"]);
  });

  it("one user claiming two rewards, and one event claiming two, in one batch: one statement, the answers each gets alone", async () => {
    const { store, counted } = await openCounted();
    const stamp = (userId: string, eventId: string) => gift(userId, eventId, { rewardId: "stamp" });
    const requests = [gift("U1", "e1"), stamp("U1", "e2"), gift("U2", "e3"), stamp("U2", "e3"), gift("U3", "e4")];
    const results = await Promise.all(requests.map((request) => store.claimReward(request)));
    expect(counted.rows).toEqual([5]);
    expect(results.map((r) => r.outcome !== "out-of-stock" && [r.outcome, r.claim.id, r.claim.eventId])).toEqual([
      ["new", "gift:U1:1", "e1"],
      ["new", "stamp:U1:1", "e2"],
      ["new", "gift:U2:1", "e3"],
      ["new", "stamp:U2:1", "e3"],
      ["new", "gift:U3:1", "e4"],
    ]);
    const aloneResults = await answersAlone(requests);
    expect(aloneResults.map((r) => r.outcome !== "out-of-stock" && r.claim.id)).toEqual(
      results.map((r) => r.outcome !== "out-of-stock" && r.claim.id),
    );
    expect((await store.listClaims({})).claims.map((c) => c.id).sort()).toEqual([
      "gift:U1:1",
      "gift:U2:1",
      "gift:U3:1",
      "stamp:U1:1",
      "stamp:U2:1",
    ]);
  });

  it("a batch whose connection is terminated mid-statement fails every caller and records nothing; retries claim once", async () => {
    const application = `lr-group-${process.pid}-${Date.now()}`;
    const url = `${DATABASE_URL}${DATABASE_URL.includes("?") ? "&" : "?"}application_name=${application}`;
    const { store, schema } = await open({ url, onPoolError: () => {} } as PostgresStoreOptions);
    const admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
    cleanups.push(() => admin.end());
    // Hold the coupon's lock, so the batch waits inside its statement.
    await admin.query("BEGIN");
    await admin.query(`INSERT INTO ${schema}.line_responder_reward_locks (reward_id) VALUES ('coupon')`);
    const users = Array.from({ length: 10 }, (_, i) => `U${i}`);
    const coupon = (userId: string) => gift(userId, `e-${userId}`, { rewardId: "coupon", stock: 5 });
    const pending = Promise.allSettled(users.map((u) => store.claimReward(coupon(u))));
    let terminated = 0;
    for (let i = 0; i < 200 && terminated === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const result = await admin.query(
        `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
         WHERE application_name = $1 AND wait_event_type = 'Lock' AND query LIKE '%claim_batch%'`,
        [application],
      );
      terminated = result.rowCount ?? 0;
    }
    await admin.query("COMMIT");
    expect(terminated).toBe(1);
    const settled = await pending;
    expect(settled.map((s) => s.status)).toEqual(Array(10).fill("rejected"));
    expect((await store.listClaims({})).claims).toEqual([]);
    // Each caller retries: the store reconnects, and the stock goes to the first five, once.
    const retried = await Promise.all(users.map((u) => store.claimReward(coupon(u))));
    expect(retried.map((r) => r.outcome)).toEqual([...Array(5).fill("new"), ...Array(5).fill("out-of-stock")]);
    expect((await store.listClaims({})).claims.map((c) => c.userId)).toEqual(users.slice(0, 5));
  });

  it("a pool that cannot connect fails every caller of the batch with its error, and nothing else", async () => {
    const pool = new pg.Pool({ connectionString: "postgres://postgres@127.0.0.1:1/test", max: 2 });
    pool.on("error", () => {});
    cleanups.push(() => pool.end());
    const store: Store = await createPostgresStore({ pool });
    const settled = await Promise.allSettled(
      Array.from({ length: 8 }, (_, i) =>
        store.beginEvent({ eventId: `e${i}`, leaseMs: 1000, reward: gift(`U${i}`, "") }),
      ),
    );
    expect(settled.map((s) => s.status === "rejected" && String(s.reason))).toEqual(
      Array(8).fill(expect.stringMatching(/ECONNREFUSED/)),
    );
    const finished = await Promise.allSettled(Array.from({ length: 8 }, (_, i) => store.finishEvent(`e${i}`, 1000)));
    expect(finished.map((s) => s.status === "rejected" && String(s.reason))).toEqual(
      Array(8).fill(expect.stringMatching(/ECONNREFUSED/)),
    );
  });

  it("64 concurrent finishEvent calls go out in one statement; an event finished twice keeps the later expiry", async () => {
    const { store, counted, schema } = await openCounted();
    const ids = Array.from({ length: 64 }, (_, i) => `e${i}`);
    await Promise.all(ids.map((id) => store.beginEvent({ eventId: id, leaseMs: 60_000, now: 1000 })));
    // e0 twice in the batch: the later call (ttl 9000) is what one call after another would leave.
    await Promise.all([...ids.map((id) => store.finishEvent(id, 5000, 1000)), store.finishEvent("e0", 9000, 1000)]);
    expect(counted.finished).toEqual([64]);
    const { rows } = await counted.pool.query<{ event_id: string; expires_at: string; state: string }>(
      `SELECT event_id, expires_at, state FROM ${schema}.line_responder_events ORDER BY event_id COLLATE "C"`,
    );
    expect(rows).toEqual(
      [...ids].sort().map((id) => ({ event_id: id, expires_at: id === "e0" ? "10000" : "6000", state: "done" })),
    );
    // Done, so a redelivery is a duplicate until it expires, and a new event again after.
    expect(await store.beginEvent({ eventId: "e1", leaseMs: 60_000, now: 5999 })).toEqual({ event: "duplicate" });
    expect(await store.beginEvent({ eventId: "e1", leaseMs: 60_000, now: 6000 })).toEqual({ event: "new" });
  });

  it("a finishEvent the database refuses fails only its caller; the rest of its batch is done", async () => {
    const { store, counted, schema } = await openCounted();
    const ids = ["f0", "f1", "bad\u0000event", "f3"];
    const settled = await Promise.allSettled(ids.map((id) => store.finishEvent(id, 5000, 1000)));
    expect(settled.map((s) => s.status)).toEqual(["fulfilled", "fulfilled", "rejected", "fulfilled"]);
    expect(String((settled[2] as PromiseRejectedResult).reason)).toMatch(/0x00/);
    // One batch refused whole, then each alone.
    expect(counted.finished).toEqual([4, 1, 1, 1, 1]);
    const { rows } = await counted.pool.query<{ event_id: string }>(
      `SELECT event_id FROM ${schema}.line_responder_events WHERE state = 'done' ORDER BY event_id`,
    );
    expect(rows.map((r) => r.event_id)).toEqual(["f0", "f1", "f3"]);
  });

  it("windowMs holds a lone request for others to join; maxBatch 1 sends each request alone", async () => {
    const counted = countingPool();
    const { schema } = await open();
    cleanups.push(() => counted.pool.end());
    const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
    const windowed = await createPostgresStore({ pool: counted.pool, schema, groupCommit: { windowMs: 200 } });
    const first = windowed.claimReward(gift("W1", "w1"));
    await nextTurn();
    await Promise.all([first, windowed.claimReward(gift("W2", "w2"))]);
    expect(counted.rows).toEqual([2]);
    // Without a window, the first request left at the end of its turn; the second makes its own batch.
    const immediate = await createPostgresStore({ pool: counted.pool, schema });
    const alone = immediate.claimReward(gift("I1", "i1"));
    await nextTurn();
    await Promise.all([alone, immediate.claimReward(gift("I2", "i2"))]);
    expect(counted.rows).toEqual([2, 1, 1]);
    const single = await createPostgresStore({ pool: counted.pool, schema, groupCommit: { maxBatch: 1 } });
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => single.claimReward(gift(`S${i}`, `s${i}`))));
    expect(results.map((r) => r.outcome)).toEqual(Array(6).fill("new"));
    expect(counted.rows).toEqual([2, 1, 1, 1, 1, 1, 1, 1, 1]);
  });

  it("refuses groupCommit options that make no sense, naming the option and the value", async () => {
    const attempt = (groupCommit: unknown) =>
      createPostgresStore({ pool: new pg.Pool(), groupCommit } as PostgresStoreOptions).catch((e: unknown) => e);
    expect(String(await attempt({ maxBatch: 0 }))).toBe(
      "TypeError: createPostgresStore: groupCommit.maxBatch must be a whole number from 1 to 10000, not 0",
    );
    expect(String(await attempt({ maxBatch: "64" }))).toMatch(/groupCommit\.maxBatch .* not "64"$/);
    expect(String(await attempt({ maxBatch: 2.5 }))).toMatch(/groupCommit\.maxBatch .* not 2\.5$/);
    expect(String(await attempt({ windowMs: -1 }))).toBe(
      "TypeError: createPostgresStore: groupCommit.windowMs must be a number of ms from 0 to 1000, not -1",
    );
    expect(String(await attempt({ windowMs: Number.NaN }))).toMatch(/groupCommit\.windowMs .* not NaN$/);
    expect(String(await attempt(true))).toMatch(/groupCommit must be an object like \{ maxBatch: 128, windowMs: 0 \}/);
  });

  it("a schema migrated before group commit names the fix: run migrate()", async () => {
    // Versions 1 and 2 only, as an existing deployment has them.
    const { store, schema } = await openBeforeVersion3();
    await expect(store.claimReward(gift("U1", "e1"))).rejects.toThrow(
      `the PostgreSQL schema "${schema}" has no line_responder_claim_batch function (schema version 3): run store.migrate() once after upgrading line-responder`,
    );
    await store.migrate();
    expect((await store.claimReward(gift("U1", "e1"))).outcome).toBe("new");
  });

  it("a claim the batch made and answered by its slot is the claim as stored, field for field", async () => {
    const { store } = await open();
    const now = 1_700_000_000_123;
    // The batch's set-based path (64 new users), its row-by-row path (a second slot, a stocked
    // reward), and beginEvent's claims, leased to the caller.
    const made = await Promise.all([
      ...Array.from({ length: 64 }, (_, i) => store.claimReward(gift(`U${i}`, `e${i}`, { now }))),
      store.claimReward(gift("U0", "s1", { rewardId: "stamp", limit: { perUser: 2 }, now })),
      store.claimReward(gift("U0", "s2", { rewardId: "stamp", limit: { perUser: 2 }, now })),
      store.claimReward(gift("U0", "c1", { rewardId: "coupon", stock: 3, now })),
    ]);
    const begun = await Promise.all(
      Array.from({ length: 8 }, (_, i) =>
        store.beginEvent({
          eventId: `b${i}`,
          leaseMs: 60_000,
          now,
          reward: { rewardId: "keyword", userId: `K${i}`, limit: "once-per-user" },
        }),
      ),
    );
    const returned = [
      ...made.map((r) => (r.outcome === "new" ? r.claim : r.outcome)),
      ...begun.map((r) => (r.event === "new" && r.reward?.outcome === "new" ? r.reward.claim : r)),
    ];
    expect(returned.filter((claim) => typeof claim !== "object" || !("id" in claim))).toEqual([]);
    const stored = new Map((await store.listClaims({ limit: 500 })).claims.map((c) => [c.id, c]));
    expect(stored.size).toBe(75);
    for (const claim of returned) expect(claim).toEqual(stored.get((claim as { id: string }).id));
    expect(returned).toContainEqual(expect.objectContaining({ id: "stamp:U0:2", slot: 2, leaseUntil: 0 }));
    expect(returned).toContainEqual(expect.objectContaining({ id: "keyword:K7:1", leaseUntil: now + 60_000 }));
  });

  it("migrate() replaces the function a development build made, whose result had no claim_slot", async () => {
    const { store, schema, admin } = await openBeforeVersion3();
    // The earlier shape: the same arguments, every claim in full, no claim_slot.
    await admin.query(`CREATE FUNCTION ${schema}.line_responder_claim_batch(
      event_ids text[], takes boolean[], lease_untils bigint[], reward_ids text[], user_ids text[],
      caps float8[], stocks float8[], nows bigint[])
      RETURNS TABLE (n integer, event_outcome text, reward_outcome text, claim jsonb)
      LANGUAGE sql AS $$ SELECT 1, NULL::text, NULL::text, NULL::jsonb $$`);
    await store.migrate();
    await store.migrate(); // and again: nothing left to replace
    const result = await store.claimReward(gift("U1", "e1"));
    expect(result.outcome === "new" && result.claim).toEqual((await store.listClaims({})).claims[0]);
  });
});
