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
import type { ClaimPatch, ClaimRewardResult, RewardClaim, Store } from "./store.js";
import { claimId, perUserCap } from "./store.js";
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
}

/** A PostgreSQL store, with the schema migration. */
export interface PostgresStore extends Store {
  /** Creates the tables and index if they do not exist (idempotent). */
  migrate(): Promise<void>;
}

/** The schema, as in `sql/001_line_responder.sql` (a test keeps the two equal). */
export function schemaSql(schema = "public"): string {
  return MIGRATION.replaceAll('"public"', `"${schema}"`);
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

const COLUMNS: Record<keyof ClaimPatch, string> = {
  status: "status",
  attempts: "attempts",
  attemptEpoch: "attempt_epoch",
  reason: "reason",
  sentMessageIds: "sent_message_ids",
  unconfirmed: "unconfirmed",
  leaseUntil: "lease_until",
};

interface ClaimRow {
  id: string;
  reward_id: string;
  user_id: string;
  slot: number;
  event_id: string;
  status: RewardClaim["status"];
  attempts: number;
  attempt_epoch: number;
  reason: string | null;
  sent_message_ids: string[];
  unconfirmed: RewardClaim["unconfirmed"];
  lease_until: string;
  created_at: string;
  updated_at: string;
}

function toClaim(row: ClaimRow): RewardClaim {
  return {
    id: row.id,
    rewardId: row.reward_id,
    userId: row.user_id,
    slot: row.slot,
    eventId: row.event_id,
    status: row.status,
    attempts: row.attempts,
    attemptEpoch: row.attempt_epoch,
    reason: row.reason,
    sentMessageIds: row.sent_message_ids,
    unconfirmed: row.unconfirmed,
    leaseUntil: Number(row.lease_until),
    createdAt: Number(row.created_at),
    updatedAt: Number(row.updated_at),
  };
}

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
  const countClaims = async (client: pg.PoolClient, rewardId: string) =>
    Number(
      (await client.query<{ n: string }>(`SELECT count(*) AS n FROM ${t("claims")} WHERE reward_id = $1`, [rewardId]))
        .rows[0]?.n,
    );
  let calls = 0;

  const store: PostgresStore = {
    async migrate() {
      await pool.query(schemaSql(schema));
    },

    async claimEvent(eventId, ttlMs) {
      const now = Date.now();
      // Now and then, clear ids whose time has passed, so the table stays the size of the TTL window.
      if (++calls % 200 === 0) await pool.query(`DELETE FROM ${t("events")} WHERE expires_at <= $1`, [now]);
      const result = await pool.query(
        `INSERT INTO ${t("events")} (event_id, expires_at) VALUES ($1, $2)
         ON CONFLICT (event_id) DO UPDATE SET expires_at = EXCLUDED.expires_at WHERE ${t("events")}.expires_at <= $3
         RETURNING event_id`,
        [eventId, now + ttlMs, now],
      );
      return result.rowCount === 1;
    },

    async releaseEvent(eventId) {
      await pool.query(`DELETE FROM ${t("events")} WHERE event_id = $1`, [eventId]);
    },

    async claimReward({ rewardId, userId, eventId, limit, stock, now = Date.now() }): Promise<ClaimRewardResult> {
      if (limit === "once-per-user" && stock === undefined) {
        // The common case needs no lock: slot 1 and the event are unique keys, so one statement
        // either inserts the claim or finds the one that is there.
        const result = await pool.query<ClaimRow & { outcome: "new" | "duplicate" }>(
          `WITH inserted AS (
             INSERT INTO ${t("claims")} (id, reward_id, user_id, slot, event_id, status, created_at, updated_at)
             VALUES ($1, $2, $3, 1, $4, 'pending', $5, $5) ON CONFLICT DO NOTHING RETURNING *)
           SELECT 'new' AS outcome, * FROM inserted
           UNION ALL
           SELECT 'duplicate' AS outcome, * FROM ${t("claims")}
           WHERE reward_id = $2 AND (event_id = $4 OR (user_id = $3 AND slot = 1)) AND NOT EXISTS (SELECT 1 FROM inserted)`,
          [claimId(rewardId, userId, 1), rewardId, userId, eventId, now],
        );
        const row = result.rows[0];
        // A row the statement could not see yet (a concurrent insert): read it after it commits.
        if (row) return { outcome: row.outcome, claim: toClaim(row) };
        return store.claimReward({ rewardId, userId, eventId, limit, stock, now });
      }
      const client = await pool.connect();
      try {
        await client.query("BEGIN");
        // The reward's row is the lock: claims of one limited or stocked reward go one at a time.
        await client.query(
          `INSERT INTO ${t("reward_locks")} (reward_id) VALUES ($1) ON CONFLICT (reward_id) DO NOTHING`,
          [rewardId],
        );
        await client.query(`SELECT reward_id FROM ${t("reward_locks")} WHERE reward_id = $1 FOR UPDATE`, [rewardId]);
        const earlier = await client.query<ClaimRow>(
          `SELECT * FROM ${t("claims")} WHERE reward_id = $1 AND event_id = $2`,
          [rewardId, eventId],
        );
        let result: ClaimRewardResult;
        if (earlier.rows[0]) {
          result = { outcome: "duplicate", claim: toClaim(earlier.rows[0]) };
        } else {
          const mine = await client.query<ClaimRow>(
            `SELECT * FROM ${t("claims")} WHERE reward_id = $1 AND user_id = $2 ORDER BY slot DESC LIMIT 1`,
            [rewardId, userId],
          );
          const latest = mine.rows[0];
          if (latest && latest.slot >= perUserCap(limit)) {
            result = { outcome: "duplicate", claim: toClaim(latest) };
          } else if (stock !== undefined && (await countClaims(client, rewardId)) >= stock) {
            result = { outcome: "out-of-stock" };
          } else {
            const slot = (latest?.slot ?? 0) + 1;
            const inserted = await client.query<ClaimRow>(
              `INSERT INTO ${t("claims")} (id, reward_id, user_id, slot, event_id, status, created_at, updated_at)
               VALUES ($1, $2, $3, $4, $5, 'pending', $6, $6) RETURNING *`,
              [claimId(rewardId, userId, slot), rewardId, userId, slot, eventId, now],
            );
            result = { outcome: "new", claim: toClaim(inserted.rows[0] as ClaimRow) };
          }
        }
        await client.query("COMMIT");
        return result;
      } catch (error) {
        await client.query("ROLLBACK").catch(() => {});
        throw error;
      } finally {
        client.release();
      }
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
      return result.rows[0] ? toClaim(result.rows[0]) : undefined;
    },

    async listClaims(query = {}) {
      const now = query.now ?? Date.now();
      const conditions: string[] = [];
      const values: unknown[] = [];
      if (query.statuses) {
        values.push(query.statuses);
        conditions.push(`status = ANY($${values.length})`);
      }
      if (query.createdBefore !== undefined) {
        values.push(query.createdBefore);
        conditions.push(`created_at < $${values.length}`);
      }
      if (query.leaseMs !== undefined) {
        values.push(now);
        conditions.push(`lease_until <= $${values.length}`);
      }
      values.push(query.limit ?? 100);
      const where = conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "";
      const select = `SELECT * FROM ${t("claims")} ${where} ORDER BY created_at, id LIMIT $${values.length}`;
      if (query.leaseMs === undefined) return (await pool.query<ClaimRow>(select, values)).rows.map(toClaim);
      values.push(now + query.leaseMs);
      const leased = await pool.query<ClaimRow>(
        `UPDATE ${t("claims")} SET lease_until = $${values.length}
         WHERE id IN (${select.replace("SELECT *", "SELECT id")} FOR UPDATE SKIP LOCKED) RETURNING *`,
        values,
      );
      return leased.rows.map(toClaim).sort((a, b) => a.createdAt - b.createdAt || (a.id < b.id ? -1 : 1));
    },

    async close() {
      if (owned) await pool.end();
    },
  };
  return store;
}
