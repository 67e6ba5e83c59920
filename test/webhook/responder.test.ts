import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { messagingApi, middleware } from "@line/bot-sdk";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createResponder, parseRuleSet } from "../../src/index.js";
import { signBody } from "../../src/testing/index.js";
import { type LineApiStandIn, startLineApi } from "../helpers/line-api.js";
import { envelope, eventId, SECRET, textEventJson } from "../helpers/webhook.js";

let api: LineApiStandIn;
beforeAll(async () => {
  api = await startLineApi("token");
});
afterAll(() => api.close());

const rules = parseRuleSet(`
version: 1
rewards:
  gift: { messages: [{ type: text, text: "🎁" }] }
rules:
  - id: coupon
    match: contains
    keywords: [クーポン]
    reply: [{ type: text, text: "クーポンはこちら" }]
  - id: gift
    keywords: [プレゼント]
    reward: gift
`);
const client = () => new messagingApi.MessagingApiClient({ channelAccessToken: "token", baseURL: api.baseURL });
/** A reply token LINE issued for the user of `textEventJson`. */
const token = (name: string) => api.issueReplyToken("U4af4980629e0d9c3e2f5d8a5b1c2d3e4", undefined, name);

async function post(responder: ReturnType<typeof createResponder>, ...events: string[]) {
  const body = envelope(...events);
  return responder.handle({ body, signature: await signBody(SECRET, body) });
}

describe("the pipeline", () => {
  it("answers a matched rule's reply with the reply token, through the real SDK client", async () => {
    await api.reset();
    const responder = createResponder({ channelSecret: SECRET, rules, client: client() });
    await post(responder, textEventJson("ｸｰﾎﾟﾝください！", { replyToken: token("token-1") }));
    await responder.drain();
    expect(api.replies).toEqual([{ replyToken: "token-1", messages: [{ type: "text", text: "クーポンはこちら" }] }]);
  });

  it("reports per event what it did: matched, sent, skipped, duplicate", async () => {
    const responder = createResponder({ channelSecret: SECRET, rules, client: client() });
    const id = eventId();
    const events = [
      textEventJson("クーポン", { id, replyToken: token("r1") }),
      textEventJson("プレゼント", { replyToken: token("r2") }),
      textEventJson("こんにちは", { replyToken: token("r3") }),
    ].map((e) => JSON.parse(e));
    const standby = { ...JSON.parse(textEventJson("クーポン")), mode: "standby" };
    const outcomes = await responder.handleEvents([...events, standby]);
    expect(outcomes.map(({ status, ruleId, sent, skipped }) => ({ status, ruleId, sent, skipped }))).toEqual([
      { status: "processed", ruleId: "coupon", sent: "reply", skipped: undefined },
      { status: "processed", ruleId: "gift", sent: "reply", skipped: undefined },
      { status: "processed", ruleId: undefined, sent: null, skipped: undefined },
      { status: "processed", ruleId: "coupon", sent: null, skipped: "standby" },
    ]);
    const again = await responder.handleEvents([{ ...events[0], deliveryContext: { isRedelivery: true } }]);
    // A duplicate was not worked on: it carries no sent, reward or rule fields.
    expect(again[0]).toEqual({ webhookEventId: id, type: "message", status: "duplicate" });
  });

  it("handleEvents checks events from other parsers too", async () => {
    const responder = createResponder({ channelSecret: SECRET });
    const [outcome] = await responder.handleEvents([{ type: "message", webhookEventId: "x" }]);
    expect(outcome).toMatchObject({ status: "failed", webhookEventId: "x" });
    expect(outcome?.error).toMatch(/^not a LINE webhook event: /);
  });

  it("slots into a bot that already uses the SDK's middleware(), in one line", async () => {
    await api.reset();
    const responder = createResponder({ channelSecret: SECRET, rules, client: client() });
    const app = express();
    app.post("/webhook", middleware({ channelSecret: SECRET }), async (req, res) => {
      res.json(await responder.handleEvents(req.body.events));
    });
    const server = createServer(app);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const body = envelope(textEventJson("クーポン🎁", { replyToken: token("sdk-token") }));
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/webhook`, {
      method: "POST",
      body,
      headers: { "content-type": "application/json", "x-line-signature": await signBody(SECRET, body) },
    });
    const outcomes = await res.json();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    expect(outcomes).toMatchObject([{ status: "processed", ruleId: "coupon", sent: "reply" }]);
    expect(api.replies.map((r) => r.replyToken)).toEqual(["sdk-token"]);
  });

  it("processBeforeResponse: a failed event answers 500 and is processed again when redelivered", async () => {
    await api.reset();
    const errors: unknown[] = [];
    const responder = createResponder({
      channelSecret: SECRET,
      rules,
      client: client(),
      processBeforeResponse: true,
      onError: (e) => errors.push(e),
    });
    const id = eventId();
    api.failNextReply();
    expect((await post(responder, textEventJson("クーポン", { id, replyToken: token("t1") }))).status).toBe(500);
    expect(errors).toHaveLength(1);
    expect((await post(responder, textEventJson("クーポン", { id, replyToken: "t1", redelivery: true }))).status).toBe(
      200,
    );
    expect(api.replies.map((r) => r.replyToken)).toEqual(["t1"]);
  });

  it("background errors go to onError, never to an unhandled rejection", async () => {
    const errors: unknown[] = [];
    const responder = createResponder({ channelSecret: SECRET, onError: (e) => errors.push(e) });
    responder.on("message", () => {
      throw new Error("handler bug");
    });
    expect((await post(responder, textEventJson("hi"))).status).toBe(200);
    await responder.drain();
    expect(errors.map((e) => (e as Error).message)).toEqual(["handler bug"]);
  });

  it("refuses to start without a channel secret", () => {
    expect(() => createResponder({})).toThrow(/channelSecret/);
    expect(() => createResponder({ channelSecret: "" })).toThrow(/channelSecret/);
  });
});
