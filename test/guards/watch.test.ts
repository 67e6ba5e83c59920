// watchAccount against the emulator, on fake timers: the watch's clock is the test's, LINE's API is
// the emulator's real HTTP. Nothing here waits for real time.
import { messagingApi } from "@line/bot-sdk";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  type AccountClient,
  type Campaign,
  type LegacyState,
  type WatchNotice,
  watchAccount,
} from "../../src/modes.js";
import { type Emulator, startEmulator } from "../../src/testing/index.js";

const INTERVAL = 5 * 60_000;
const TOKEN = "watch-token";
const declared: LegacyState = { mode: "bot", webhook: true, autoResponse: true, greeting: true };
const campaigns: Campaign[] = [
  { id: "gift", answeredBy: "bot", from: Number.NEGATIVE_INFINITY, until: Number.POSITIVE_INFINITY },
];

let emulator: Emulator<"legacy">;
let notices: WatchNotice[];
beforeEach(async () => {
  emulator = await startEmulator({
    channelSecret: "secret",
    channelAccessToken: TOKEN,
    profile: "legacy",
    settings: declared,
    webhookUrl: "https://bot.example.com/webhook",
  });
  notices = [];
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout"] });
});
afterEach(async () => {
  vi.useRealTimers();
  await emulator.close();
});

const sdkClient = () => new messagingApi.MessagingApiClient({ channelAccessToken: TOKEN, baseURL: emulator.url });
const summary = () => notices.map((n) => [n.status, n.finding.code, n.finding.silenced.map((s) => s.campaign.id)]);

describe("watchAccount", () => {
  it("reports Bot -> Chat -> Bot once when it appears and once when it is repaired, nothing in between", async () => {
    const watch = watchAccount({
      client: sdkClient(),
      profile: "legacy",
      declared,
      campaigns,
      intervalMs: INTERVAL,
      random: () => 0.5, // no jitter
      onFinding: (notice) => {
        notices.push(notice);
      },
    });
    await watch.idle();
    expect([watch.checks, notices]).toEqual([1, []]);

    // In OA Manager, behind the library's back.
    emulator.operator({ type: "SWITCH_MODE", mode: "chat" });
    emulator.operator({ type: "SWITCH_MODE", mode: "bot" });
    await vi.advanceTimersByTimeAsync(INTERVAL);
    await watch.idle();
    expect(watch.checks).toBe(2);
    expect(summary()).toEqual([["appeared", "CAMPAIGN_SILENT", ["gift"]]]);
    expect(notices[0]?.finding.repairs.map((r) => r.action)).toEqual(["turn Webhook on"]);

    for (let i = 0; i < 3; i++) {
      await vi.advanceTimersByTimeAsync(INTERVAL);
      await watch.idle();
    }
    expect(watch.checks).toBe(5);
    expect(notices).toHaveLength(1);

    emulator.operator({ type: "SET_WEBHOOK", on: true });
    await vi.advanceTimersByTimeAsync(INTERVAL);
    await watch.idle();
    expect(summary()).toEqual([
      ["appeared", "CAMPAIGN_SILENT", ["gift"]],
      ["cleared", "CAMPAIGN_SILENT", ["gift"]],
    ]);
    expect(watch.open).toEqual([]);
    await watch.stop();
  });

  it("backs off on API errors, reports them once, and clears when the account can be read again", async () => {
    const real = sdkClient();
    let failing = false;
    const client: AccountClient = {
      getBotInfo: () => (failing ? Promise.reject(new Error("HTTP 503 Service Unavailable")) : real.getBotInfo()),
      getWebhookEndpoint: () => real.getWebhookEndpoint(),
    };
    const watch = watchAccount({
      client,
      profile: "legacy",
      declared,
      campaigns,
      intervalMs: INTERVAL,
      random: () => 0.5,
      onFinding: (notice) => {
        notices.push(notice);
      },
    });
    await watch.idle();
    failing = true;
    await vi.advanceTimersByTimeAsync(INTERVAL);
    await watch.idle();
    expect(summary()).toEqual([["appeared", "ACCOUNT_UNREADABLE", []]]);
    expect(notices[0]?.finding.message).toContain("HTTP 503 Service Unavailable");

    // One failure: the next check waits two intervals, not one.
    await vi.advanceTimersByTimeAsync(INTERVAL);
    await watch.idle();
    expect(watch.checks).toBe(2);
    await vi.advanceTimersByTimeAsync(INTERVAL);
    await watch.idle();
    expect(watch.checks).toBe(3);
    expect(notices).toHaveLength(1); // still failing: not reported again

    // Two failures: four intervals (the default cap).
    failing = false;
    await vi.advanceTimersByTimeAsync(3 * INTERVAL);
    await watch.idle();
    expect(watch.checks).toBe(3);
    await vi.advanceTimersByTimeAsync(INTERVAL);
    await watch.idle();
    expect(watch.checks).toBe(4);
    expect(summary()).toEqual([
      ["appeared", "ACCOUNT_UNREADABLE", []],
      ["cleared", "ACCOUNT_UNREADABLE", []],
    ]);

    // Readable again: back to one interval.
    await vi.advanceTimersByTimeAsync(INTERVAL);
    await watch.idle();
    expect(watch.checks).toBe(5);
    await watch.stop();
  });

  it("jitter moves each wait by up to a tenth of the interval, either way", async () => {
    const watch = watchAccount({
      client: sdkClient(),
      profile: "legacy",
      declared,
      campaigns,
      intervalMs: INTERVAL,
      random: () => 0, // the earliest: 0.9 intervals
      onFinding: () => {},
    });
    await watch.idle();
    await vi.advanceTimersByTimeAsync(0.9 * INTERVAL - 1);
    await watch.idle();
    expect(watch.checks).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    await watch.idle();
    expect(watch.checks).toBe(2);
    await watch.stop();
  });

  it("an exception in onFinding goes to onError and the watch goes on", async () => {
    emulator.operator({ type: "SET_WEBHOOK", on: false });
    const errors: unknown[] = [];
    const watch = watchAccount({
      client: sdkClient(),
      profile: "legacy",
      declared,
      campaigns,
      intervalMs: INTERVAL,
      onFinding: () => {
        throw new Error("pager down");
      },
      onError: (error) => errors.push(error),
    });
    await watch.idle();
    expect(errors).toEqual([new Error("pager down")]);
    expect(watch.open.map((f) => f.code)).toEqual(["CAMPAIGN_SILENT"]);
    await watch.stop();
  });

  it("refuses an interval that is not a positive number", () => {
    expect(() =>
      watchAccount({
        client: sdkClient(),
        declared: { chat: false, webhook: true, autoResponse: true, greeting: true },
        intervalMs: 0,
        onFinding: () => {},
      }),
    ).toThrow("intervalMs must be a positive number of milliseconds, not 0");
  });
});
