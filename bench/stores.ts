/**
 * Store benchmark: reward claims per second for each store, one process, 64 concurrent claimers,
 * every claim a new user (the write path), then the same events again (the duplicate path), and
 * webhook event claims. Redis and PostgreSQL from REDIS_URL / DATABASE_URL (127.0.0.1 defaults).
 * D1 runs in Miniflare on this machine: its row says how local D1 behaves (one call at a time),
 * not what Cloudflare's D1 does in production, where every call also crosses the network.
 * Then PostgreSQL group commit against pgbench (one INSERT per commit, 64 clients): see
 * bench/postgres-group-commit.ts.
 *
 *   npm run bench:stores
 */
import { cpus } from "node:os";
import { createMemoryStore, createResponder, parseRuleSet } from "../src/index.js";
import { DATABASE_URL, targets } from "../test/stores/targets.js";
import { benchPostgresGroupCommit } from "./postgres-group-commit.js";
import { rate as rateOf } from "./rate.js";
import { benchRedisCluster } from "./redis-cluster.js";

const CLAIMS = 5000;
const CONCURRENCY = 64;

/** {@link rateOf} at this bench's concurrency, `CLAIMS` operations unless told. */
const rate = (task: (i: number) => Promise<unknown>, operations = CLAIMS) => rateOf(task, operations, CONCURRENCY);

/** Local D1 takes about 100 calls a second: fewer operations keep its row to a minute. */
const D1_OPERATIONS = 1000;

console.log(
  `# store benchmark: node ${process.version}, ${cpus().length} cores, ${CLAIMS} operations each, ${CONCURRENCY} concurrent\n`,
);
console.log(
  "| store | new claims/s | duplicate claims/s | event claims/s | event + claim/s | grants/s | listed claims/s |",
);
console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
for (const target of targets) {
  if (!target.available) {
    console.log(`| ${target.name} | skipped: ${target.skipReason} | | | | | |`);
    continue;
  }
  const data = await target.open();
  const store = await data.instance();
  const operations = target.name === "d1" ? D1_OPERATIONS : CLAIMS;
  const label =
    target.name === "d1"
      ? `d1 (Miniflare, local; not a production figure; ${operations.toLocaleString("en-US")} operations each)`
      : target.name;
  const claim = (i: number) =>
    store.claimReward({ rewardId: "gift", userId: `U${i}`, eventId: `e${i}`, limit: "once-per-user" });
  await rate(
    (i) => store.claimReward({ rewardId: "warm-up", userId: `U${i}`, eventId: `w${i}`, limit: "once-per-user" }),
    operations,
  );
  const fresh = await rate(claim, operations);
  const again = await rate(claim, operations);
  // What every webhook event costs the store: take it, then mark it done.
  const events = await rate(async (i) => {
    await store.beginEvent({ eventId: `01JBENCH${i}`, leaseMs: 60_000 });
    await store.finishEvent(`01JBENCH${i}`, 60_000);
  }, operations);
  // A keyword event: the event and its reward claimed in one step, then marked done.
  const keywordEvents = await rate(async (i) => {
    await store.beginEvent({
      eventId: `01JKEYWORD${i}`,
      leaseMs: 60_000,
      reward: { rewardId: "keyword-gift", userId: `K${i}`, limit: "once-per-user" },
    });
    await store.finishEvent(`01JKEYWORD${i}`, 60_000);
  }, operations);
  // responder.grant without LINE: the claim under limit and stock, its lease, and the push's records.
  const responder = createResponder({
    channelSecret: "bench",
    store,
    rules: parseRuleSet({
      version: 1,
      rewards: { apology: { messages: [{ type: "text", text: "sorry" }], stock: operations * 2 } },
      rules: [{ id: "apology", keywords: ["ごめん"], reward: "apology" }],
    }),
    client: { replyMessage: async () => ({}), pushMessage: async () => ({ sentMessages: [{ id: "1" }] }) },
  });
  const grants = await rate(
    (i) => responder.grant({ userId: `G${i}`, rewardId: "apology", reason: "bench", key: `g${i}` }),
    operations,
  );
  // Paging every claim the run made (about 4 x operations), 500 a page, as the claims command does.
  let listed = 0;
  const listStarted = performance.now();
  for (let after: string | undefined, first = true; first || after; first = false) {
    const page = await store.listClaims({ limit: 500, ...(after ? { after } : {}) });
    listed += page.claims.length;
    after = page.next;
  }
  const listRate = listed / ((performance.now() - listStarted) / 1000);
  const cells = [fresh, again, events, keywordEvents, grants, listRate].map((n) =>
    Math.round(n).toLocaleString("en-US"),
  );
  console.log(`| ${label} | ${cells.join(" | ")} |`);
  await data.cleanup();
}

// The memory store once its event table is full: taking an event must cost what it costs when the
// table is empty (eviction is O(1) amortized), not grow with maxEvents.
const FULL = 100_000;
async function memoryEventRate(prefill: number): Promise<number> {
  const store = createMemoryStore({ maxEvents: FULL });
  for (let i = 0; i < prefill; i++) await store.finishEvent(`fill${i}`, 60_000);
  const started = performance.now();
  for (let i = 0; i < CLAIMS * 4; i++) {
    await store.beginEvent({ eventId: `evict${i}`, leaseMs: 60_000 });
    await store.finishEvent(`evict${i}`, 60_000);
  }
  return (CLAIMS * 4) / ((performance.now() - started) / 1000);
}
const empty = await memoryEventRate(0);
const full = await memoryEventRate(FULL);
console.log(`\n| memory store, maxEvents ${FULL.toLocaleString("en-US")} | events/s | vs empty |`);
console.log("| --- | ---: | ---: |");
console.log(`| empty table | ${Math.round(empty).toLocaleString("en-US")} | 1.00x |`);
console.log(
  `| full table (every event evicts one) | ${Math.round(full).toLocaleString("en-US")} | ${(full / empty).toFixed(2)}x |`,
);

// PostgreSQL group commit against pgbench's one-insert-per-commit ceiling (bench/postgres-group-commit.ts).
if (targets.find((t) => t.name === "postgres")?.available) await benchPostgresGroupCommit(DATABASE_URL);
await benchRedisCluster();
