/**
 * Store benchmark: reward claims per second for each store, one process, 64 concurrent claimers,
 * every claim a new user (the write path), then the same events again (the duplicate path), and
 * webhook event claims. Redis and PostgreSQL from REDIS_URL / DATABASE_URL (127.0.0.1 defaults).
 *
 *   npm run bench:stores
 */
import { cpus } from "node:os";
import { targets } from "../test/stores/targets.js";

const CLAIMS = 5000;
const CONCURRENCY = 64;

async function rate(task: (i: number) => Promise<unknown>): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < CLAIMS) await task(next++);
    }),
  );
  return CLAIMS / ((performance.now() - started) / 1000);
}

console.log(
  `# store benchmark: node ${process.version}, ${cpus().length} cores, ${CLAIMS} operations each, ${CONCURRENCY} concurrent\n`,
);
console.log("| store | new claims/s | duplicate claims/s | event claims/s |");
console.log("| --- | ---: | ---: | ---: |");
for (const target of targets) {
  if (!target.available) {
    console.log(`| ${target.name} | skipped: ${target.skipReason} | | |`);
    continue;
  }
  const data = await target.open();
  const store = await data.instance();
  const claim = (i: number) =>
    store.claimReward({ rewardId: "gift", userId: `U${i}`, eventId: `e${i}`, limit: "once-per-user" });
  await rate((i) =>
    store.claimReward({ rewardId: "warm-up", userId: `U${i}`, eventId: `w${i}`, limit: "once-per-user" }),
  );
  const fresh = await rate(claim);
  const again = await rate(claim);
  // What every webhook event costs the store: take it, then mark it done.
  const events = await rate(async (i) => {
    await store.beginEvent({ eventId: `01JBENCH${i}`, leaseMs: 60_000 });
    await store.finishEvent(`01JBENCH${i}`, 60_000);
  });
  console.log(
    `| ${target.name} | ${Math.round(fresh).toLocaleString("en-US")} | ${Math.round(again).toLocaleString("en-US")} | ${Math.round(events).toLocaleString("en-US")} |`,
  );
  await data.cleanup();
}
