/**
 * `line-responder/postgres`: the store for several instances sharing one PostgreSQL (pg). Unique
 * keys on (reward, user, slot) and (reward, event) make a once-per-user claim one statement; a
 * claim with stock or a per-user count above one is a transaction that locks the reward's row, so
 * the limit and the stock are checked and the claim made together. Backfill takes claims with `FOR UPDATE SKIP LOCKED`, so runs in parallel never share one.
 * The schema ships as `sql/001_line_responder.sql`; `migrate()` applies it.
 *
 * @example
 * ```ts
 * import { createPostgresStore } from "line-responder/postgres";
 * const store = await createPostgresStore({ url: process.env.DATABASE_URL });
 * await store.migrate();
 * ```
 *
 * @packageDocumentation
 */
import pg from "pg";
import { type ClaimRow, CLAIM_PATCH_COLUMNS as COLUMNS, claimFromRow } from "./claim-row.js";
import type { BeginEventResult, ClaimPatch, ClaimRewardInput, ClaimRewardResult, RewardClaim, Store } from "./store.js";
import { claimId, claimOrder, cursorAfter, perUserCap, readCursor } from "./store.js";
import { StoreConnectionError } from "./store-error.js";

export { StoreConnectionError };

/** Options of {@link createPostgresStore}: a pool you own, or a URL the store connects to itself. */
export interface PostgresStoreOptions {
  /** A pg pool; the store does not end it. */
  pool?: pg.Pool;
  /**
   * `postgres://user@127.0.0.1:5432/db`; the store opens (and `close()` ends) its own pool. Without
   * `url` or `pool`, pg's own defaults apply: the `PGHOST`, `PGUSER`, `PGDATABASE`... variables, as psql reads them.
   */
  url?: string;
  /** Schema of the tables; default `public`. */
  schema?: string;
  /**
   * Errors of idle connections in the pool the store opened (a server restart, a failover,
   * `pg_terminate_backend`): the pool drops the connection and opens a new one at the next query.
   * Default: one line on `console.warn`. A `pool` you pass needs its own `error` listener.
   */
  onPoolError?: (error: Error) => void;
}

/** A PostgreSQL store, with the schema migration. */
export interface PostgresStore extends Store {
  /** Creates the tables and index if they do not exist (idempotent). */
  migrate(): Promise<void>;
}

/** The schema, as in `sql/001_line_responder.sql` and the files after it, in order (a test keeps them equal). */
export function schemaSql(schema = "public"): string {
  return MIGRATIONS.join("").replaceAll('"public"', `"${schema}"`);
}

const MIGRATION = `-- line-responder store schema, version 1. Apply with migrate() or by hand (psql -f); replace
-- "public" with the schema you give createPostgresStore({ schema }).
CREATE TABLE IF NOT EXISTS "public".line_responder_events (
  event_id text PRIMARY KEY,
  expires_at bigint NOT NULL
);
CREATE TABLE IF NOT EXISTS "public".line_responder_reward_locks (
  reward_id text PRIMARY KEY
);
CREATE TABLE IF NOT EXISTS "public".line_responder_claims (
  id text PRIMARY KEY,
  reward_id text NOT NULL,
  user_id text NOT NULL,
  slot integer NOT NULL,
  event_id text NOT NULL,
  status text NOT NULL,
  attempts integer NOT NULL DEFAULT 0,
  attempt_epoch integer NOT NULL DEFAULT 0,
  reason text,
  sent_message_ids jsonb NOT NULL DEFAULT '[]',
  unconfirmed text,
  lease_until bigint NOT NULL DEFAULT 0,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  UNIQUE (reward_id, user_id, slot),
  UNIQUE (reward_id, event_id)
);
CREATE INDEX IF NOT EXISTS line_responder_claims_status ON "public".line_responder_claims (status, created_at, id);
`;

const EVENT_STATE = `-- line-responder store schema, version 2: an event is 'processing' (expires_at is its lease) until
-- its work is recorded, then 'done' (expires_at is the end of deduplication).
ALTER TABLE "public".line_responder_events ADD COLUMN IF NOT EXISTS state text NOT NULL DEFAULT 'done';
-- Claims page in (created_at, id) byte order, whole or by reward or user.
CREATE INDEX IF NOT EXISTS line_responder_claims_order ON "public".line_responder_claims (created_at, id COLLATE "C");
CREATE INDEX IF NOT EXISTS line_responder_claims_reward ON "public".line_responder_claims (reward_id, created_at, id COLLATE "C");
CREATE INDEX IF NOT EXISTS line_responder_claims_user ON "public".line_responder_claims (user_id);
`;

const MIGRATIONS = [MIGRATION, EVENT_STATE];

/** A pool or one of its clients (inside a transaction). */
type Queryable = Pick<pg.Pool, "query">;

/**
 * Creates a PostgreSQL store. With `url`, connects first and throws one-line
 * {@link StoreConnectionError} when the database cannot be reached.
 */
export async function createPostgresStore(options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const schema = options.schema ?? "public";
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema))
    throw new TypeError(`schema must be a plain SQL identifier, not ${JSON.stringify(schema)}`);
  const owned = options.pool === undefined;
  const url = options.url;
  const pool = options.pool ?? new pg.Pool({ ...(url === undefined ? {} : { connectionString: url }), max: 16 });
  if (owned) {
    // Without a listener, an idle connection the server drops is an uncaught error: the process dies.
    pool.on(
      "error",
      options.onPoolError ??
        ((error) => console.warn(`line-responder: a PostgreSQL connection was lost (${error.message}); reconnecting`)),
    );
    try {
      await pool.query("SELECT 1");
    } catch (error) {
      await pool.end().catch(() => {});
      throw new StoreConnectionError(
        `cannot connect to PostgreSQL at ${url === undefined ? "the PG* environment's server" : url.replace(/:[^:@/]*@/, ":***@")}: ${(error as Error).message}`,
      );
    }
  }
  const t = (name: string) => `"${schema}".line_responder_${name}`;
  const countClaims = async (client: Queryable, rewardId: string) =>
    Number(
      (await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${t("claims")} WHERE reward_id = $1`, [rewardId]))
        .rows[0]?.n,
    );
  let calls = 0;

  async function inTransaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    // A checked-out client's connection lost between two queries is an "error" event on the client
    // (the pool listens only to idle ones): without a listener it would end the process. It is
    // attached in pg's callback, not after an await: the server's "terminating connection" can
    // arrive in the same packet as the connection's readiness, before any promise continuation runs.
    let lost: Error | undefined;
    const onLost = (error: Error) => {
      lost = error;
    };
    const client = await new Promise<pg.PoolClient>((resolve, reject) =>
      pool.connect((error, connected) => {
        if (error || !connected) return reject(error ?? new Error("no PostgreSQL connection"));
        connected.on("error", onLost);
        resolve(connected);
      }),
    );
    try {
      await client.query("BEGIN");
      const result = await work(client);
      await client.query("COMMIT");
      return result;
    } catch (error) {
      await client.query("ROLLBACK").catch(() => {});
      lost ??= error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      client.off("error", onLost);
      // A client that failed is not given back to the pool as good: release(error) closes it.
      client.release(lost);
    }
  }

  /** Takes this event's own unsent claim for a resuming delivery, unless someone holds its lease. */
  async function resume(client: Queryable, claim: RewardClaim, now: number, leaseUntil: number) {
    const resumed = await client.query<ClaimRow>(
      `UPDATE ${t("claims")} SET lease_until = $2
       WHERE id = $1 AND status IN ('pending', 'failed', 'deferred') AND lease_until <= $3 RETURNING *`,
      [claim.id, leaseUntil, now],
    );
    const row = resumed.rows[0];
    return row ? { outcome: "resumed" as const, claim: claimFromRow(row) } : { outcome: "duplicate" as const, claim };
  }

  /** The claim, on `client` (a transaction, when the caller needs one). `leaseUntil` > 0 resumes an unsent claim of the same event. */
  async function claimOn(client: Queryable, input: ClaimRewardInput, leaseUntil: number): Promise<ClaimRewardResult> {
    const { rewardId, userId, eventId, limit, stock, now = Date.now() } = input;
    const duplicate = async (row: ClaimRow): Promise<ClaimRewardResult> => {
      const claim = claimFromRow(row);
      return leaseUntil > 0 && claim.eventId === eventId
        ? resume(client, claim, now, leaseUntil)
        : { outcome: "duplicate", claim };
    };
    if (limit === "once-per-user" && stock === undefined) {
      // The common case needs no lock: slot 1 and the event are unique keys, so one statement
      // either inserts the claim or finds the one that is there.
      for (;;) {
        const result = await client.query<ClaimRow & { outcome: "new" | "duplicate" }>(
          `WITH inserted AS (
             INSERT INTO ${t("claims")} (id, reward_id, user_id, slot, event_id, status, lease_until, created_at, updated_at)
             VALUES ($1, $2, $3, 1, $4, 'pending', $6, $5, $5) ON CONFLICT DO NOTHING RETURNING *)
           SELECT 'new' AS outcome, * FROM inserted
           UNION ALL
           SELECT 'duplicate' AS outcome, * FROM ${t("claims")}
           WHERE reward_id = $2 AND (event_id = $4 OR (user_id = $3 AND slot = 1)) AND NOT EXISTS (SELECT 1 FROM inserted)`,
          [claimId(rewardId, userId, 1), rewardId, userId, eventId, now, leaseUntil],
        );
        // This event's own claim decides over the user's slot 1 (another event's claim).
        const row = result.rows.find((r) => r.outcome === "new" || r.event_id === eventId) ?? result.rows[0];
        // No row: a concurrent insert the statement could not see yet; the next statement sees it.
        if (row) return row.outcome === "new" ? { outcome: "new", claim: claimFromRow(row) } : duplicate(row);
      }
    }
    // The reward's row is the lock: claims of one limited or stocked reward go one at a time.
    await client.query(`INSERT INTO ${t("reward_locks")} (reward_id) VALUES ($1) ON CONFLICT (reward_id) DO NOTHING`, [
      rewardId,
    ]);
    await client.query(`SELECT reward_id FROM ${t("reward_locks")} WHERE reward_id = $1 FOR UPDATE`, [rewardId]);
    const earlier = await client.query<ClaimRow>(
      `SELECT * FROM ${t("claims")} WHERE reward_id = $1 AND event_id = $2`,
      [rewardId, eventId],
    );
    if (earlier.rows[0]) return duplicate(earlier.rows[0]);
    const mine = await client.query<ClaimRow>(
      `SELECT * FROM ${t("claims")} WHERE reward_id = $1 AND user_id = $2 ORDER BY slot DESC LIMIT 1`,
      [rewardId, userId],
    );
    const latest = mine.rows[0];
    if (latest && latest.slot >= perUserCap(limit)) return { outcome: "duplicate", claim: claimFromRow(latest) };
    if (stock !== undefined && (await countClaims(client, rewardId)) >= stock) return { outcome: "out-of-stock" };
    const slot = (latest?.slot ?? 0) + 1;
    const inserted = await client.query<ClaimRow>(
      `INSERT INTO ${t("claims")} (id, reward_id, user_id, slot, event_id, status, lease_until, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, 'pending', $7, $6, $6) RETURNING *`,
      [claimId(rewardId, userId, slot), rewardId, userId, slot, eventId, now, leaseUntil],
    );
    return { outcome: "new", claim: claimFromRow(inserted.rows[0] as ClaimRow) };
  }

  /** Takes the event for a lease: new, or an expired entry taken over; else busy (leased) or duplicate (done). */
  async function takeEvent(client: Queryable, eventId: string, now: number, leaseMs: number) {
    const result = await client.query<{ outcome: "new" | "busy" | "duplicate" }>(
      `WITH taken AS (
         INSERT INTO ${t("events")} (event_id, expires_at, state) VALUES ($1, $2, 'processing')
         ON CONFLICT (event_id) DO UPDATE SET expires_at = EXCLUDED.expires_at, state = 'processing'
         WHERE ${t("events")}.expires_at <= $3
         RETURNING 'new' AS outcome)
       SELECT outcome FROM taken
       UNION ALL
       SELECT CASE WHEN state = 'processing' THEN 'busy' ELSE 'duplicate' END FROM ${t("events")}
       WHERE event_id = $1 AND NOT EXISTS (SELECT 1 FROM taken)`,
      [eventId, now + leaseMs, now],
    );
    // No row: a concurrent delivery took it after this statement's snapshot; it is working on it.
    return result.rows[0]?.outcome ?? "busy";
  }

  const store: PostgresStore = {
    async migrate() {
      await pool.query(schemaSql(schema));
    },

    async beginEvent({ eventId, leaseMs, reward, now = Date.now() }): Promise<BeginEventResult> {
      // Now and then, clear ids whose time has passed, so the table stays the size of the TTL window.
      if (++calls % 200 === 0) await pool.query(`DELETE FROM ${t("events")} WHERE expires_at <= $1`, [now]);
      if (!reward) {
        return { event: await takeEvent(pool, eventId, now, leaseMs) };
      }
      return inTransaction(async (client): Promise<BeginEventResult> => {
        const event = await takeEvent(client, eventId, now, leaseMs);
        if (event !== "new") return { event };
        return { event, reward: await claimOn(client, { ...reward, eventId, now }, now + leaseMs) };
      });
    },

    async finishEvent(eventId, ttlMs, now = Date.now()) {
      await pool.query(
        `INSERT INTO ${t("events")} (event_id, expires_at, state) VALUES ($1, $2, 'done')
         ON CONFLICT (event_id) DO UPDATE SET expires_at = EXCLUDED.expires_at, state = 'done'`,
        [eventId, now + ttlMs],
      );
    },

    async releaseEvent(eventId) {
      await pool.query(`DELETE FROM ${t("events")} WHERE event_id = $1`, [eventId]);
    },

    async claimReward(input) {
      if (input.limit === "once-per-user" && input.stock === undefined) return claimOn(pool, input, 0);
      return inTransaction((client) => claimOn(client, input, 0));
    },

    async updateClaim(id, patch, now = Date.now()) {
      const sets = ["updated_at = $2"];
      const values: unknown[] = [id, now];
      for (const [key, column] of Object.entries(COLUMNS) as [keyof ClaimPatch, string][]) {
        if (patch[key] === undefined) continue;
        values.push(key === "sentMessageIds" ? JSON.stringify(patch[key]) : patch[key]);
        sets.push(`${column} = $${values.length}`);
      }
      const result = await pool.query<ClaimRow>(
        `UPDATE ${t("claims")} SET ${sets.join(", ")} WHERE id = $1 RETURNING *`,
        values,
      );
      return result.rows[0] ? claimFromRow(result.rows[0]) : undefined;
    },

    async listClaims(query = {}) {
      const now = query.now ?? Date.now();
      const limit = query.limit ?? 100;
      const conditions: string[] = [];
      const values: unknown[] = [];
      const where = (condition: (parameter: string) => string, value: unknown) => {
        values.push(value);
        conditions.push(condition(`$${values.length}`));
      };
      if (query.rewardId !== undefined) where((p) => `reward_id = ${p}`, query.rewardId);
      if (query.userId !== undefined) where((p) => `user_id = ${p}`, query.userId);
      if (query.statuses) where((p) => `status = ANY(${p})`, query.statuses);
      if (query.createdBefore !== undefined) where((p) => `created_at < ${p}`, query.createdBefore);
      if (query.leaseMs !== undefined) where((p) => `lease_until <= ${p}`, now);
      if (query.after !== undefined) {
        const position = readCursor(query.after);
        values.push(position.createdAt, position.id);
        // Byte order ("C"), as JavaScript compares strings: the same order in every store.
        conditions.push(`(created_at, id COLLATE "C") > ($${values.length - 1}, $${values.length})`);
      }
      values.push(limit);
      const filter = conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "";
      const select = `SELECT * FROM ${t("claims")} ${filter} ORDER BY created_at, id COLLATE "C" LIMIT $${values.length}`;
      let rows: ClaimRow[];
      if (query.leaseMs === undefined) rows = (await pool.query<ClaimRow>(select, values)).rows;
      else {
        values.push(now + query.leaseMs);
        rows = (
          await pool.query<ClaimRow>(
            `UPDATE ${t("claims")} SET lease_until = $${values.length}
             WHERE id IN (${select.replace("SELECT *", "SELECT id")} FOR UPDATE SKIP LOCKED) RETURNING *`,
            values,
          )
        ).rows;
      }
      const claims = rows.map(claimFromRow).sort(claimOrder);
      const last = claims[claims.length - 1];
      return { claims, next: claims.length >= limit && last ? cursorAfter(last) : undefined };
    },

    async close() {
      if (owned) await pool.end();
    },
  };
  return store;
}
