/**
 * `line-responder/d1`: the store for Cloudflare Workers, on D1 (SQLite). Every isolate of the
 * Worker shares it, so deduplication, once-per-user, stock and backfill hold across isolates as
 * they do with the PostgreSQL store. D1 has no interactive transactions and SQLite has no
 * `FOR UPDATE`: each atomic step is one `batch()` (one transaction on the database's single
 * writer) whose statements decide in SQL, and backfill leases claims with one conditional
 * `UPDATE ... WHERE lease_until <= now RETURNING *`. No `node:` import: it bundles into a Worker.
 *
 * @example
 * ```ts
 * import { createFetchClient, createResponder, type Responder } from "line-responder";
 * import { createD1Store, type D1DatabaseLike } from "line-responder/d1";
 *
 * let responder: Responder | undefined; // one per isolate: bindings arrive with the first request
 * export default {
 *   fetch(request: Request, env: { DB: D1DatabaseLike; LINE_CHANNEL_SECRET: string; LINE_CHANNEL_ACCESS_TOKEN: string }, ctx: ExecutionContext) {
 *     responder ??= createResponder({
 *       channelSecret: env.LINE_CHANNEL_SECRET,
 *       rules,
 *       store: createD1Store(env.DB),
 *       client: createFetchClient({ channelAccessToken: env.LINE_CHANNEL_ACCESS_TOKEN }),
 *     });
 *     return responder.fetch(request, env, ctx);
 *   },
 * };
 * ```
 *
 * @packageDocumentation
 */

import { type ClaimRow, CLAIM_PATCH_COLUMNS as COLUMNS, claimFromRow } from "./claim-row.js";
import type { D1DatabaseLike, D1PreparedStatementLike } from "./d1-binding.js";
import { D1_MIGRATIONS } from "./d1-schema.js";
import type { BeginEventResult, ClaimPatch, ClaimQuery, ClaimRewardInput, ClaimRewardResult, Store } from "./store.js";
import { claimOrder, cursorAfter, perUserCap, RESUMABLE, readCursor } from "./store.js";

export type { D1DatabaseLike, D1PreparedStatementLike, D1ResultLike } from "./d1-binding.js";

/** Options of {@link createD1Store}. */
export interface D1StoreOptions {
  /**
   * Retention of event ids: on average one `beginEvent` in this many also deletes up to 500 ids
   * whose deduplication time has passed, so the table stays the size of the TTL window. A draw,
   * not a per-isolate counter: Worker isolates are too short-lived to count to 200. Default 200;
   * 1 prunes on every event.
   */
  pruneEventsEvery?: number;
}

/** A D1 store, with the schema migration. */
export interface D1Store extends Store {
  /**
   * Creates the tables and indexes if they do not exist (idempotent; the same statements as
   * `sql/d1/*.sql`, for projects that do not run `wrangler d1 migrations apply`).
   */
  migrate(): Promise<void>;
}

const EVENTS = "line_responder_events";
const CLAIMS = "line_responder_claims";
const PRUNE_BATCH = 500;

/**
 * Creates a store on a D1 database binding (`env.DB`). Cheap: nothing is sent to D1 until the
 * first call, so a Worker may create it per request. The tables come from `sql/d1/*.sql`
 * (`wrangler d1 migrations apply`) or {@link D1Store.migrate}.
 */
export function createD1Store(db: D1DatabaseLike, options: D1StoreOptions = {}): D1Store {
  if (typeof db !== "object" || db === null || typeof db.prepare !== "function" || typeof db.batch !== "function") {
    throw new TypeError(
      `createD1Store needs a D1 database binding (env.DB, from [[d1_databases]] in wrangler.toml), not ${db === null ? "null" : typeof db}`,
    );
  }
  const pruneEvery = options.pruneEventsEvery ?? 200;
  if (!Number.isInteger(pruneEvery) || pruneEvery < 1) {
    throw new TypeError(
      `createD1Store: pruneEventsEvery must be a whole number of at least 1, not ${String(pruneEvery)}`,
    );
  }
  const sql = (query: string, ...values: unknown[]) => db.prepare(query).bind(...values);

  /** Runs statements as one transaction; a missing table becomes one line saying what to do. */
  async function batch(statements: D1PreparedStatementLike[]) {
    try {
      return await db.batch(statements);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (/no such table: line_responder_/.test(message)) {
        throw new Error(
          "the D1 store's tables are missing: apply sql/d1/*.sql with `wrangler d1 migrations apply`, or call store.migrate()",
          { cause: error },
        );
      }
      throw error;
    }
  }
  async function rows<T>(statement: D1PreparedStatementLike): Promise<T[]> {
    return ((await batch([statement]))[0]?.results ?? []) as T[];
  }

  /** Takes the event for `holder` unless a live lease or a live `done` has it (an expired one is taken over). */
  const takeEvent = (eventId: string, holder: string, now: number, leaseMs: number) =>
    sql(
      `INSERT INTO ${EVENTS} (event_id, state, holder, expires_at) VALUES (?1, 'processing', ?2, ?3)
       ON CONFLICT (event_id) DO UPDATE SET state = 'processing', holder = excluded.holder, expires_at = excluded.expires_at
       WHERE ${EVENTS}.expires_at <= ?4`,
      eventId,
      holder,
      now + leaseMs,
      now,
    );
  const eventState = (eventId: string) => sql(`SELECT state, holder FROM ${EVENTS} WHERE event_id = ?1`, eventId);

  /**
   * The statements of one claim, for one batch. `held` (beginEvent) makes each write conditional
   * on the event being this delivery's, and adds the resume of this event's own unsent claim.
   * The reads at the end see the batch's own writes, so the caller can tell what happened.
   */
  function claimStatements(input: ClaimRewardInput, now: number, held?: { holder: string; leaseUntil: number }) {
    const { rewardId, userId, eventId, limit, stock } = input;
    const cap = perUserCap(limit);
    const mine = held ? `AND EXISTS (SELECT 1 FROM ${EVENTS} WHERE event_id = ?3 AND holder = ?7)` : "";
    const statements: D1PreparedStatementLike[] = [];
    if (held) {
      statements.push(
        sql(
          `UPDATE ${CLAIMS} SET lease_until = ?1
           WHERE reward_id = ?2 AND event_id = ?3 AND status IN (${RESUMABLE.map((s) => `'${s}'`).join(", ")})
             AND lease_until <= ?4 ${mine.replace("?7", "?5")}
           RETURNING *`,
          held.leaseUntil,
          rewardId,
          eventId,
          now,
          held.holder,
        ),
      );
    }
    // One statement decides and writes: the next slot, unless this event claimed already, the
    // user holds `cap` claims, or `stock` claims exist. SQLite runs it alone on the one writer.
    statements.push(
      sql(
        `INSERT INTO ${CLAIMS} (id, reward_id, user_id, slot, event_id, status, lease_until, created_at, updated_at)
         SELECT ?1 || ':' || ?2 || ':' || next.slot, ?1, ?2, next.slot, ?3, 'pending', ?4, ?5, ?5
         FROM (SELECT COALESCE(MAX(slot), 0) + 1 AS slot FROM ${CLAIMS} WHERE reward_id = ?1 AND user_id = ?2) AS next
         WHERE (?6 IS NULL OR next.slot <= ?6)
           AND NOT EXISTS (SELECT 1 FROM ${CLAIMS} WHERE reward_id = ?1 AND event_id = ?3)
           AND (?8 IS NULL OR (SELECT count(*) FROM ${CLAIMS} WHERE reward_id = ?1) < ?8)
           ${mine}
         ON CONFLICT DO NOTHING
         RETURNING *`,
        rewardId,
        userId,
        eventId,
        held?.leaseUntil ?? 0,
        now,
        Number.isFinite(cap) ? cap : null,
        held?.holder ?? null,
        stock ?? null,
      ),
      sql(`SELECT * FROM ${CLAIMS} WHERE reward_id = ?1 AND event_id = ?2`, rewardId, eventId),
      sql(`SELECT * FROM ${CLAIMS} WHERE reward_id = ?1 AND user_id = ?2 ORDER BY slot DESC LIMIT 1`, rewardId, userId),
    );
    return statements;
  }

  /** What the claim statements' results say, in the order the memory store decides. */
  function claimOutcome(input: ClaimRewardInput, results: { results: unknown[] }[], held: boolean): ClaimRewardResult {
    const [resumed, inserted, own, latest] = (held ? results : [{ results: [] }, ...results]).map(
      (r) => r.results[0] as ClaimRow | undefined,
    );
    if (resumed) return { outcome: "resumed", claim: claimFromRow(resumed) };
    if (inserted) return { outcome: "new", claim: claimFromRow(inserted) };
    if (own) return { outcome: "duplicate", claim: claimFromRow(own) };
    if (latest && latest.slot >= perUserCap(input.limit)) return { outcome: "duplicate", claim: claimFromRow(latest) };
    if (input.stock !== undefined) return { outcome: "out-of-stock" };
    // Only a claim id taken by another reward and user (ids join them with ':') gets here.
    throw new Error(`reward claim ${input.rewardId}:${input.userId} could not be recorded: its claim id is taken`);
  }

  return {
    async migrate() {
      for (const migration of D1_MIGRATIONS)
        await batch(migration.statements.map((statement) => db.prepare(statement)));
    },

    async beginEvent({ eventId, leaseMs, reward, now = Date.now() }): Promise<BeginEventResult> {
      const holder = crypto.randomUUID();
      const statements: D1PreparedStatementLike[] = [];
      if (Math.random() * pruneEvery < 1) {
        statements.push(
          sql(
            `DELETE FROM ${EVENTS} WHERE event_id IN
             (SELECT event_id FROM ${EVENTS} WHERE expires_at <= ?1 ORDER BY expires_at LIMIT ${PRUNE_BATCH})`,
            now,
          ),
        );
      }
      const first = statements.length;
      statements.push(takeEvent(eventId, holder, now, leaseMs));
      const input = reward && { ...reward, eventId, now };
      if (input) statements.push(...claimStatements(input, now, { holder, leaseUntil: now + leaseMs }));
      statements.push(eventState(eventId));
      // One transaction: the event is taken and its reward claimed together, or neither is.
      const results = await batch(statements);
      const state = results.at(-1)?.results[0] as { state: string; holder: string | null } | undefined;
      if (state?.holder !== holder) return { event: state?.state === "done" ? "duplicate" : "busy" };
      if (!input) return { event: "new" };
      return { event: "new", reward: claimOutcome(input, results.slice(first + 1, -1), true) };
    },

    async finishEvent(eventId, ttlMs, now = Date.now()) {
      await batch([
        sql(
          `INSERT INTO ${EVENTS} (event_id, state, holder, expires_at) VALUES (?1, 'done', NULL, ?2)
           ON CONFLICT (event_id) DO UPDATE SET state = 'done', holder = NULL, expires_at = excluded.expires_at`,
          eventId,
          now + ttlMs,
        ),
      ]);
    },

    async releaseEvent(eventId) {
      await batch([sql(`DELETE FROM ${EVENTS} WHERE event_id = ?1`, eventId)]);
    },

    async claimReward(input) {
      const now = input.now ?? Date.now();
      return claimOutcome(input, await batch(claimStatements({ ...input, now }, now)), false);
    },

    async updateClaim(id, patch, now = Date.now()) {
      const sets = ["updated_at = ?2"];
      const values: unknown[] = [id, now];
      for (const [key, column] of Object.entries(COLUMNS) as [keyof ClaimPatch, string][]) {
        if (patch[key] === undefined) continue;
        values.push(key === "sentMessageIds" ? JSON.stringify(patch[key]) : patch[key]);
        sets.push(`${column} = ?${values.length}`);
      }
      const [row] = await rows<ClaimRow>(
        sql(`UPDATE ${CLAIMS} SET ${sets.join(", ")} WHERE id = ?1 RETURNING *`, ...values),
      );
      return row ? claimFromRow(row) : undefined;
    },

    async listClaims(query = {}) {
      const limit = query.limit ?? 100;
      const claims = (await rows<ClaimRow>(listClaimsStatement(db, query))).map(claimFromRow).sort(claimOrder); // RETURNING gives rows in no promised order
      const last = claims[claims.length - 1];
      return { claims, next: claims.length >= limit && last ? cursorAfter(last) : undefined };
    },
  };
}

/**
 * The one statement of `listClaims`: a plain `SELECT`, or, with `leaseMs`, an `UPDATE` that
 * leases the claims it picks. SQLite runs a statement alone on the database's one writer, so two
 * backfill runs never pick the same claim: what `FOR UPDATE SKIP LOCKED` does in PostgreSQL.
 */
function listClaimsStatement(db: D1DatabaseLike, query: ClaimQuery): D1PreparedStatementLike {
  const now = query.now ?? Date.now();
  const conditions: string[] = [];
  const values: unknown[] = [];
  if (query.rewardId !== undefined) {
    values.push(query.rewardId);
    conditions.push(`reward_id = ?${values.length}`);
  }
  if (query.userId !== undefined) {
    values.push(query.userId);
    conditions.push(`user_id = ?${values.length}`);
  }
  if (query.after !== undefined) {
    const position = readCursor(query.after);
    values.push(position.createdAt, position.id);
    // SQLite compares text by bytes, as JavaScript compares these ids: the same order in every store.
    conditions.push(`(created_at, id) > (?${values.length - 1}, ?${values.length})`);
  }
  if (query.statuses) {
    values.push(...query.statuses);
    const first = values.length - query.statuses.length + 1;
    conditions.push(
      query.statuses.length === 0 ? "0" : `status IN (${query.statuses.map((_, i) => `?${first + i}`).join(", ")})`,
    );
  }
  if (query.createdBefore !== undefined) {
    values.push(query.createdBefore);
    conditions.push(`created_at < ?${values.length}`);
  }
  if (query.leaseMs !== undefined) {
    values.push(now);
    conditions.push(`lease_until <= ?${values.length}`);
  }
  values.push(query.limit ?? 100);
  const where = conditions.length > 0 ? `WHERE ${conditions.join(" AND ")}` : "";
  const select = `SELECT * FROM ${CLAIMS} ${where} ORDER BY created_at, id LIMIT ?${values.length}`;
  if (query.leaseMs === undefined) return db.prepare(select).bind(...values);
  values.push(now + query.leaseMs);
  return db
    .prepare(
      `UPDATE ${CLAIMS} SET lease_until = ?${values.length}
       WHERE id IN (${select.replace("SELECT *", "SELECT id")}) RETURNING *`,
    )
    .bind(...values);
}
