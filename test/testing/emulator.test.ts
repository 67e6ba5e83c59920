/**
 * The emulator is only worth having if it answers as LINE does. These tests drive it with the real
 * `@line/bot-sdk` client and check LINE's documented answers, and drive a real bot through it.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { HTTPFetchError, messagingApi } from "@line/bot-sdk";
import { afterEach, describe, expect, it } from "vitest";
import { createNodeHandler } from "../../src/adapters/node.js";
import { createResponder, parseRuleSet, retryKeyOf } from "../../src/index.js";
import { type Emulator, type EmulatorOptions, startEmulator } from "../../src/testing/emulator/emulator.js";
import { userId } from "../../src/testing/events.js";

const SECRET = "emulator-secret";
const TOKEN = "emulator-token";
const text = (t: string) => ({ type: "text" as const, text: t });

let emulators: Emulator<"current" | "legacy">[] = [];
let servers: Server[] = [];
afterEach(async () => {
  await Promise.all(emulators.map((e) => e.close()));
  await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  emulators = [];
  servers = [];
});

async function start<P extends "current" | "legacy" = "current">(options: Partial<EmulatorOptions<P>> = {}) {
  const emulator = await startEmulator<P>({ channelSecret: SECRET, channelAccessToken: TOKEN, ...options });
  emulators.push(emulator as Emulator<"current" | "legacy">);
  const client = new messagingApi.MessagingApiClient({ channelAccessToken: TOKEN, baseURL: emulator.url });
  return { emulator, client };
}

async function lineError(
  call: Promise<unknown>,
): Promise<{ status: number; body: Record<string, unknown>; headers: Headers }> {
  try {
    await call;
  } catch (error) {
    if (error instanceof HTTPFetchError) {
      return { status: error.status, body: JSON.parse(error.body), headers: error.headers };
    }
    throw error;
  }
  throw new Error("expected LINE to refuse the request");
}

/** A bot on a real node:http server, the way a user would run one. */
async function startBot(emulator: Emulator<"current" | "legacy">, rules: string) {
  const responder = createResponder({
    channelSecret: SECRET,
    rules: parseRuleSet(rules),
    client: new messagingApi.MessagingApiClient({ channelAccessToken: TOKEN, baseURL: emulator.url }),
    processBeforeResponse: true,
  });
  const server = createServer(createNodeHandler(responder));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  emulator.webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`;
  return responder;
}

const RULES = `
version: 1
rewards:
  gift:
    messages: [{ type: text, text: "ありがとう！" }]
rules:
  - { id: gift, keywords: [プレゼント], reward: gift }
`;

describe("the emulator, through the real SDK client", () => {
  it("checks the bearer token (401, LINE's message)", async () => {
    const { emulator } = await start();
    const wrong = new messagingApi.MessagingApiClient({ channelAccessToken: "nope", baseURL: emulator.url });
    const refused = await lineError(wrong.getBotInfo());
    expect(refused.status).toBe(401);
    expect(refused.body.message).toMatch(/Authentication failed/);
  });

  it("reply tokens: single use, a minute from delivery; the retry key is refused on reply", async () => {
    let clock = Date.parse("2026-11-25T10:00:00Z");
    const { emulator, client } = await start({ now: () => clock });
    const bodies: string[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        bodies.push(body);
        res.end("ok");
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    emulator.webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const user = userId("a");
    await emulator.userSays(user, "hello");
    await emulator.userSays(user, "again");
    const [first, second] = bodies.map((b) => JSON.parse(b).events[0].replyToken as string);

    const ok = await client.replyMessage({ replyToken: first as string, messages: [text("hi")] });
    expect(ok.sentMessages).toHaveLength(1);
    expect((await lineError(client.replyMessage({ replyToken: first as string, messages: [text("x")] }))).body).toEqual(
      {
        message: "Invalid reply token",
      },
    );
    clock += 60_000;
    expect((await lineError(client.replyMessage({ replyToken: second as string, messages: [text("x")] }))).status).toBe(
      400,
    );
    const withKey = await fetch(`${emulator.url}/v2/bot/message/reply`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${TOKEN}`,
        "content-type": "application/json",
        "x-line-retry-key": crypto.randomUUID(),
      },
      body: JSON.stringify({ replyToken: "x", messages: [text("x")] }),
    });
    expect(withKey.status).toBe(400);
    expect(emulator.inbox(user).map((e) => [e.via, e.messages])).toEqual([["reply", [text("hi")]]]);
  });

  it("push: the retry key is remembered 24 hours (409 with x-line-accepted-request-id and the sent messages)", async () => {
    let clock = Date.parse("2026-11-25T10:00:00Z");
    const { emulator, client } = await start({ now: () => clock });
    const to = userId("b");
    const key = crypto.randomUUID();
    const first = await client.pushMessageWithHttpInfo({ to, messages: [text("coupon")] }, key);
    const repeat = await lineError(client.pushMessage({ to, messages: [text("coupon")] }, key));
    expect(repeat.status).toBe(409);
    expect(repeat.body).toEqual({
      message: "The retry key is already accepted",
      sentMessages: first.body.sentMessages,
    });
    expect(repeat.headers.get("x-line-accepted-request-id")).toBe(first.httpResponse.headers.get("x-line-request-id"));
    clock += 24 * 60 * 60 * 1000;
    await client.pushMessage({ to, messages: [text("coupon")] }, key);
    expect(emulator.inbox(to)).toHaveLength(2);
    expect((await lineError(client.pushMessage({ to, messages: [text("x")] }, "not-a-uuid"))).status).toBe(400);
  });

  it("the monthly quota: pushes and multicasts count recipients; 429 when used up; quota endpoints agree", async () => {
    const { client } = await start({ quota: 3 });
    await client.pushMessage({ to: userId("c"), messages: [text("1")] });
    await client.multicast({ to: [userId("d"), userId("e")], messages: [text("2")] });
    const refused = await lineError(client.pushMessage({ to: userId("c"), messages: [text("3")] }));
    expect(refused).toMatchObject({ status: 429, body: { message: "You have reached your monthly limit." } });
    expect(await client.getMessageQuota()).toEqual({ type: "limited", value: 3 });
    expect(await client.getMessageQuotaConsumption()).toEqual({ totalUsage: 3 });
  });

  it("bodies are validated as LINE does: 400 with message and details", async () => {
    const { client } = await start();
    const six = Array.from({ length: 6 }, (_, i) => text(String(i)));
    const refused = await lineError(client.pushMessage({ to: userId("f"), messages: six }));
    expect(refused.status).toBe(400);
    expect(refused.body.message).toMatch(/The request body has \d+ error/);
    expect(refused.body.details).toEqual(expect.arrayContaining([expect.objectContaining({ property: "messages" })]));
  });

  it("bot info and the webhook endpoint follow the account's settings", async () => {
    const { emulator, client } = await start<"legacy">({ profile: "legacy", webhookUrl: "https://example.com/hook" });
    expect(await client.getBotInfo()).toMatchObject({ chatMode: "bot", markAsReadMode: "auto" });
    expect(await client.getWebhookEndpoint()).toEqual({ endpoint: "https://example.com/hook", active: true });
    expect(emulator.operator({ type: "SWITCH_MODE", mode: "chat" })).toMatchObject({ ok: true });
    expect(await client.getBotInfo()).toMatchObject({ chatMode: "chat", markAsReadMode: "manual" });
    expect(await client.getWebhookEndpoint()).toMatchObject({ active: false });
    await client.setWebhookEndpoint({ endpoint: "https://example.com/new" });
    expect(emulator.webhookUrl).toBe("https://example.com/new");
    expect((await lineError(client.setWebhookEndpoint({ endpoint: "http://insecure.example.com" }))).status).toBe(400);
  });

  it("coupons: create, list, get, close", async () => {
    const { client } = await start();
    const { couponId } = await client.createCoupon({
      title: "Survey thanks",
      startTimestamp: 1_700_000_000,
      endTimestamp: 1_900_000_000,
      timezone: "ASIA_TOKYO",
      visibility: "UNLISTED",
      maxUseCountPerTicket: 1,
      acquisitionCondition: { type: "normal" },
      reward: { type: "discount", priceInfo: { type: "fixed", fixedAmount: 100 } },
    } as Parameters<typeof client.createCoupon>[0]);
    expect((await client.listCoupon(new Set(["RUNNING", "CLOSED"]) as never)).items).toEqual([
      expect.objectContaining({ couponId, status: "RUNNING" }),
    ]);
    expect(await client.getCouponDetail(couponId)).toMatchObject({ couponId, title: "Survey thanks" });
    await client.closeCoupon(couponId);
    expect(await client.getCouponDetail(couponId)).toMatchObject({ status: "CLOSED" });
  });

  it("faults are seeded: the same seed fails the same requests", async () => {
    const run = async () => {
      const { client } = await start({ seed: 7, faults: [{ endpoint: "push", rate: 0.5, status: 500 }] });
      const statuses: number[] = [];
      for (let i = 0; i < 20; i++) {
        statuses.push(
          await client.pushMessage({ to: userId("g"), messages: [text("x")] }).then(
            () => 200,
            (e: HTTPFetchError) => e.status,
          ),
        );
      }
      return statuses;
    };
    const first = await run();
    expect(first).toContain(500);
    expect(first).toContain(200);
    expect(await run()).toEqual(first);
  });

  it("a request's fault depends on the request, not on when it arrived among concurrent ones", async () => {
    const keys = Array.from({ length: 24 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, "0")}`);
    const failedKeys = async (order: readonly string[]) => {
      const { client } = await start({ seed: 11, faults: [{ endpoint: "push", rate: 0.5, status: 500 }] });
      const failed = await Promise.all(
        order.map((key) =>
          client.pushMessage({ to: userId("i"), messages: [text("x")] }, key).then(
            () => undefined,
            () => key,
          ),
        ),
      );
      return failed.filter((key) => key !== undefined).sort();
    };
    const forward = await failedKeys(keys);
    expect(forward.length).toBeGreaterThan(0);
    expect(forward.length).toBeLessThan(keys.length);
    expect(await failedKeys([...keys].reverse())).toEqual(forward);
  });

  it("a 429 fault carries Retry-After; an after-effect fault delivers and then fails the answer", async () => {
    const { emulator, client } = await start({
      faults: [{ endpoint: "push", rate: 1, status: 500, afterEffect: true }],
    });
    const to = userId("h");
    const key = crypto.randomUUID();
    expect((await lineError(client.pushMessage({ to, messages: [text("x")] }, key))).status).toBe(500);
    expect(emulator.inbox(to)).toHaveLength(1);
    emulator.faults = [{ endpoint: "push", rate: 1, status: 429, retryAfterSeconds: 3 }];
    const limited = await lineError(client.pushMessage({ to, messages: [text("x")] }, key));
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("3");
    emulator.faults = [];
    expect((await lineError(client.pushMessage({ to, messages: [text("x")] }, key))).status).toBe(409);
  });

  it("refuses fault specs that mean nothing, naming the field", async () => {
    await expect(
      startEmulator({
        channelSecret: SECRET,
        channelAccessToken: TOKEN,
        faults: [{ endpoint: "push", rate: 2, status: 500 }],
      }),
    ).rejects.toThrow("faults[0].rate must be between 0 and 1");
  });
});

describe("the emulated account, with a real bot behind its webhook", () => {
  it("a user's keyword reaches the bot, which rewards by reply; the seed incident silences it", async () => {
    const { emulator } = await start<"legacy">({
      profile: "legacy",
      settings: { mode: "bot", webhook: true, autoResponse: true, greeting: true },
    });
    await startBot(emulator, RULES);
    const alice = userId("alice");
    expect(await emulator.userSays(alice, "ぷれぜんと")).toMatchObject({ webhook: "delivered", deliveries: 1 });
    expect(emulator.inbox(alice).map((e) => [e.via, e.messages])).toEqual([["reply", [text("ありがとう！")]]]);

    emulator.operator({ type: "SWITCH_MODE", mode: "chat" });
    emulator.operator({ type: "SWITCH_MODE", mode: "bot" });
    expect(emulator.settings).toEqual({ mode: "bot", webhook: false, autoResponse: false, greeting: true });
    const bob = userId("bob");
    expect(await emulator.userSays(bob, "プレゼント")).toMatchObject({ webhook: "off", deliveries: 0 });
    expect(emulator.inbox(bob)).toEqual([]);
    expect(emulator.unanswered).toEqual([expect.objectContaining({ userId: bob, text: "プレゼント" })]);
  });

  it("native auto-responses answer when auto-response is on and a native rule matches", async () => {
    const nativeRules = parseRuleSet(`
version: 1
rules:
  - { id: hours, keywords: [営業時間], reply: [{ type: text, text: "10時から19時です" }], answeredBy: native }
`);
    const { emulator } = await start({
      settings: { chat: false, webhook: false, autoResponse: true, greeting: true },
      nativeRules,
    });
    const carol = userId("carol");
    expect(await emulator.userSays(carol, "営業時間")).toMatchObject({
      webhook: "off",
      nativeReply: [text("10時から19時です")],
    });
    expect(emulator.inbox(carol).map((e) => e.via)).toEqual(["auto-response"]);
  });

  it("redelivers on a non-2xx answer when redelivery is on: same event id and token, isRedelivery true", async () => {
    const { emulator } = await start({ redelivery: true });
    const seen: { id: string; token: string; redelivery: boolean }[] = [];
    const server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => {
        body += c;
      });
      req.on("end", () => {
        const event = JSON.parse(body).events[0];
        seen.push({
          id: event.webhookEventId,
          token: event.replyToken,
          redelivery: event.deliveryContext.isRedelivery,
        });
        res.writeHead(seen.length < 3 ? 500 : 200).end();
      });
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    emulator.webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const result = await emulator.userSays(userId("dave"), "hi");
    expect(result).toMatchObject({ webhook: "delivered", deliveries: 3, statuses: [500, 500, 200] });
    expect(new Set(seen.map((s) => s.id)).size).toBe(1);
    expect(new Set(seen.map((s) => s.token)).size).toBe(1);
    expect(seen.map((s) => s.redelivery)).toEqual([false, true, true]);
  });

  it("a bot slower than the webhook timeout counts as failed, and is redelivered", async () => {
    const { emulator } = await start({ redelivery: true, webhookTimeoutMs: 100 });
    let calls = 0;
    const server = createServer((_req, res) => {
      calls++;
      setTimeout(() => res.end("ok"), calls === 1 ? 300 : 0);
    });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    emulator.webhookUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    expect(await emulator.userSays(userId("frank"), "hi")).toMatchObject({
      webhook: "delivered",
      statuses: ["error", 200],
    });
  });

  it("the webhook test endpoint posts an empty, signed event list to the bot", async () => {
    const { emulator, client } = await start();
    await startBot(emulator, RULES);
    expect(await client.testWebhookEndpoint({})).toMatchObject({ success: true, statusCode: 200 });
    emulator.webhookUrl = "http://127.0.0.1:1/nothing";
    expect(await client.testWebhookEndpoint({})).toMatchObject({ success: false, reason: "COULD_NOT_CONNECT" });
  });

  it("the control plane drives it over HTTP: a user says, their inbox, the operator's click", async () => {
    const { emulator } = await start<"legacy">({ profile: "legacy" });
    await startBot(emulator, RULES);
    const post = (path: string, body: unknown) =>
      fetch(`${emulator.url}${path}`, { method: "POST", body: JSON.stringify(body) }).then(async (r) => ({
        status: r.status,
        body: await r.json(),
      }));
    const user = encodeURIComponent(userId("gina"));
    expect(await post(`/emulator/users/${user}/messages`, { text: "プレゼント！" })).toMatchObject({
      status: 200,
      body: { webhook: "delivered" },
    });
    const inbox = await (await fetch(`${emulator.url}/emulator/users/${user}/inbox`)).json();
    expect(inbox).toEqual([expect.objectContaining({ via: "reply", messages: [text("ありがとう！")] })]);
    expect(await post("/emulator/operator", { type: "SWITCH_MODE", mode: "chat" })).toMatchObject({
      status: 200,
      body: { ok: true, state: { mode: "chat", webhook: false } },
    });
    expect(await post("/emulator/operator", { type: "SWITCH_MODE", mode: "sideways" })).toEqual({
      status: 400,
      body: {
        message: 'not a mode event (e.g. { "type": "SWITCH_MODE", "mode": "chat" }): mode: must be "bot" or "chat"',
      },
    });
    expect(await post(`/emulator/users/${user}/messages`, {})).toMatchObject({ status: 400 });
  });

  it("a push retried after a lost answer is answered 409 for the line-responder retry key", async () => {
    const { emulator, client } = await start();
    const claim = { rewardId: "gift", userId: userId("erin"), slot: 1, attemptEpoch: 0 };
    const key = await retryKeyOf(claim);
    emulator.faults = [{ endpoint: "push", rate: 1, drop: true, afterEffect: true }];
    await expect(client.pushMessage({ to: claim.userId, messages: [text("x")] }, key)).rejects.toThrow();
    emulator.faults = [];
    expect((await lineError(client.pushMessage({ to: claim.userId, messages: [text("x")] }, key))).status).toBe(409);
    expect(emulator.inbox(claim.userId)).toHaveLength(1);
  });
});
