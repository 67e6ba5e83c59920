/**
 * A real process killed (SIGKILL) between claim and send, then LINE's redelivery to a second
 * process, then a backfill run: every user gets the reward exactly once.
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
import { type LineApiStandIn, startLineApi } from "../helpers/line-api.js";
import { envelope, SECRET, textEvent } from "../helpers/webhook.js";
import { REDIS_URL, targets } from "../stores/targets.js";

const RULES = `
version: 1
rewards:
  voice-gift:
    messages: [{ type: audio, originalContentUrl: "https://example.com/gift.m4a", duration: 60000 }]
rules:
  - { id: survey-gift, keywords: [プレゼント], reward: voice-gift }
`;
const fixture = fileURLToPath(new URL("./fixtures/bot-process.ts", import.meta.url));
const prefix = `lr-kill:${randomUUID()}:`;

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
  it("LINE redelivers to another process, backfill finishes: each user exactly once", async () => {
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

    // LINE redelivers what got no 200 (same event id, same token) to a healthy process.
    const second = await startBot([]);
    const unanswered = events.filter((_, i) => answers[i] !== 200);
    for (const event of unanswered) {
      expect(await deliver(second.url, { ...event, deliveryContext: { isRedelivery: true } })).toBe(200);
    }
    second.child.kill();

    const store = await createRedisStore({ url: REDIS_URL, prefix });
    const cron = createResponder({
      channelSecret: SECRET,
      rules: parseRuleSet(RULES),
      store,
      client: new messagingApi.MessagingApiClient({ channelAccessToken: "token", baseURL: api.baseURL }),
    });
    const report = await cron.backfill({ olderThan: 0 });
    // K3's claim was stored by the killed process: the redelivery found it (duplicate), backfill sent it.
    expect(report.results.map((r) => [r.claim.userId, r.outcome])).toEqual([["K3", "sent"]]);
    const claims = await store.listClaims({ limit: 100 });
    await store.close?.();
    expect(claims.map((c) => [c.userId, c.status]).sort()).toEqual(users.map((u) => [u, "sent"]).sort());
    const perUser = new Map<string, number>();
    for (const d of api.deliveries) perUser.set(d.to, (perUser.get(d.to) ?? 0) + 1);
    expect([...perUser.entries()].sort()).toEqual(users.map((u) => [u, 1]).sort());
  }, 60_000);
});
