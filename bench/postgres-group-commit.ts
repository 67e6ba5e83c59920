/**
 * PostgreSQL group commit against the database's own ceiling for one claim per commit: `pgbench`
 * running a single `INSERT ... ON CONFLICT DO NOTHING` per transaction with 64 clients (a pg loop
 * doing the same when pgbench is not installed), the store with group commit (the default), and the
 * store with `groupCommit: { maxBatch: 1 }` (each claim its own statement and commit), 64 concurrent
 * claimers each, every claim a new user. Rounds are interleaved and the best of each is kept: the
 * machine is shared, so the ratios are the result, not the absolute numbers. With the server on
 * this machine, each row also gets the CPU time one claim cost, client and server together
 * (bench/postgres-cpu.ts): on a shared machine the steadier figure.
 */
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { createPostgresStore, type GroupCommitOptions } from "../src/stores/postgres.js";
import { childrenCpuMs, ownCpuMs, serverCpu, serverCpuVisible } from "./postgres-cpu.js";

const CLIENTS = 64;
const CLAIMS = 5000;
const ROUNDS = 3;
const PGBENCH = "/usr/bin/pgbench";
const PGBENCH_SECONDS = 5;

interface Round {
  perSecond: number;
  /** p99 of one claim's latency, ms; pgbench reports only its average. */
  latencyMs: number;
  /** CPU µs one claim cost: the client process and its server backends. */
  cpuUs: number;
}

/** `url` with an `application_name`, so the run's backends can be told from other sessions'. */
const named = (url: string, name: string) => `${url}${url.includes("?") ? "&" : "?"}application_name=${name}`;

/** 64 claimers, `CLAIMS` new users: claims/s and p99 latency of one claim. */
async function storeRound(
  admin: pg.Client,
  url: string,
  schema: string,
  groupCommit: GroupCommitOptions,
  round: number,
): Promise<Round> {
  const name = `lr_bench_store_${process.pid}_${round}`;
  const server = serverCpu(admin, name);
  const store = await createPostgresStore({ url: named(url, name), schema, groupCommit });
  try {
    const cpuBefore = ownCpuMs();
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
    const clientMs = ownCpuMs() - cpuBefore;
    await server.sample(); // the pool's connections are still open
    latencies.sort((a, b) => a - b);
    return {
      perSecond,
      latencyMs: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
      cpuUs: ((clientMs + server.totalMs()) * 1000) / CLAIMS,
    };
  } finally {
    await store.close?.();
  }
}

/** The same single-statement transaction as the pgbench script, from 64 pg clients. */
async function pgLoopRound(admin: pg.Client, url: string, schema: string, round: number): Promise<Round> {
  const name = `lr_bench_loop_${process.pid}_${round}`;
  const server = serverCpu(admin, name);
  const clients = await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      const client = new pg.Client({ connectionString: named(url, name) });
      await client.connect();
      return client;
    }),
  );
  try {
    const latencies: number[] = [];
    let next = 0;
    const cpuBefore = ownCpuMs();
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
    const perSecond = CLAIMS / ((performance.now() - started) / 1000);
    const clientMs = ownCpuMs() - cpuBefore;
    await server.sample();
    latencies.sort((a, b) => a - b);
    return {
      perSecond,
      latencyMs: latencies[Math.floor(latencies.length * 0.99)] ?? 0,
      cpuUs: ((clientMs + server.totalMs()) * 1000) / CLAIMS,
    };
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}

async function pgbenchRound(admin: pg.Client, url: string, script: string, round: number): Promise<Round> {
  const name = `lr_bench_pgbench_${process.pid}_${round}`;
  const server = serverCpu(admin, name);
  const childrenBefore = childrenCpuMs();
  const { stdout } = await server.follow(
    promisify(execFile)(PGBENCH, ["-n", `-c${CLIENTS}`, "-j2", `-T${PGBENCH_SECONDS}`, "-f", script, named(url, name)]),
  );
  const transactions = /number of transactions actually processed: (\d+)/.exec(stdout)?.[1];
  const tps = /tps = ([\d.]+) \(without initial connection time\)/.exec(stdout)?.[1];
  const latency = /latency average = ([\d.]+) ms/.exec(stdout)?.[1];
  if (tps === undefined || transactions === undefined) throw new Error(`pgbench printed no tps:\n${stdout}`);
  // pgbench's own CPU (its threads), once it has exited, and its 64 backends'.
  const cpuMs = childrenCpuMs() - childrenBefore + server.totalMs();
  return { perSecond: Number(tps), latencyMs: Number(latency), cpuUs: (cpuMs * 1000) / Number(transactions) };
}

/** Prints the group-commit table: claims/s, the ratio to pgbench, p99 latency. */
export async function benchPostgresGroupCommit(url: string): Promise<void> {
  const schema = `lr_bench_${randomUUID().replace(/-/g, "").slice(0, 12)}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  const folder = mkdtempSync(join(tmpdir(), "lr-pgbench-"));
  const script = join(folder, "claim.sql");
  const withPgbench = existsSync(PGBENCH);
  const cpuVisible = await serverCpuVisible(admin);
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
      best.ceiling.push(
        withPgbench ? await pgbenchRound(admin, url, script, round) : await pgLoopRound(admin, url, schema, round),
      );
      best.grouped.push(await storeRound(admin, url, schema, {}, round));
      best.alone.push(await storeRound(admin, url, schema, { maxBatch: 1 }, round));
    }
    const top = (rounds: Round[]) => rounds.reduce((a, b) => (b.perSecond > a.perSecond ? b : a));
    // CPU time: the least of the rounds, the one the other jobs on the machine disturbed least.
    const leastCpu = (rounds: Round[]) => Math.min(...rounds.map((r) => r.cpuUs));
    const ceiling = top(best.ceiling);
    const ceilingCpu = leastCpu(best.ceiling);
    const row = (name: string, rounds: Round[], latency: (r: Round) => string) => {
      const r = top(rounds);
      const cpu = leastCpu(rounds);
      const cpuCells = cpuVisible ? ` ${Math.round(cpu)} | ${(ceilingCpu / cpu).toFixed(2)}x |` : "";
      console.log(
        `| ${name} | ${Math.round(r.perSecond).toLocaleString("en-US")} | ${(r.perSecond / ceiling.perSecond).toFixed(2)}x | ${latency(r)} |${cpuCells}`,
      );
    };
    const versus = withPgbench ? "pgbench" : "pg loop";
    console.log(
      `\n| PostgreSQL, ${CLIENTS} concurrent, best of ${ROUNDS} interleaved rounds | claims/s | vs ${versus} | claim latency |${cpuVisible ? ` CPU µs per claim (client + server, least) | claims per CPU-second vs ${versus} |` : ""}`,
    );
    console.log(`| --- | ---: | ---: | ---: |${cpuVisible ? " ---: | ---: |" : ""}`);
    row(
      withPgbench
        ? `pgbench: one INSERT ... ON CONFLICT DO NOTHING per transaction, ${CLIENTS} clients`
        : `pg loop (no pgbench): one INSERT ... ON CONFLICT DO NOTHING per statement, ${CLIENTS} clients`,
      best.ceiling,
      (r) => (withPgbench ? `${r.latencyMs.toFixed(1)} ms average` : `${r.latencyMs.toFixed(1)} ms p99`),
    );
    row("store, group commit (default)", best.grouped, (r) => `${r.latencyMs.toFixed(1)} ms p99`);
    row(
      "store, groupCommit: { maxBatch: 1 } (one commit per claim)",
      best.alone,
      (r) => `${r.latencyMs.toFixed(1)} ms p99`,
    );
  } finally {
    rmSync(folder, { recursive: true, force: true });
    await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await admin.end();
  }
}
