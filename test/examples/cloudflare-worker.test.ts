/**
 * The Worker example as Cloudflare runs it: bundled like Wrangler does, served by Miniflare (the
 * workerd runtime, from npm) with a local D1 database migrated from sql/d1, and the testing kit's
 * emulator as LINE. 200 users each send both keywords; LINE drops a share of the bot's answers
 * (so it redelivers events the bot already handled) and fails a fifth of the sends; a fifth of
 * the events arrive too late for a reply. Then the cron trigger's backfill pushes what was left.
 * Every user holds the gift exactly once, exactly `stock` coupons went out, each delivered once.
 */
import { readdirSync, readFileSync } from "node:fs";
import { Miniflare } from "miniflare";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { D1DatabaseLike } from "../../src/stores/d1.js";
import { type Emulator, signBody, startEmulator, userId } from "../../src/testing/index.js";
import { bundleWorker } from "../helpers/worker-bundle.js";

const SECRET = "worker-channel-secret";
const TOKEN = "worker-token";
const STOCK = 100; // the coupon's stock in examples/cloudflare-worker/worker.ts
const USERS = 200;

/** The wrangler.toml value of `key`, so the test serves what the example configures. */
function wranglerValue(key: string): string {
  const toml = readFileSync(new URL("../../examples/cloudflare-worker/wrangler.toml", import.meta.url), "utf8");
  const match = toml.match(new RegExp(`^${key} = "([^"]+)"`, "m"));
  if (!match) throw new Error(`no ${key} in wrangler.toml`);
  return match[1] as string;
}

/** What wrangler d1 migrations apply runs: every shipped file, in order, statement by statement. */
async function applyMigrations(db: D1DatabaseLike): Promise<void> {
  const dir = new URL("../../sql/d1/", import.meta.url);
  for (const file of readdirSync(dir).sort()) {
    const text = readFileSync(new URL(file, dir), "utf8").replace(/^--.*$/gm, "");
    const statements = text.split(";").filter((s) => s.trim() !== "");
    await db.batch(statements.map((s) => db.prepare(s)));
  }
}

let mf: Miniflare;
let emulator: Emulator;
let db: D1DatabaseLike;
let webhookUrl: string;

beforeAll(async () => {
  emulator = await startEmulator({ channelSecret: SECRET, channelAccessToken: TOKEN, redelivery: true });
  mf = new Miniflare({
    modules: true,
    script: await bundleWorker({
      entry: new URL("../../examples/cloudflare-worker/worker.ts", import.meta.url).pathname,
    }),
    compatibilityDate: wranglerValue("compatibility_date"),
    d1Databases: { DB: "line-responder" },
    bindings: {
      LINE_CHANNEL_SECRET: SECRET,
      LINE_CHANNEL_ACCESS_TOKEN: TOKEN,
      LINE_API_BASE_URL: emulator.url,
      // The test does not wait the default two minutes before the cron's backfill may push.
      BACKFILL_OLDER_THAN_MS: "0",
    },
    unsafeDirectSockets: [{ port: 0 }],
  });
  await mf.ready;
  db = (await mf.getD1Database("DB")) as unknown as D1DatabaseLike;
  await applyMigrations(db);
  webhookUrl = new URL("/webhook", await mf.unsafeGetDirectURL()).href;
  emulator.webhookUrl = webhookUrl;
}, 60_000);

afterAll(async () => {
  await mf?.dispose();
  await emulator?.close();
});

const count = async (sql: string) => ((await db.prepare(sql).all<{ n: number }>()).results[0] as { n: number }).n;

describe("examples/cloudflare-worker on Miniflare with D1", () => {
  it("answers a signed webhook 200 and a bad signature 401", async () => {
    const body = JSON.stringify({ destination: "U0123456789abcdef0123456789abcdef", events: [] });
    const post = async (signature: string) =>
      (await fetch(webhookUrl, { method: "POST", body, headers: { "x-line-signature": signature } })).status;
    expect(await post(await signBody(SECRET, body))).toBe(200);
    expect(await post(await signBody("another-secret", body))).toBe(401);
  });

  it(`${USERS} users, redeliveries and 20% LINE faults: each user rewarded once, stock exact, the cron's backfill finishes the rest`, async () => {
    emulator.faults = [
      // LINE does not see the bot's answer: it redelivers an event the bot already handled.
      { endpoint: "webhook", rate: 0.25, drop: true },
      { endpoint: "*", rate: 0.05, status: 500 },
      { endpoint: "*", rate: 0.05, status: 500, afterEffect: true },
      { endpoint: "*", rate: 0.04, status: 429, retryAfterSeconds: 1 },
      { endpoint: "*", rate: 0.03, drop: true },
      { endpoint: "*", rate: 0.03, drop: true, afterEffect: true },
    ];
    const users = Array.from({ length: USERS }, (_, i) => userId(`worker-${i}`));
    const late = Date.now() - 25 * 60 * 1000; // past the reply window: these rewards wait for backfill
    const said: Awaited<ReturnType<Emulator["userSays"]>>[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < users.length) {
          const i = next++;
          const user = users[i] as string;
          const options = i % 5 === 0 ? { timestamp: late } : {};
          said.push(await emulator.userSays(user, "アンケートのプレゼントください", options));
          said.push(await emulator.userSays(user, "クーポンください", options));
        }
      }),
    );
    expect(said.filter((s) => s.deliveries > 1).length).toBeGreaterThan(0);

    // The late events' rewards (and any send that failed for good) wait in D1 for the cron.
    const unfinished =
      "SELECT count(*) AS n FROM line_responder_claims WHERE status IN ('pending', 'failed', 'deferred')";
    expect(await count(unfinished)).toBeGreaterThan(0);
    // The Worker's Fetcher, as the cron trigger calls it (Miniflare's types need workers-types for this method).
    const worker = (await mf.getWorker()) as unknown as { scheduled(options: { cron: string }): Promise<unknown> };
    for (let run = 0; run < 60 && (await count(unfinished)) > 0; run++) {
      await worker.scheduled({ cron: "* * * * *" });
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(await count(unfinished)).toBe(0);

    const claims = (
      await db.prepare("SELECT reward_id, user_id, status FROM line_responder_claims").all<{
        reward_id: string;
        user_id: string;
        status: string;
      }>()
    ).results;
    const gifts = claims.filter((c) => c.reward_id === "gift");
    const coupons = claims.filter((c) => c.reward_id === "coupon");
    expect(gifts.map((c) => c.user_id).sort()).toEqual([...users].sort());
    expect(coupons).toHaveLength(STOCK);
    expect(claims.every((c) => c.status === "sent")).toBe(true);

    const received = (user: string, text: string) =>
      emulator
        .inbox(user)
        .flatMap((entry) => entry.messages as { text?: string }[])
        .filter((m) => m.text?.includes(text)).length;
    for (const user of users) expect(received(user, "プレゼントです")).toBe(1);
    const couponHolders = new Set(coupons.map((c) => c.user_id));
    for (const user of users) expect(received(user, "クーポンはこちら")).toBe(couponHolders.has(user) ? 1 : 0);
  }, 240_000);
});
