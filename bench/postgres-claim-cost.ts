/**
 * What a new claim costs the PostgreSQL server, and where that cost is: the numbers behind the
 * group-commit ratio of `npm run bench:stores`. Needs the server on this machine (its CPU time is
 * read from `/proc`).
 *
 * 1. The batch function (`line_responder_claim_batch`) with 16, 64 and 128 new claims a call:
 *    server CPU per call, and the line through them: a fixed cost per call and a cost per claim.
 * 2. The same 64 new rows inserted into the claims table, in schemas migrated by the store, each
 *    with one more of the table's indexes dropped: what each index adds to a claim.
 *
 * Rounds are interleaved, each starting one place further along, and the median is kept.
 *
 *   npm run bench:pg-cost
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { DATABASE_URL, type StoreTarget, targets } from "../test/stores/targets.js";
import { median } from "./median.js";
import { serverCpu, serverCpuVisible } from "./postgres-cpu.js";

const ROUNDS = 5;
/** New claims a round sends to each batch size or table, enough for the 10 ms ticks of `/proc`. */
const CLAIMS_PER_ROUND = 12_800;
const BATCH_SIZES = [16, 64, 128];
const INSERT_ROWS = 64;

/** A LINE user id: `U` and 32 hex digits, random, so rows land all over the user-keyed indexes. */
const lineUserId = () => `U${randomBytes(16).toString("hex")}`;

/** `items` starting at position `by` (wrapping), so no table or size is always measured first. */
const rotated = <T>(items: readonly T[], by: number): T[] => [
  ...items.slice(by % items.length),
  ...items.slice(0, by % items.length),
];

/** One connection whose backend's CPU time can be read before and after a piece of work. */
async function measuredConnection(admin: pg.Client) {
  const name = `lr_bench_cost_${process.pid}`;
  const client = new pg.Client({ connectionString: DATABASE_URL, application_name: name });
  await client.connect();
  const cpu = serverCpu(admin, name);
  return {
    client,
    /** Server CPU µs that `work` cost this connection's backend. */
    async cpuUs(work: () => Promise<void>): Promise<number> {
      await cpu.sample();
      const before = cpu.totalMs();
      await work();
      await cpu.sample();
      return (cpu.totalMs() - before) * 1000;
    },
  };
}

const postgres = targets.find((t) => t.name === "postgres") as StoreTarget;

/** Cleanups of the schemas this run made, run at its end. */
const cleanups: (() => Promise<void>)[] = [];

/** A new PostgreSQL schema migrated by the store: the store tests' own target, dropped at the end. */
async function migratedSchema(): Promise<string> {
  const data = await postgres.open();
  cleanups.push(data.cleanup);
  await data.instance(); // migrates
  return data.schema as string;
}

/** The claims table's indexes, in the order they are dropped: plain ones, then unique ones, the primary key last. */
async function claimIndexes(admin: pg.Client, schema: string) {
  const { rows } = await admin.query<{
    name: string;
    definition: string;
    constraint: string | null;
    primary: boolean;
    unique: boolean;
  }>(
    `SELECT c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition, con.conname AS constraint,
            i.indisprimary AS primary, i.indisunique AS unique
     FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
     LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid
     WHERE i.indrelid = $1::regclass
     ORDER BY i.indisprimary, i.indisunique, c.relname DESC`,
    [`${schema}.line_responder_claims`],
  );
  return rows;
}

/** Part 1: server CPU per call of the batch function, by batch size, and the line through them. */
async function batchCost(admin: pg.Client): Promise<void> {
  const schema = await migratedSchema();
  const connection = await measuredConnection(admin);
  const call = `SELECT * FROM "${schema}".line_responder_claim_batch($1::text[], $2::boolean[], $3::bigint[], $4::text[], $5::text[], $6::float8[], $7::float8[], $8::bigint[])`;
  const perCall = new Map<number, number[]>(BATCH_SIZES.map((size) => [size, []]));
  try {
    for (let round = 0; round < ROUNDS; round++)
      for (const size of rotated(BATCH_SIZES, round)) {
        const calls = CLAIMS_PER_ROUND / size;
        const us = await connection.cpuUs(async () => {
          for (let k = 0; k < calls; k++) {
            const users = Array.from({ length: size }, lineUserId);
            const now = Date.now();
            const each = <T>(value: T) => users.map(() => value);
            await connection.client.query(call, [
              users.map((user) => `e-${user}`),
              each(false),
              each(0),
              each("gift"),
              users,
              each(1),
              each(null),
              each(now),
            ]);
          }
        });
        perCall.get(size)?.push(us / calls);
      }
  } finally {
    await connection.client.end();
  }
  const points = BATCH_SIZES.map((size) => ({ size, us: median(perCall.get(size) ?? []) }));
  // Least squares: server µs per call = fixed + perClaim * size.
  const meanSize = points.reduce((sum, p) => sum + p.size, 0) / points.length;
  const meanUs = points.reduce((sum, p) => sum + p.us, 0) / points.length;
  const perClaim =
    points.reduce((sum, p) => sum + (p.size - meanSize) * (p.us - meanUs), 0) /
    points.reduce((sum, p) => sum + (p.size - meanSize) ** 2, 0);
  const fixed = meanUs - perClaim * meanSize;
  console.log(`| new claims in one call | server CPU µs per call | µs per claim |`);
  console.log("| ---: | ---: | ---: |");
  for (const { size, us } of points) console.log(`| ${size} | ${Math.round(us)} | ${(us / size).toFixed(1)} |`);
  console.log(`\nFitted: ${Math.round(fixed)} µs per call, plus ${perClaim.toFixed(1)} µs per claim.\n`);
}

/** Part 2: the same insert into tables with fewer and fewer of the claims indexes. */
async function indexCost(admin: pg.Client): Promise<void> {
  const first = await migratedSchema();
  const indexes = await claimIndexes(admin, first);
  // Table k has the first k indexes of `indexes` dropped.
  const tables: { schema: string; kept: string }[] = [];
  for (let dropped = 0; dropped <= indexes.length; dropped++) {
    const schema = dropped === 0 ? first : await migratedSchema();
    for (const index of indexes.slice(0, dropped))
      await admin.query(
        index.constraint === null
          ? `DROP INDEX "${schema}"."${index.name}"`
          : `ALTER TABLE "${schema}".line_responder_claims DROP CONSTRAINT "${index.constraint}"`,
      );
    const kept = indexes.slice(dropped);
    tables.push({
      schema,
      kept: kept.length === 0 ? "none (the table alone)" : `${kept.length}: ${kept.map(describe).join(", ")}`,
    });
  }
  const connection = await measuredConnection(admin);
  const perClaim = tables.map(() => [] as number[]);
  try {
    for (let round = 0; round < ROUNDS; round++)
      for (const [t, { schema }] of rotated([...tables.entries()], round)) {
        const calls = CLAIMS_PER_ROUND / INSERT_ROWS;
        const us = await connection.cpuUs(async () => {
          for (let k = 0; k < calls; k++)
            await connection.client.query(
              `INSERT INTO "${schema}".line_responder_claims
                 (id, reward_id, user_id, slot, event_id, status, lease_until, created_at, updated_at)
               SELECT 'gift:' || u || ':1', 'gift', u, 1, 'e-' || u, 'pending', 0, $2, $2 FROM unnest($1::text[]) AS u`,
              [Array.from({ length: INSERT_ROWS }, lineUserId), Date.now()],
            );
        });
        perClaim[t]?.push(us / CLAIMS_PER_ROUND);
      }
  } finally {
    await connection.client.end();
  }
  const all = median(perClaim[0] ?? []);
  console.log(`| claims indexes kept (${INSERT_ROWS} new rows a statement) | server CPU µs per claim | vs all |`);
  console.log("| --- | ---: | ---: |");
  for (const [t, { kept }] of tables.entries()) {
    const us = median(perClaim[t] ?? []);
    console.log(`| ${kept} | ${us.toFixed(1)} | ${(us / all).toFixed(2)}x |`);
  }
}

/** An index as its columns, `unique` or `primary key` before them: `unique (reward_id, event_id)`. */
function describe(index: { name: string; definition: string; primary: boolean; unique: boolean }): string {
  const columns = /\((.*)\)$/.exec(index.definition)?.[1] ?? index.name;
  return `${index.primary ? "primary key " : index.unique ? "unique " : ""}(${columns})`;
}

const admin = new pg.Client({ connectionString: DATABASE_URL });
const reached = await admin.connect().then(
  () => true,
  (error: Error) => {
    console.log(
      `skipped: no PostgreSQL at ${DATABASE_URL.replace(/:[^:@/]*@/, ":***@")} (${error.message}); set DATABASE_URL`,
    );
    return false;
  },
);
if (reached)
  try {
    if (!(await serverCpuVisible(admin))) {
      console.log("skipped: the PostgreSQL server is not on this machine, so its CPU time cannot be read");
    } else {
      const { rows } = await admin.query<{ version: string; collation: string }>(
        "SELECT current_setting('server_version') AS version, datcollate AS collation FROM pg_database WHERE datname = current_database()",
      );
      console.log(
        `# PostgreSQL claim cost: server ${rows[0]?.version}, database collation ${rows[0]?.collation}, median of ${ROUNDS} interleaved rounds, ${CLAIMS_PER_ROUND.toLocaleString("en-US")} new claims a round each\n`,
      );
      await batchCost(admin);
      await indexCost(admin);
    }
  } finally {
    for (const cleanup of cleanups) await cleanup();
    await admin.end();
  }
