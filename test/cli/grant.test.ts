/**
 * `line-responder grant` and `claims` against the emulator and a real Redis: a dry run changes
 * nothing; --yes pushes with retry keys; the monthly quota stops a list cleanly and a rerun
 * finishes the rest with no double; claims lists who got what with totals.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../../src/testing/index.js";
import { runCli } from "../helpers/cli.js";
import { REDIS_URL, targets } from "../stores/targets.js";

const dir = mkdtempSync(join(tmpdir(), "lr-grant-"));
const rules = join(dir, "rules.yaml");
writeFileSync(
  rules,
  `version: 1
rewards:
  voice-gift:
    messages: [{ type: audio, originalContentUrl: "https://example.com/gift.m4a", duration: 60000 }]
    stock: 100
    soldOut: [{ type: text, text: "終了しました" }]
rules:
  - { id: gift, keywords: [プレゼント], reward: voice-gift }
`,
);
const users = Array.from({ length: 6 }, (_, i) => `Umissed${i}`);
const list = join(dir, "users.txt");
writeFileSync(list, `# users who wrote during the outage\n${users.join("\n")}\n\n`);
const prefix = `lr-grant:${randomUUID()}:`;
const store = `${REDIS_URL}?prefix=${encodeURIComponent(prefix)}`;

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ channelSecret: "secret", channelAccessToken: "token", quota: 3 });
});
afterAll(async () => {
  await emulator.close();
  const redis = new Redis(REDIS_URL);
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
});

const redis = targets.find((t) => t.name === "redis");
describe.skipIf(!redis?.available)("line-responder grant and claims", () => {
  const grant = (...extra: string[]) =>
    runCli(
      [
        "grant",
        "--rules",
        rules,
        "--store",
        store,
        "--reward",
        "voice-gift",
        "--users",
        list,
        "--api-base",
        emulator.url,
        ...extra,
      ],
      { LINE_CHANNEL_ACCESS_TOKEN: "token" },
    );
  const inbox = () => users.map((u) => emulator.inbox(u).length);

  it("a dry run says who would get what and what it costs, and changes nothing", async () => {
    const result = await grant();
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("dry run: nothing is sent (add --yes to send)");
    for (const user of users) expect(result.stdout).toMatch(new RegExp(`${user}\\s+push`));
    expect(result.stdout).toContain("reward voice-gift: 6 pushes (6 messages of the monthly quota)");
    expect(emulator.requests).toEqual([]);
    const claims = await runCli(["claims", "--store", store]);
    expect(claims.stdout).toContain("no claims");
  });

  it("--yes stops cleanly at the monthly quota; a rerun once it is back sends only the rest", async () => {
    const first = await grant("--yes", "--reason", "campaign went silent on 2019-08-05");
    expect(first.code).toBe(1);
    expect(first.stderr).toContain("the monthly message quota ran out; 3 not sent yet");
    // Grants go out four at a time, so which three users the quota let through is a race;
    // what holds is three users with one message each and three with none.
    const firstInbox = inbox();
    expect([...firstInbox].sort()).toEqual([0, 0, 0, 1, 1, 1]);
    const pushes = emulator.requests.filter((r) => r.path === "/v2/bot/message/push");
    expect(pushes.every((r) => typeof r.retryKey === "string")).toBe(true);

    emulator.quota = undefined;
    const rerun = await grant("--yes");
    expect(rerun.code).toBe(0);
    // Every user's claim came from the first run's grant key, the ones it sent and the ones it held.
    for (const user of users)
      expect(rerun.stdout).toMatch(new RegExp(`${user}\\s+sent \\(granted before by this key\\)`));
    expect(inbox()).toEqual([1, 1, 1, 1, 1, 1]);
    // A third run sends nothing more.
    expect((await grant("--yes")).code).toBe(0);
    expect(inbox()).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it("claims streams every claim (table, csv, json) with totals per reward and stock left", async () => {
    const table = await runCli(["claims", "--store", store, "--rules", rules]);
    expect(table.code).toBe(0);
    expect(
      table.stdout
        .trim()
        .split("\n")
        .filter((l) => l.includes("voice-gift:Umissed")),
    ).toHaveLength(6);
    expect(table.stdout).toMatch(
      /reward\s+sent\s+pending\s+failed\s+blocked by quota\s+held\s+stock left\nvoice-gift\s+6\s+0\s+0\s+0\s+0\s+94/,
    );
    const csv = await runCli(["claims", "--store", store, "--format", "csv", "--status", "sent"]);
    expect(csv.stdout.split("\n")[0]).toBe("id,rewardId,userId,status,createdAt,attempts,reason");
    expect(csv.stdout.trim().split("\n")).toHaveLength(7);
    expect(csv.stderr).toMatch(/voice-gift\s+6/);
    const json = await runCli(["claims", "--store", store, "--format", "json", "--user", "Umissed4"]);
    expect(
      json.stdout
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l).id),
    ).toEqual(["voice-gift:Umissed4:1"]);
  });

  it("usage mistakes are one line and exit 2; an unreachable store exits 3", async () => {
    const noToken = await runCli([
      "grant",
      "--rules",
      rules,
      "--store",
      store,
      "--reward",
      "voice-gift",
      "--user",
      "U1",
      "--yes",
    ]);
    expect(noToken).toMatchObject({ code: 2 });
    expect(noToken.stderr).toContain("grant --yes needs LINE_CHANNEL_ACCESS_TOKEN");
    const badScheme = await runCli(["claims", "--store", "mysql://db"]);
    expect(badScheme.code).toBe(2);
    expect(badScheme.stderr).toContain("--store must be a redis:// or postgres:// URL, not mysql://");
    const badStatus = await runCli(["claims", "--store", store, "--status", "done"]);
    expect(badStatus.code).toBe(2);
    const down = await runCli(["claims", "--store", "redis://127.0.0.1:1"]);
    expect(down.code).toBe(3);
    expect(down.stderr).toMatch(/^line-responder: cannot connect to Redis at redis:\/\/127\.0\.0\.1:1/);
    const unknown = await grant("--reward", "voice-gfit");
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('reward "voice-gfit" is not in');
  });
});
