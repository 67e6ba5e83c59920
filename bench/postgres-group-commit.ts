/**
 * PostgreSQL group commit against the database's own ceiling for one claim per commit: `pgbench`
 * running a single `INSERT ... ON CONFLICT DO NOTHING` per transaction with 64 clients (a pg loop
 * doing the same when pgbench is not installed), the store with group commit (the default), and the
 * store with `groupCommit: { maxBatch: 1 }` (each claim its own statement and commit), 64 concurrent
 * claimers each, every claim a new user. Rounds are interleaved and the best of each is kept: the
 * machine is shared, so the ratios are the result, not the absolute numbers.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { createPostgresStore, type GroupCommitOptions } from "../src/stores/postgres.js";

const CLIENTS = 64;
const CLAIMS = 5000;
const ROUNDS = 3;
const PGBENCH = "/usr/bin/pgbench";
const PGBENCH_SECONDS = 5;

interface Round {
  perSecond: number;
  /** p99 of one claim's latency, ms; pgbench reports only its average. */
  latencyMs: number;
}

/** 64 claimers, `CLAIMS` new users: claims/s and p99 latency of one claim. */
async function storeRound(url: string, schema: string, groupCommit: GroupCommitOptions, round: number) {
  const store = await createPostgresStore({ url, schema, groupCommit });
  try {
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        for (let i = next++; i < CLAIMS; i = next++) {
          const begun = performance.now();
          await store.claimReward({
            rewardId: "gift",
            userId: `U${round}-${groupCommit.maxBatch}-${i}`,
            eventId: `e${round}-${groupCommit.maxBatch}-${i}`,
            limit: "once-per-user",
          });
          latencies.push(performance.now() - begun);
        }
      }),
    );
    const perSecond = CLAIMS / ((performance.now() - started) / 1000);
    latencies.sort((a, b) => a - b);
    return { perSecond, latencyMs: latencies[Math.floor(latencies.length * 0.99)] ?? 0 };
  } finally {
    await store.close?.();
  }
}

/** The same single-statement transaction as the pgbench script, from 64 pg clients. */
async function pgLoopRound(url: string, schema: string, round: number): Promise<Round> {
  const clients = await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      return client;
    }),
  );
  try {
    const latencies: number[] = [];
    let next = 0;
    const started = performance.now();
    await Promise.all(
      clients.map(async (client) => {
        for (let i = next++; i < CLAIMS; i = next++) {
          const begun = performance.now();
          await client.query(`INSERT INTO ${schema}.ceiling (id) VALUES ($1) ON CONFLICT DO NOTHING`, [
            `${round}-${i}`,
          ]);
          latencies.push(performance.now() - begun);
        }
      }),
    );
    latencies.sort((a, b) => a - b);
    return {
      perSecond: CLAIMS / ((performance.now() - started) / 1000),
      latencyMs: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
    };
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

async function pgbenchRound(url: string, script: string): Promise<Round> {
  const { stdout } = await promisify(execFile)(PGBENCH, [
    "-n",
    `-c${CLIENTS}`,
    "-j2",
    `-T${PGBENCH_SECONDS}`,
    "-f",
    script,
    url,
  ]);
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout)?.[1];
  const latency = /latency average = ([\d.]+) ms/.exec(stdout)?.[1];
  if (tps === undefined) throw new Error(`pgbench printed no tps:\n${stdout}`);
  return { perSecond: Number(tps), latencyMs: Number(latency) };
}

/** Prints the group-commit table: claims/s, the ratio to pgbench, p99 latency. */
export async function benchPostgresGroupCommit(url: string): Promise<void> {
  const schema = `lr_bench_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const folder = mkdtempSync(join(tmpdir(), "lr-pgbench-"));
  const script = join(folder, "claim.sql");
  const withPgbench = existsSync(PGBENCH);
  try {
    await admin.query(`CREATE SCHEMA ${schema}`);
    await admin.query(`CREATE TABLE ${schema}.ceiling (id text PRIMARY KEY)`);
    writeFileSync(
      script,
      `\\set k random(1, 2000000000)\nINSERT INTO ${schema}.ceiling (id) VALUES ('k' || :k || '-' || :client_id) ON CONFLICT DO NOTHING;\n`,
    );
    const setup = await createPostgresStore({ url, schema });
    await setup.migrate();
    await setup.close?.();

    const best = { ceiling: [] as Round[], grouped: [] as Round[], alone: [] as Round[] };
    for (let round = 0; round < ROUNDS; round++) {
      best.ceiling.push(withPgbench ? await pgbenchRound(url, script) : await pgLoopRound(url, schema, round));
      best.grouped.push(await storeRound(url, schema, {}, round));
      best.alone.push(await storeRound(url, schema, { maxBatch: 1 }, round));
    }
    const top = (rounds: Round[]) => rounds.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
    const ceiling = top(best.ceiling);
    const row = (name: string, r: Round, latency: string) =>
      console.log(
        `| ${name} | ${Math.round(r.perSecond).toLocaleString("en-US")} | ${(r.perSecond / ceiling.perSecond).toFixed(2)}x | ${latency} |`,
      );
    console.log(
      `\n| PostgreSQL, ${CLIENTS} concurrent, best of ${ROUNDS} interleaved rounds | claims/s | vs ${withPgbench ? "pgbench" : "pg loop"} | claim latency |`,
    );
    console.log("| --- | ---: | ---: | ---: |");
    row(
      withPgbench
        ? `pgbench: one INSERT ... ON CONFLICT DO NOTHING per transaction, ${CLIENTS} clients`
        : `pg loop (no pgbench): one INSERT ... ON CONFLICT DO NOTHING per statement, ${CLIENTS} clients`,
      ceiling,
      withPgbench ? `${ceiling.latencyMs.toFixed(1)} ms average` : `${ceiling.latencyMs.toFixed(1)} ms p99`,
    );
    const grouped = top(best.grouped);
    row("store, group commit (default)", grouped, `${grouped.latencyMs.toFixed(1)} ms p99`);
    const alone = top(best.alone);
    row("store, groupCommit: { maxBatch: 1 } (one commit per claim)", alone, `${alone.latencyMs.toFixed(1)} ms p99`);
  } finally {
    rmSync(folder, { recursive: true, force: true });
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}
