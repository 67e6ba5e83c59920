/**
 * `line-responder/postgres`: the store for several instances sharing one PostgreSQL (pg). Claims
 * and event leases are group-committed: the requests that arrive while one batch commits go to the
 * database together, one call of `line_responder_claim_batch` (a PL/pgSQL function of the schema)
 * deciding each in arrival order, so one commit serves many callers. Unique keys on (reward, user,
 * slot) and (reward, event) decide a once-per-user claim; a reward with stock or a per-user count
 * above one is locked (its row) by the batch first, so the limit and the stock are checked and the
 * claim made together. `finishEvent` calls are group-committed the same way, one statement for a
 * batch of them. Backfill takes claims with `FOR UPDATE SKIP LOCKED`, so runs in parallel never
 * share one. The schema ships as `sql/*.sql`; `migrate()` applies it.
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
import { checkGroupCommit, createGroupCommit, type GroupCommitOptions } from "./group-commit.js";
import type { BeginEventResult, ClaimPatch, ClaimRewardInput, ClaimRewardResult, Store } from "./store.js";
import { claimOrder, cursorAfter, newClaim, perUserCap, readCursor } from "./store.js";
import { StoreConnectionError } from "./store-error.js";

export type { GroupCommitOptions };
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
  /**
   * Group commit: claims and event leases (`claimReward`, `beginEvent`) that arrive while a batch
   * is in flight go to the database together, one statement and one commit for all of them, each
   * caller getting its own answer, decided in arrival order; so do `finishEvent` calls, in a batch
   * of their own. Default `{ maxBatch: 128, windowMs: 0 }`;
   * `{ maxBatch: 1 }` sends each alone.
   */
  groupCommit?: GroupCommitOptions;
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

const CLAIM_BATCH = `-- line-responder store schema, version 3: claims and event leases decided in batches (group
-- commit). One call takes many callers' requests and decides each in the order given, as one
-- statement and one commit; it returns one row per request (n is its position). A claim it made is
-- answered by its slot alone (claim NULL): the caller made the request and knows the rest of the
-- new row, so the row is neither turned into JSON nor sent back.
-- A database migrated by a development build before that has the function with every claim in
-- full, a result of another shape, which CREATE OR REPLACE cannot change: that one is dropped first.
DO $$
DECLARE
  earlier regprocedure := to_regprocedure('"public".line_responder_claim_batch(text[], boolean[], bigint[], text[], text[], float8[], float8[], bigint[])');
BEGIN
  IF earlier IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_proc WHERE oid = earlier AND 'claim_slot' = ANY (proargnames)) THEN
    EXECUTE 'DROP FUNCTION ' || earlier::text;
  END IF;
END $$;
CREATE OR REPLACE FUNCTION "public".line_responder_claim_batch(
  event_ids text[], takes boolean[], lease_untils bigint[], reward_ids text[], user_ids text[],
  caps float8[], stocks float8[], nows bigint[])
RETURNS TABLE (n integer, event_outcome text, reward_outcome text, claim jsonb, claim_slot integer)
LANGUAGE plpgsql AS $$
DECLARE
  k integer;
  c "public".line_responder_claims;
  resumed "public".line_responder_claims;
  counted_reward text;
  counted bigint;
  size integer := coalesce(array_length(event_ids, 1), 0);
  simple boolean;
  locking boolean;
  settled boolean[] := array_fill(false, ARRAY[size]);
  taken boolean[] := array_fill(false, ARRAY[size]);
  ks integer[];
  j integer;
  decided integer := 0;
BEGIN
  -- The common batch: no two requests share an event, no two claims share a user (stricter than
  -- needed, and cheaper to count than pairs), and every claim is once per user without stock.
  -- Then requests cannot affect each other, and new events and new claims are inserted with one
  -- statement each; what found a row already there (a redelivery, a duplicate) is decided one by
  -- one below, as every request of other batches.
  SELECT count(DISTINCT u.e) = count(*)
     AND count(DISTINCT u.u) FILTER (WHERE u.r IS NOT NULL) = count(*) FILTER (WHERE u.r IS NOT NULL)
     AND NOT coalesce(bool_or(u.r IS NOT NULL AND (u.cap <> 1 OR u.stock IS NOT NULL)), false),
         coalesce(bool_or(u.r IS NOT NULL AND (u.cap <> 1 OR u.stock IS NOT NULL)), false)
  INTO simple, locking FROM unnest(event_ids, reward_ids, user_ids, caps, stocks) AS u(e, r, u, cap, stock);
  -- Rewards with a stock or a per-user count above one are locked before any row, in one order,
  -- so that two batches never wait on each other in a cycle.
  IF locking THEN
    INSERT INTO "public".line_responder_reward_locks (reward_id)
    SELECT DISTINCT r.id FROM unnest(reward_ids, caps, stocks) AS r(id, cap, stock)
    WHERE r.id IS NOT NULL AND (r.cap <> 1 OR r.stock IS NOT NULL) ORDER BY r.id
    ON CONFLICT DO NOTHING;
    PERFORM 1 FROM "public".line_responder_reward_locks l
    WHERE l.reward_id IN (SELECT r.id FROM unnest(reward_ids, caps, stocks) AS r(id, cap, stock)
                          WHERE r.cap <> 1 OR r.stock IS NOT NULL)
    ORDER BY l.reward_id FOR UPDATE;
  END IF;
  IF simple AND size > 1 THEN
    WITH inserted AS (
      INSERT INTO "public".line_responder_events (event_id, expires_at, state)
      SELECT u.e, u.l, 'processing' FROM unnest(event_ids, takes, lease_untils) AS u(e, t, l) WHERE u.t ORDER BY u.e
      ON CONFLICT DO NOTHING RETURNING event_id)
    SELECT array_agg(u.k) INTO ks
    FROM inserted JOIN unnest(event_ids, takes) WITH ORDINALITY AS u(e, t, k) ON u.t AND u.e = inserted.event_id;
    FOREACH j IN ARRAY coalesce(ks, '{}') LOOP
      taken[j] := true;
      IF reward_ids[j] IS NULL THEN
        settled[j] := true;
        decided := decided + 1;
        n := j;
        event_outcome := 'new';
        reward_outcome := NULL;
        claim := NULL;
        claim_slot := NULL;
        RETURN NEXT;
      END IF;
    END LOOP;
    -- The user's claim is the one key checked before each row goes in (not all three unique keys:
    -- that check was a fifth of the work). A row that breaks another key, its event held by another
    -- user's claim, refuses the statement, and the caller then sends each request alone.
    WITH inserted AS (
      INSERT INTO "public".line_responder_claims
        (id, reward_id, user_id, slot, event_id, status, lease_until, created_at, updated_at)
      SELECT u.r || ':' || u.u || ':1', u.r, u.u, 1, u.e, 'pending', u.l, u.now, u.now
      FROM unnest(event_ids, takes, lease_untils, reward_ids, user_ids, nows) WITH ORDINALITY AS u(e, t, l, r, u, now, k)
      WHERE u.r IS NOT NULL AND (NOT u.t OR taken[u.k]) ORDER BY u.r, u.u
      ON CONFLICT (reward_id, user_id, slot) DO NOTHING RETURNING reward_id, event_id)
    SELECT array_agg(u.k ORDER BY u.k) INTO ks
    FROM inserted JOIN unnest(event_ids, reward_ids) WITH ORDINALITY AS u(e, r, k)
      ON u.r = inserted.reward_id AND u.e = inserted.event_id;
    RETURN QUERY SELECT m.i, CASE WHEN takes[m.i] THEN 'new' END, 'new', NULL::jsonb, 1 FROM unnest(ks) AS m(i);
    -- Usually every request is decided here: then no row needs the loop below.
    decided := decided + coalesce(array_length(ks, 1), 0);
    IF decided = size THEN
      RETURN;
    END IF;
    FOREACH j IN ARRAY coalesce(ks, '{}') LOOP
      settled[j] := true;
    END LOOP;
  END IF;
  FOR k IN 1 .. size LOOP
    CONTINUE WHEN settled[k];
    n := k;
    event_outcome := NULL;
    reward_outcome := NULL;
    claim := NULL;
    claim_slot := NULL;
    IF taken[k] THEN
      event_outcome := 'new';
    ELSIF takes[k] THEN
      -- The event: new, or an expired lease taken over; else busy (leased) or duplicate (done).
      INSERT INTO "public".line_responder_events AS e (event_id, expires_at, state)
      VALUES (event_ids[k], lease_untils[k], 'processing')
      ON CONFLICT (event_id) DO UPDATE SET expires_at = EXCLUDED.expires_at, state = 'processing'
      WHERE e.expires_at <= nows[k]
      RETURNING 'new' INTO event_outcome;
      IF event_outcome IS NULL THEN
        SELECT CASE WHEN e.state = 'processing' THEN 'busy' ELSE 'duplicate' END INTO event_outcome
        FROM "public".line_responder_events e WHERE e.event_id = event_ids[k];
        event_outcome := coalesce(event_outcome, 'busy');
      END IF;
      IF event_outcome <> 'new' OR reward_ids[k] IS NULL THEN
        RETURN NEXT;
        CONTINUE;
      END IF;
    END IF;
    IF caps[k] = 1 AND stocks[k] IS NULL THEN
      -- Once per user without stock needs no lock: slot 1 and the event are unique keys.
      INSERT INTO "public".line_responder_claims
        (id, reward_id, user_id, slot, event_id, status, lease_until, created_at, updated_at)
      VALUES (reward_ids[k] || ':' || user_ids[k] || ':1', reward_ids[k], user_ids[k], 1, event_ids[k], 'pending',
              lease_untils[k], nows[k], nows[k])
      ON CONFLICT DO NOTHING RETURNING * INTO c;
      IF FOUND THEN
        IF counted_reward = reward_ids[k] THEN counted := counted + 1; END IF;
        reward_outcome := 'new';
        claim_slot := c.slot;
        RETURN NEXT;
        CONTINUE;
      END IF;
    END IF;
    -- This event's own claim decides first: a duplicate, or a resume of its unsent claim.
    SELECT * INTO c FROM "public".line_responder_claims
    WHERE reward_id = reward_ids[k] AND event_id = event_ids[k];
    IF FOUND THEN
      reward_outcome := 'duplicate';
      IF lease_untils[k] > 0 THEN
        UPDATE "public".line_responder_claims SET lease_until = lease_untils[k]
        WHERE id = c.id AND status IN ('pending', 'failed', 'deferred') AND lease_until <= nows[k]
        RETURNING * INTO resumed;
        IF FOUND THEN
          reward_outcome := 'resumed';
          c := resumed;
        END IF;
      END IF;
      claim := to_jsonb(c);
      RETURN NEXT;
      CONTINUE;
    END IF;
    SELECT * INTO c FROM "public".line_responder_claims
    WHERE reward_id = reward_ids[k] AND user_id = user_ids[k] ORDER BY slot DESC LIMIT 1;
    IF FOUND AND c.slot >= caps[k] THEN
      reward_outcome := 'duplicate';
      claim := to_jsonb(c);
      RETURN NEXT;
      CONTINUE;
    END IF;
    IF stocks[k] IS NOT NULL THEN
      -- Claims of a stocked reward are made under its lock: counted once a batch, then kept up to date.
      IF counted_reward IS DISTINCT FROM reward_ids[k] THEN
        counted_reward := reward_ids[k];
        SELECT count(*) INTO counted FROM "public".line_responder_claims WHERE reward_id = counted_reward;
      END IF;
      IF counted >= stocks[k] THEN
        reward_outcome := 'out-of-stock';
        RETURN NEXT;
        CONTINUE;
      END IF;
    END IF;
    INSERT INTO "public".line_responder_claims
      (id, reward_id, user_id, slot, event_id, status, lease_until, created_at, updated_at)
    VALUES (reward_ids[k] || ':' || user_ids[k] || ':' || (coalesce(c.slot, 0) + 1), reward_ids[k], user_ids[k],
            coalesce(c.slot, 0) + 1, event_ids[k], 'pending', lease_untils[k], nows[k], nows[k])
    RETURNING * INTO c;
    IF counted_reward = reward_ids[k] THEN counted := counted + 1; END IF;
    reward_outcome := 'new';
    claim_slot := c.slot;
    RETURN NEXT;
  END LOOP;
END;
$$;
`;

const MIGRATIONS = [MIGRATION, EVENT_STATE, CLAIM_BATCH];

/** The claim a batch request makes: the reward, the user, the limit and the stock. */
type BatchReward = Omit<ClaimRewardInput, "eventId" | "now">;

/** One caller's request in a batch: a `beginEvent` (`take`) or a `claimReward`. */
interface BatchItem {
  eventId: string;
  /** Take the event's lease (beginEvent); a claimReward only claims. */
  take: boolean;
  /** The event's lease and the claim's: `now + leaseMs` for beginEvent, 0 for claimReward (which never resumes). */
  leaseUntil: number;
  reward?: BatchReward;
  now: number;
}

/** One caller's `finishEvent`: the event is done, deduplicated until `expiresAt`. */
interface FinishItem {
  eventId: string;
  expiresAt: number;
}

/** What the batch function decided for one request. */
interface BatchRow {
  n: number;
  event_outcome: "new" | "busy" | "duplicate" | null;
  reward_outcome: ClaimRewardResult["outcome"] | null;
  /** The claim found; `null` for one the batch made, which is answered by its slot. */
  claim: ClaimRow | null;
  /** The slot of a claim the batch made. */
  claim_slot: number | null;
}

/** Whether a claim takes the reward's lock (stock, or a per-user count above one) in the batch function. */
const locks = (item: BatchItem) =>
  item.reward !== undefined && (item.reward.stock !== undefined || item.reward.limit !== "once-per-user");

/**
 * The order the batch function works in: rows that take no lock by (reward, user), locking rows by
 * reward, and arrival order within each. Outcomes depend only on the order within a reward (stock)
 * or a user (limit), which stays the arrival order; a common order of keys across batches keeps
 * two batches from waiting on each other in a cycle.
 */
function lockOrder(items: readonly BatchItem[]): number[] {
  const key = (item: BatchItem) =>
    item.reward === undefined ? ["", item.eventId] : [item.reward.rewardId, locks(item) ? "" : item.reward.userId];
  const keys = items.map(key);
  return items
    .map((_, i) => i)
    .sort((a, b) => {
      const [ra, ua] = keys[a] as string[];
      const [rb, ub] = keys[b] as string[];
      return ra !== rb ? (ra < rb ? -1 : 1) : ua !== ub ? (ua < ub ? -1 : 1) : a - b;
    });
}

/**
 * SQLSTATE classes of an error that one row's values caused (22 data exception, 23 integrity
 * constraint, 54 program limit such as an index row too large, P0 raised in the function): the
 * statement was refused and rolled back whole, and the other rows are fine on their own.
 */
const ROW_ERROR = /^(22|23|54|P0)/;
/** Deadlock or serialization failure: the transaction was rolled back whole and may simply run again. */
const TRY_AGAIN = /^40(P01|001)$/;

const sqlState = (error: unknown): string =>
  typeof (error as { code?: unknown })?.code === "string" ? (error as { code: string }).code : "";

/** `run`, run again (up to three times in all) while the database rolls it back for a deadlock or a serialization failure. */
async function untilNotRolledBack<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (error) {
      if (TRY_AGAIN.test(sqlState(error)) && attempt < 3) continue;
      throw error;
    }
  }
}

/**
 * Creates a PostgreSQL store. With `url`, connects first and throws one-line
 * {@link StoreConnectionError} when the database cannot be reached.
 */
export async function createPostgresStore(options: PostgresStoreOptions = {}): Promise<PostgresStore> {
  const schema = options.schema ?? "public";
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(schema))
    throw new TypeError(`schema must be a plain SQL identifier, not ${JSON.stringify(schema)}`);
  const groupCommit = checkGroupCommit("createPostgresStore", options.groupCommit);
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
  let calls = 0;

  /** One statement for the whole batch: each request decided in turn, all committed together. */
  async function decide(items: readonly BatchItem[]): Promise<BatchRow[]> {
    const order = lockOrder(items);
    const column = <T>(value: (item: BatchItem) => T) => order.map((i) => value(items[i] as BatchItem));
    const values = [
      column((item) => item.eventId),
      column((item) => item.take),
      column((item) => item.leaseUntil),
      column((item) => item.reward?.rewardId ?? null),
      column((item) => item.reward?.userId ?? null),
      // float8: "unlimited" is Infinity, and a stock compares as it does in JavaScript.
      column((item) => (item.reward ? perUserCap(item.reward.limit) : null)),
      column((item) => item.reward?.stock ?? null),
      column((item) => item.now),
    ];
    let result: pg.QueryResult<BatchRow>;
    try {
      result = await untilNotRolledBack(() =>
        pool.query<BatchRow>(
          `SELECT * FROM ${t("claim_batch")}($1::text[], $2::boolean[], $3::bigint[], $4::text[], $5::text[], $6::float8[], $7::float8[], $8::bigint[])`,
          values,
        ),
      );
    } catch (error) {
      if (sqlState(error) === "42883" && String((error as Error).message).includes("claim_batch"))
        throw new Error(
          `the PostgreSQL schema "${schema}" has no line_responder_claim_batch function (schema version 3): run store.migrate() once after upgrading line-responder`,
        );
      throw error;
    }
    const rows: BatchRow[] = new Array(items.length);
    for (const row of result.rows) rows[order[row.n - 1] as number] = row;
    return rows;
  }

  /**
   * One statement for a batch of `finishEvent` calls, all committed together. ON CONFLICT DO UPDATE
   * may not touch a row twice, so an event finished twice in one batch is written once, with the
   * later call's expiry, as calls one after another would leave it.
   */
  async function finish(items: readonly FinishItem[]): Promise<void> {
    const expiries = new Map<string, number>();
    for (const item of items) expiries.set(item.eventId, item.expiresAt);
    // In one order of keys, as the claim batches insert events, so concurrent batches do not deadlock.
    const eventIds = [...expiries.keys()].sort();
    const values = [eventIds, eventIds.map((id) => expiries.get(id))];
    await untilNotRolledBack(() =>
      pool.query(
        `INSERT INTO ${t("events")} (event_id, expires_at, state)
         SELECT u.e, u.x, 'done' FROM unnest($1::text[], $2::bigint[]) AS u(e, x)
         ON CONFLICT (event_id) DO UPDATE SET expires_at = EXCLUDED.expires_at, state = 'done'`,
        values,
      ),
    );
  }

  /**
   * A group-commit queue over `send`. When one request's values are refused, the statement rolled
   * back whole: each request again alone, in arrival order, so only the one at fault gets the error.
   */
  const queueOf = <I, O>(send: (items: readonly I[]) => Promise<O[]>) =>
    createGroupCommit<I, O>(groupCommit, async (items) => {
      try {
        return (await send(items)).map((value) => ({ status: "fulfilled", value }));
      } catch (error) {
        if (items.length === 1 || !ROW_ERROR.test(sqlState(error))) throw error;
        const settled: PromiseSettledResult<O>[] = [];
        for (const item of items) {
          try {
            settled.push({ status: "fulfilled", value: (await send([item]))[0] as O });
          } catch (reason) {
            settled.push({ status: "rejected", reason });
          }
        }
        return settled;
      }
    });
  const batches = queueOf(decide);
  const finishes = queueOf<FinishItem, undefined>(async (items) => {
    await finish(items);
    return items.map(() => undefined);
  });

  /** The claim result of `row`, the answer to `request`; a claim the batch made is the `reward` that `request` asked for. */
  function rewardResult(row: BatchRow, reward: BatchReward, request: BatchItem): ClaimRewardResult {
    if (row.claim !== null && row.reward_outcome !== "out-of-stock")
      return { outcome: row.reward_outcome ?? "duplicate", claim: claimFromRow(row.claim) };
    if (row.reward_outcome === "new" && row.claim_slot !== null) {
      const made = { rewardId: reward.rewardId, userId: reward.userId, eventId: request.eventId };
      return { outcome: "new", claim: newClaim(made, row.claim_slot, request.leaseUntil, request.now) };
    }
    return { outcome: "out-of-stock" };
  }

  const store: PostgresStore = {
    async migrate() {
      await pool.query(schemaSql(schema));
    },

    async beginEvent({ eventId, leaseMs, reward, now = Date.now() }): Promise<BeginEventResult> {
      // Now and then, clear ids whose time has passed, so the table stays the size of the TTL window.
      if (++calls % 200 === 0) await pool.query(`DELETE FROM ${t("events")} WHERE expires_at <= $1`, [now]);
      const request: BatchItem = { eventId, take: true, leaseUntil: now + leaseMs, now, ...(reward ? { reward } : {}) };
      const row = await batches.submit(request);
      const event = row.event_outcome ?? "busy";
      if (event !== "new" || !reward) return { event };
      return { event, reward: rewardResult(row, reward, request) };
    },

    async finishEvent(eventId, ttlMs, now = Date.now()) {
      await finishes.submit({ eventId, expiresAt: now + ttlMs });
    },

    async releaseEvent(eventId) {
      await pool.query(`DELETE FROM ${t("events")} WHERE event_id = $1`, [eventId]);
    },

    async claimReward({ rewardId, userId, eventId, limit, stock, now = Date.now() }) {
      const reward = { rewardId, userId, limit, ...(stock === undefined ? {} : { stock }) };
      const request = { eventId, take: false, leaseUntil: 0, reward, now };
      return rewardResult(await batches.submit(request), reward, request);
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
      await Promise.all([batches.drain(), finishes.drain()]);
      if (owned) await pool.end();
    },
  };
  return store;
}
