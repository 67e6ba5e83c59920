import { HTTPFetchError, messagingApi } from "@line/bot-sdk";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  createFetchClient,
  createMemoryStore,
  createResponder,
  type DeliveryOptions,
  parseRuleSet,
  type ResponderOptions,
  type RetryNotice,
  type RewardClaim,
  retryKeyOf,
  type Store,
} from "../../src/index.js";
import { uuidV5 } from "../../src/rewards/retry-key.js";
import { classifySendFailure } from "../../src/rewards/send-failure.js";
import { type LineApiStandIn, startLineApi } from "../helpers/line-api.js";
import { SECRET, textEvent } from "../helpers/webhook.js";

const rules = parseRuleSet(`
version: 1
rewards:
  voice-gift:
    messages:
      - { type: audio, originalContentUrl: "https://example.com/gift.m4a", duration: 60000 }
      - { type: text, text: "ありがとう" }
  coupon:
    messages: [{ type: coupon, couponId: "COUPON_1" }]
    stock: 2
rules:
  - { id: survey-gift, keywords: [プレゼント], reward: voice-gift }
  - { id: coupon, keywords: [クーポン], reward: coupon }
`);

let api: LineApiStandIn;
beforeAll(async () => {
  api = await startLineApi("token");
});
afterAll(() => api.close());
beforeEach(() => api.reset());

const fast: DeliveryOptions = { requestTimeoutMs: 150, retry: { baseDelayMs: 5, maxDelayMs: 2000, maxAttempts: 4 } };

function setup(options: Partial<ResponderOptions> = {}) {
  const store: Store = options.store ?? createMemoryStore();
  const retries: RetryNotice[] = [];
  const delivered: [string, string][] = [];
  const responder = createResponder({
    channelSecret: SECRET,
    rules,
    store,
    client: new messagingApi.MessagingApiClient({ channelAccessToken: "token", baseURL: api.baseURL }),
    delivery: fast,
    onRetry: (notice) => retries.push(notice),
    onDelivered: (claim, via) => delivered.push([claim.userId, via]),
    ...options,
  });
  const claims = async () => (await store.listClaims({ limit: 1000 })).claims;
  return { responder, store, retries, delivered, claims };
}

const pushes = () => api.requests.filter((r) => r === "POST /v2/bot/message/push").length;

describe("reward dispatch", () => {
  it("claims, then replies; a redelivery or a second keyword from the same user sends nothing more", async () => {
    const { responder, claims } = setup();
    const token = api.issueReplyToken("U1");
    const event = textEvent("プレゼント", { userId: "U1", replyToken: token });
    const [first] = await responder.handleEvents([event]);
    expect(first).toMatchObject({ status: "processed", sent: "reply", reward: { status: "sent", via: "reply" } });
    const [again] = await responder.handleEvents([{ ...event, deliveryContext: { isRedelivery: true } }]);
    expect(again).toMatchObject({ status: "duplicate" });
    const later = textEvent("ぷれぜんと！", { userId: "U1", replyToken: api.issueReplyToken("U1") });
    const [second] = await responder.handleEvents([later]);
    expect(second?.reward).toMatchObject({ status: "duplicate", claimId: "voice-gift:U1:1" });

    expect(api.deliveries.map((d) => [d.to, d.via, d.messages.length])).toEqual([["U1", "reply", 2]]);
    const [claim] = await claims();
    expect(claim).toMatchObject({ status: "sent", attempts: 1, unconfirmed: null });
    expect(claim?.sentMessageIds).toEqual(api.deliveries[0]?.sentMessageIds);
  });

  it("an expired reply token (400 on the first try) falls back to push with the claim's retry key", async () => {
    const { responder, claims } = setup();
    const token = api.issueReplyToken("U2", 0);
    const [outcome] = await responder.handleEvents([textEvent("プレゼント", { userId: "U2", replyToken: token })]);
    expect(outcome).toMatchObject({ sent: "push", reward: { status: "sent", via: "push" } });
    const [claim] = (await claims()) as [RewardClaim];
    expect(api.deliveries).toMatchObject([{ to: "U2", via: "push", retryKey: await retryKeyOf(claim) }]);
    expect(claim).toMatchObject({ status: "sent", attempts: 2, attemptEpoch: 0, unconfirmed: null });
  });

  it("a reply whose answer was lost is retried; LINE's 'Invalid reply token' then means the first got through", async () => {
    const { responder, retries, claims } = setup();
    api.failNext("reply", "timeout-after");
    const token = api.issueReplyToken("U3");
    const [outcome] = await responder.handleEvents([textEvent("プレゼント", { userId: "U3", replyToken: token })]);
    expect(outcome?.reward).toMatchObject({ status: "sent", via: "reply" });
    expect(retries.map((r) => [r.channel, r.failure.kind])).toEqual([["reply", "timeout"]]);
    expect(api.deliveries.map((d) => d.via)).toEqual(["reply"]);
    expect(pushes()).toBe(0);
    expect((await claims())[0]?.reason).toMatch(/earlier reply whose answer was lost/);
  });

  it("a reply that timed out but whose answer comes late is judged by that answer", async () => {
    const { responder, claims } = setup();
    api.faults = { rate: 0, kinds: [], hangMs: 250 };
    // Accepted, but too late for the timeout: the late answer's message ids are kept; no push.
    api.failNext("reply", "slow");
    const [accepted] = await responder.handleEvents([
      textEvent("プレゼント", { userId: "L1", replyToken: api.issueReplyToken("L1") }),
    ]);
    expect(accepted?.reward).toMatchObject({ status: "sent", via: "reply", reason: "a reply whose answer came late" });
    expect((await claims())[0]?.sentMessageIds).toEqual(api.deliveries[0]?.sentMessageIds);
    // Refused (the token was already used elsewhere), too late for the timeout: a definite no, so push.
    api.failNext("reply", "slow");
    const [refused] = await responder.handleEvents([
      textEvent("プレゼント", { userId: "L2", replyToken: api.issueReplyToken("L2", 0) }),
    ]);
    expect(refused?.reward).toMatchObject({ status: "sent", via: "push" });
    expect(api.deliveries.map((d) => [d.to, d.via])).toEqual([
      ["L1", "reply"],
      ["L2", "push"],
    ]);
  });

  it("a reply that stays unknown past the token's minute is pushed (ambiguousReply: push, the default)", async () => {
    const { responder } = setup({ delivery: { ...fast, replyWindowMs: 400 } });
    api.failNext("reply", "500-before", 20);
    const token = api.issueReplyToken("U4");
    const [outcome] = await responder.handleEvents([textEvent("プレゼント", { userId: "U4", replyToken: token })]);
    expect(outcome?.reward).toMatchObject({ status: "sent", via: "push" });
    expect(api.deliveries.map((d) => [d.to, d.via])).toEqual([["U4", "push"]]);
  });

  it("ambiguousReply: hold keeps such a claim for a person; backfill leaves it alone", async () => {
    const { responder, claims } = setup({ delivery: { ...fast, replyWindowMs: 300, ambiguousReply: "hold" } });
    const token = api.issueReplyToken("U5");
    api.failNext("reply", "500-before", 20);
    const [outcome] = await responder.handleEvents([textEvent("プレゼント", { userId: "U5", replyToken: token })]);
    expect(outcome?.reward).toMatchObject({
      status: "failed",
      reason: expect.stringMatching(/held by ambiguousReply/),
    });
    expect((await claims())[0]).toMatchObject({ status: "failed", unconfirmed: "reply" });
    const report = await responder.backfill({ olderThan: 0 });
    expect(report).toMatchObject({ held: 1, sent: 0 });
    expect(api.deliveries).toEqual([]);
  });

  it("a push whose answer was lost is retried with the same key; LINE's 409 counts as delivered", async () => {
    const { responder, retries, claims } = setup();
    api.failNext("push", "500-after");
    const token = api.issueReplyToken("U6", 0);
    const [outcome] = await responder.handleEvents([textEvent("プレゼント", { userId: "U6", replyToken: token })]);
    expect(outcome?.reward).toMatchObject({ status: "sent", via: "push" });
    expect(retries.map((r) => [r.channel, r.failure.kind])).toEqual([["push", "server-error"]]);
    expect(api.deliveries).toHaveLength(1);
    const [claim] = await claims();
    expect(claim).toMatchObject({ status: "sent", reason: expect.stringMatching(/409/) });
    expect(claim?.sentMessageIds).toEqual(api.deliveries[0]?.sentMessageIds);
  });

  it("429 waits at least the Retry-After LINE asked for", async () => {
    const { responder, retries } = setup();
    api.faults = { rate: 0, kinds: [], retryAfterSeconds: 1 };
    api.failNext("push", "429");
    const token = api.issueReplyToken("U7", 0);
    const [outcome] = await responder.handleEvents([textEvent("プレゼント", { userId: "U7", replyToken: token })]);
    expect(outcome?.reward).toMatchObject({ status: "sent", via: "push" });
    expect(retries).toHaveLength(1);
    expect(retries[0]?.failure.kind).toBe("rate-limited");
    expect(retries[0]?.delayMs).toBeGreaterThanOrEqual(1000);
  });

  it("a Retry-After beyond maxDelayMs ends the series as failed; backfill delivers it later", async () => {
    const { responder } = setup();
    api.faults = { rate: 0, kinds: [], retryAfterSeconds: 60 };
    api.failNext("push", "429");
    const token = api.issueReplyToken("U8", 0);
    const [outcome] = await responder.handleEvents([textEvent("プレゼント", { userId: "U8", replyToken: token })]);
    expect(outcome?.reward).toMatchObject({ status: "failed", reason: expect.stringMatching(/HTTP 429/) });
    expect(await responder.backfill({ olderThan: 0 })).toMatchObject({ sent: 1 });
    expect(api.deliveries.map((d) => d.to)).toEqual(["U8"]);
  });

  it("the monthly limit is recorded blocked-quota, not retried hot, and delivered once the quota is back", async () => {
    const { responder, retries } = setup();
    api.quota = 0;
    const users = ["Q1", "Q2", "Q3"];
    for (const userId of users) {
      const token = api.issueReplyToken(userId, 0);
      const [outcome] = await responder.handleEvents([textEvent("プレゼント", { userId, replyToken: token })]);
      expect(outcome?.reward).toMatchObject({
        status: "blocked-quota",
        reason: "HTTP 429: You have reached your monthly limit.",
      });
    }
    expect(retries).toEqual([]);
    expect(pushes()).toBe(3);
    expect(await responder.backfill({ olderThan: 0 })).toMatchObject({ results: [] });
    const blocked = await responder.backfill({ olderThan: 0, statuses: ["blocked-quota"], concurrency: 1 });
    expect(blocked).toMatchObject({ blockedQuota: 1, skipped: 2 });
    expect(pushes()).toBe(4);
    api.quota = 100;
    expect(await responder.backfill({ olderThan: 0, statuses: ["blocked-quota"] })).toMatchObject({ sent: 3 });
    expect(api.deliveries.map((d) => d.to).sort()).toEqual(users);
  });

  it("standby and stale events are deferred, never replied, and backfill pushes them", async () => {
    const { responder } = setup();
    const standby = textEvent("プレゼント", { userId: "S1", mode: "standby" });
    const stale = textEvent("プレゼント", { userId: "S2", timestamp: Date.now() - 25 * 60 * 1000 });
    const outcomes = await responder.handleEvents([standby, stale]);
    expect(
      outcomes.map((o) => [o.sent, o.reward?.status, o.reward && "reason" in o.reward && o.reward.reason]),
    ).toEqual([
      [null, "deferred", "standby: another channel is active, and LINE forbids sending"],
      [null, "deferred", "the reply window had passed"],
    ]);
    expect(api.requests).toEqual([]);
    expect(await responder.backfill({ olderThan: 60_000 })).toMatchObject({ results: [] });
    expect(await responder.backfill({ olderThan: 0 })).toMatchObject({ sent: 2 });
    // Backfill pushes several claims at once: the order of arrival is not the point.
    expect(api.deliveries.map((d) => `${d.to} ${d.via}`).sort()).toEqual(["S1 push", "S2 push"]);
  });

  it("stock: the first N users only", async () => {
    const { responder } = setup();
    const results = [];
    for (const userId of ["C1", "C2", "C3"]) {
      const token = api.issueReplyToken(userId);
      const [outcome] = await responder.handleEvents([textEvent("クーポン", { userId, replyToken: token })]);
      results.push(outcome?.reward?.status);
    }
    expect(results).toEqual(["sent", "sent", "out-of-stock"]);
    expect(api.deliveries.map((d) => d.messages[0])).toEqual([
      { type: "coupon", couponId: "COUPON_1" },
      { type: "coupon", couponId: "COUPON_1" },
    ]);
  });

  it("after a crash: a claim never sent is pushed; one whose push got through is answered 409 and counted", async () => {
    const store = createMemoryStore();
    const { responder, claims } = setup({ store });
    // What a process killed right after claiming leaves behind.
    await store.claimReward({ rewardId: "voice-gift", userId: "K1", eventId: "e-K1", limit: "once-per-user" });
    // And one killed after LINE accepted its push, before the answer was recorded.
    const { claim } = (await store.claimReward({
      rewardId: "voice-gift",
      userId: "K2",
      eventId: "e-K2",
      limit: "once-per-user",
    })) as { claim: RewardClaim };
    await store.updateClaim(claim.id, { attempts: 1, unconfirmed: "push" });
    const sdk = new messagingApi.MessagingApiClient({ channelAccessToken: "token", baseURL: api.baseURL });
    const messages = rules.rewards["voice-gift"]?.messages as messagingApi.Message[];
    await sdk.pushMessage({ to: "K2", messages }, await retryKeyOf(claim));

    const report = await responder.backfill({ olderThan: 0 });
    expect(report).toMatchObject({ sent: 2, failed: 0 });
    expect(api.deliveries.map((d) => d.to).sort()).toEqual(["K1", "K2"]);
    expect((await claims()).map((c) => [c.userId, c.status, c.unconfirmed])).toEqual([
      ["K1", "sent", null],
      ["K2", "sent", null],
    ]);
  });

  it("observers see claim, retry, delivery and give-up; a throwing observer does not stop delivery", async () => {
    const seen: string[] = [];
    const errors: unknown[] = [];
    const { responder } = setup({
      onMatch: () => {
        throw new Error("metrics down");
      },
      onClaim: (claim) => {
        seen.push(`claim ${claim.userId}`);
        throw new Error("observer bug");
      },
      onRetry: (n) => seen.push(`retry ${n.channel} ${n.failure.kind}`),
      onDelivered: (claim, via) => seen.push(`delivered ${claim.userId} ${via}`),
      onGiveUp: (claim) => seen.push(`give up ${claim.userId} ${claim.status}`),
      onError: (error) => errors.push(error),
    });
    api.failNext("reply", "429");
    await responder.handleEvents([textEvent("プレゼント", { userId: "O1", replyToken: api.issueReplyToken("O1") })]);
    api.quota = 0;
    await responder.handleEvents([textEvent("プレゼント", { userId: "O2", replyToken: api.issueReplyToken("O2", 0) })]);
    expect(seen).toEqual([
      "claim O1",
      "retry reply rate-limited",
      "delivered O1 reply",
      "claim O2",
      "give up O2 blocked-quota",
    ]);
    expect(errors.map((e) => (e as Error).message)).toEqual([
      "metrics down",
      "observer bug",
      "metrics down",
      "observer bug",
    ]);
  });

  it("refuses delivery options that cannot work, naming the option", () => {
    const make = (delivery: unknown) => () =>
      createResponder({ channelSecret: SECRET, delivery: delivery as DeliveryOptions });
    expect(make({ replyWindowMs: 0 })).toThrow("delivery.replyWindowMs must be a number above 0, not 0");
    expect(make({ retry: { maxAttempts: 1.5 } })).toThrow("delivery.retry.maxAttempts must be a whole number above 0");
    expect(make({ ambiguousReply: "twice" })).toThrow('delivery.ambiguousReply must be "push" or "hold", not "twice"');
  });

  it("backfill without a push-capable client says so", async () => {
    const responder = createResponder({ channelSecret: SECRET, rules });
    await expect(responder.backfill()).rejects.toThrow(/backfill needs a client with pushMessage/);
  });
});

describe("createFetchClient (fetch-only runtimes)", () => {
  it("replies and pushes with the retry key; its errors read like the SDK's", async () => {
    await api.reset();
    const client = createFetchClient({ channelAccessToken: "token", baseURL: api.baseURL });
    const { responder } = setup({ client });
    api.failNext("push", "500-after");
    const token = api.issueReplyToken("F1", 0);
    const [outcome] = await responder.handleEvents([textEvent("プレゼント", { userId: "F1", replyToken: token })]);
    expect(outcome?.reward).toMatchObject({ status: "sent", via: "push", reason: expect.stringMatching(/409/) });
    expect(api.deliveries).toHaveLength(1);
    const refused = await client.replyMessage({ replyToken: token, messages: [{ type: "text", text: "x" }] }).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(classifySendFailure(refused)).toMatchObject({ kind: "invalid-reply-token", status: 400 });
    expect(() => createFetchClient({ channelAccessToken: "" })).toThrow(/needs channelAccessToken/);
  });
});

describe("retry keys", () => {
  it("are UUID v5 (RFC 9562 test vector)", async () => {
    expect(await uuidV5("www.example.com", "6ba7b810-9dad-11d1-80b4-00c04fd430c8")).toBe(
      "2ed6657d-e927-568b-95e1-2665a8aea6a2",
    );
  });

  it("are the same for the same claim and attempt epoch, different otherwise", async () => {
    const base = { rewardId: "gift", userId: "U1", slot: 1, attemptEpoch: 0 };
    const key = await retryKeyOf(base);
    expect(key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(await retryKeyOf({ ...base })).toBe(key);
    const others = await Promise.all([
      retryKeyOf({ ...base, attemptEpoch: 1 }),
      retryKeyOf({ ...base, slot: 2 }),
      retryKeyOf({ ...base, userId: "U2" }),
      retryKeyOf({ ...base, rewardId: "gift2" }),
    ]);
    expect(new Set([key, ...others]).size).toBe(5);
  });
});

describe("send failures, as the SDK throws them", () => {
  const sdkError = (status: number, body: object | string, headers: Record<string, string> = {}) =>
    new HTTPFetchError(`${status}`, {
      status,
      statusText: "",
      headers: new Headers(headers),
      body: typeof body === "string" ? body : JSON.stringify(body),
    });

  it("tells definite from ambiguous", () => {
    expect(classifySendFailure(sdkError(400, { message: "Invalid reply token" })).kind).toBe("invalid-reply-token");
    expect(classifySendFailure(sdkError(400, { message: "The request body has 1 error(s)" })).kind).toBe("refused");
    expect(classifySendFailure(sdkError(429, { message: "You have reached your monthly limit." })).kind).toBe(
      "monthly-limit",
    );
    expect(classifySendFailure(sdkError(429, { message: "Too many requests" }, { "retry-after": "2" }))).toMatchObject({
      kind: "rate-limited",
      retryAfterMs: 2000,
    });
    expect(classifySendFailure(sdkError(503, "<html>Service Unavailable</html>"))).toMatchObject({
      kind: "server-error",
      message: "HTTP 503: <html>Service Unavailable</html>",
    });
    expect(
      classifySendFailure(sdkError(409, { message: "The retry key is already accepted", sentMessages: [{ id: "7" }] })),
    ).toMatchObject({ kind: "already-accepted", sentMessageIds: ["7"] });
    expect(classifySendFailure(new TypeError("fetch failed")).kind).toBe("network");
  });
});
