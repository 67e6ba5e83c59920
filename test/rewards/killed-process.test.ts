/**
 * A real process killed (SIGKILL) between claim and send, then LINE's redeliveries to a second
 * process: the dead process's lease on the event runs out, the redelivery resumes the claim it
 * left, and every user gets the reward exactly once, by reply, with nothing left for backfill.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { once } from "node:events";
import { fileURLToPath } from "node:url";
import { messagingApi } from "@line/bot-sdk";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createResponder, parseRuleSet } from "../../src/index.js";
import { createRedisStore } from "../../src/stores/redis.js";
import { signBody } from "../../src/testing/index.js";
import { GIFT_CAMPAIGN_YAML } from "../helpers/gift-campaign.js";
import { type LineApiStandIn, startLineApi } from "../helpers/line-api.js";
import { envelope, SECRET, textEvent } from "../helpers/webhook.js";
import { REDIS_URL, targets } from "../stores/targets.js";

const RULES = GIFT_CAMPAIGN_YAML;
const fixture = fileURLToPath(new URL("./fixtures/bot-process.ts", import.meta.url));
const prefix = `lr-kill:${randomUUID()}:`;
const LEASE_MS = 1000;

let api: LineApiStandIn;
const children: ChildProcess[] = [];
beforeAll(async () => {
  api = await startLineApi("token");
});
afterAll(async () => {
  for (const child of children) child.kill("SIGKILL");
  await api.close();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

async function startBot(killAfterClaim: string[]): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", fixture], {
    env: {
      ...process.env,
      CHANNEL_SECRET: SECRET,
      RULES,
      REDIS_URL,
      PREFIX: prefix,
      LINE_API: api.baseURL,
      KILL_AFTER_CLAIM: killAfterClaim.join(","),
      PROCESSING_LEASE_MS: String(LEASE_MS),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  const [port] = (await once(child.stdout as NodeJS.ReadableStream, "data")) as [Buffer];
  return { child, url: `http://127.0.0.1:${port.toString().trim()}/` };
}

/** LINE's side of one webhook delivery: 200, another status, or no answer at all. */
async function deliver(url: string, event: ReturnType<typeof textEvent>): Promise<number | "no answer"> {
  const body = envelope(JSON.stringify(event));
  const signature = await signBody(SECRET, body);
  try {
    const res = await fetch(url, { method: "POST", body, headers: { "x-line-signature": signature } });
    return res.status;
  } catch {
    return "no answer";
  }
}

const redis = targets.find((t) => t.name === "redis");

describe.skipIf(!redis?.available)("a bot process killed between claim and send (SIGKILL, Redis store)", () => {
  it("LINE redelivers to another process, which resumes the claim the dead one left: each user exactly once", async () => {
    const users = Array.from({ length: 12 }, (_, i) => `K${i}`);
    const doomed = ["K3", "K8"];
    const events = users.map((userId) => textEvent("プレゼント", { userId, replyToken: api.issueReplyToken(userId) }));

    const first = await startBot(doomed);
    const exited = once(first.child, "exit");
    const answers: (number | "no answer")[] = [];
    for (const event of events) answers.push(await deliver(first.url, event));
    const [, signal] = (await exited) as [number | null, string | null];
    expect(signal).toBe("SIGKILL");
    // The first doomed user killed it; everyone after got no answer either.
    expect(answers.indexOf("no answer")).toBe(users.indexOf("K3"));

    // LINE redelivers what got no 200 (same event id, same token) to a healthy process, until it
    // answers 200. K3's event is held by the dead process until its lease runs out (500 until then).
    const second = await startBot([]);
    const unanswered = events.filter((_, i) => answers[i] !== 200);
    const statuses = new Map<string, (number | "no answer")[]>();
    for (const event of unanswered) {
      const seen: (number | "no answer")[] = [];
      statuses.set(event.source.userId, seen);
      for (let i = 0; i < 40 && seen.at(-1) !== 200; i++) {
        if (i > 0) await new Promise((resolve) => setTimeout(resolve, 100));
        seen.push(await deliver(second.url, { ...event, deliveryContext: { isRedelivery: true } }));
      }
      expect(seen.at(-1)).toBe(200);
    }
    second.child.kill();
    // Users after K3 were never recorded by the dead process: their first redelivery is served.
    expect(statuses.get("K4")).toEqual([200]);

    const store = await createRedisStore({ url: REDIS_URL, prefix, onWarning: () => {} });
    const cron = createResponder({
      channelSecret: SECRET,
      rules: parseRuleSet(RULES),
      store,
      client: new messagingApi.MessagingApiClient({ channelAccessToken: "token", baseURL: api.baseURL }),
    });
    const report = await cron.backfill({ olderThan: 0 });
    // K3's claim, stored by the killed process, was resumed by the redelivery: nothing is left.
    expect(report.results).toEqual([]);
    const claims = (await store.listClaims({ limit: 100 })).claims;
    await store.close?.();
    expect(claims.map((c) => [c.userId, c.status]).sort()).toEqual(users.map((u) => [u, "sent"]).sort());
    const perUser = new Map<string, number>();
    for (const d of api.deliveries) perUser.set(d.to, (perUser.get(d.to) ?? 0) + 1);
    expect([...perUser.entries()].sort()).toEqual(users.map((u) => [u, 1]).sort());
    // The redelivery's token was fresh, so even the resumed reward went out as a free reply.
    expect(api.deliveries.every((d) => d.via === "reply")).toBe(true);
  }, 60_000);
});
