import { messagingApi } from "@line/bot-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createResponder, parseRuleSet, SendError } from "../../src/index.js";
import { followEvent, postbackEvent, textMessageEvent } from "../../src/testing/index.js";
import { type LineApiStandIn, startLineApi } from "../helpers/line-api.js";

let api: LineApiStandIn;
beforeAll(async () => {
  api = await startLineApi("token");
});
afterAll(() => api.close());

const USER = "U4af4980629e0d9c3e2f5d8a5b1c2d3e4";
const rules = parseRuleSet(`
version: 1
rules:
  - id: coupon
    match: regex
    keywords: ["^クーポン(?P<code>\\\\d{4})$"]
    reply: [{ type: text, text: "確認します" }]
  - id: hello
    keywords: [こんにちは]
    reply: [{ type: text, text: "こんにちは！" }]
`);
const client = () => new messagingApi.MessagingApiClient({ channelAccessToken: "token", baseURL: api.baseURL });
const fast = { retry: { baseDelayMs: 10, maxDelayMs: 50 }, requestTimeoutMs: 2000 };

describe("handlers", () => {
  it("run by event type, message type and *, in that order, each with the narrowed event", async () => {
    const responder = createResponder({ channelSecret: "s", rules });
    const calls: string[] = [];
    responder.on("*", ({ event }) => calls.push(`* ${String(event.type)}`));
    responder.on("message:sticker", ({ event }) => calls.push(`sticker ${event.message.stickerId}`));
    responder.on("message:text", ({ event }) => calls.push(`text ${event.message.text}`));
    responder.on("message", ({ event }) => calls.push(`message ${event.message.type}`));
    responder.on("follow", ({ event }) => calls.push(`follow ${event.follow.isUnblocked}`));
    const events = [
      textMessageEvent("やあ", { source: USER }),
      followEvent({ source: USER, isUnblocked: true }),
      { ...textMessageEvent("x", { source: USER }), message: { type: "sticker", id: "1", stickerId: "52002734" } },
    ];
    // One at a time: the events of one body are processed concurrently.
    for (const event of events) expect((await responder.handleEvents([event]))[0]?.status).toBe("processed");
    expect(calls).toEqual([
      "message text",
      "text やあ",
      "* message",
      "follow true",
      "* follow",
      "message sticker",
      "sticker 52002734",
      "* message",
    ]);
  });

  it("keeps an event type LINE added later: * handlers get it as sent", async () => {
    const responder = createResponder({ channelSecret: "s" });
    const seen: unknown[] = [];
    responder.on("*", ({ event }) => seen.push(event));
    const future = { ...followEvent({ source: USER }), type: "hologram", hologram: { depth: 3 } };
    const [outcome] = await responder.handleEvents([future]);
    expect(outcome).toMatchObject({ status: "processed", type: "hologram" });
    expect(seen).toEqual([future]);
  });

  it("a regex rule's capture groups reach the handler, on the normalized text", async () => {
    const responder = createResponder({ channelSecret: "s", rules });
    const codes: unknown[] = [];
    responder.on("message:text", ({ match }) => codes.push(match?.groups));
    await responder.handleEvents([
      textMessageEvent("クーポン１２３４", { source: USER }),
      textMessageEvent("こんにちは", { source: USER }),
    ]);
    expect(codes).toEqual([{ numbered: ["クーポン1234", "1234"], named: { code: "1234" } }, undefined]);
  });

  it("awaits a returned promise, and a handler may return anything", async () => {
    const responder = createResponder({ channelSecret: "s" });
    const order: string[] = [];
    responder.on("postback", async () => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      order.push("slow");
    });
    responder.on("postback", () => order.push("next"));
    await responder.handleEvents([postbackEvent("a=1", { source: USER })]);
    expect(order).toEqual(["slow", "next"]);
  });

  it("refuses a key that is no event type, naming the likely one", () => {
    const responder = createResponder({ channelSecret: "s" });
    // @ts-expect-error a misspelt event type is a compile error too
    expect(() => responder.on("mesage", () => {})).toThrow(
      /"mesage" is not an event type \(did you mean "message"\?\)/,
    );
  });
});

describe("ctx.reply and ctx.push", () => {
  it("reply uses the event's token through the client", async () => {
    await api.reset();
    const responder = createResponder({ channelSecret: "s", rules, client: client(), delivery: fast });
    const receipts: unknown[] = [];
    responder.on("message:text", async (ctx) => {
      if (!ctx.match) receipts.push(await ctx.reply({ type: "text", text: `「${ctx.event.message.text}」ですね` }));
    });
    const replyToken = api.issueReplyToken(USER);
    const [outcome] = await responder.handleEvents([textMessageEvent("ありがとう", { source: USER, replyToken })]);
    expect(outcome?.status).toBe("processed");
    expect(api.replies).toEqual([{ replyToken, messages: [{ type: "text", text: "「ありがとう」ですね" }] }]);
    expect(receipts).toEqual([{ via: "reply", sentMessageIds: [expect.any(String)] }]);
  });

  it("reply is retried after a 500 and refused clearly in standby; the refusal fails the event", async () => {
    await api.reset();
    const errors: unknown[] = [];
    const responder = createResponder({
      channelSecret: "s",
      client: client(),
      delivery: fast,
      onError: (error) => errors.push(error),
    });
    responder.on("follow", (ctx) => ctx.reply({ type: "text", text: "ようこそ" }));
    api.failNext("reply", "500-before");
    const replyToken = api.issueReplyToken(USER);
    const [ok] = await responder.handleEvents([followEvent({ source: USER, replyToken })]);
    expect(ok?.status).toBe("processed");
    expect(api.replies).toHaveLength(1);

    const [standby] = await responder.handleEvents([followEvent({ source: USER, mode: "standby" })]);
    expect(standby).toMatchObject({ status: "failed", error: expect.stringMatching(/^ctx\.reply: .*standby/) });
    expect(errors[0]).toBeInstanceOf(SendError);
    expect(api.replies).toHaveLength(1);
  });

  it("push goes to the group, and a redelivery that runs the handler again does not send twice", async () => {
    await api.reset();
    const responder = createResponder({ channelSecret: "s", client: client(), delivery: fast, onError: () => {} });
    let fail = true;
    responder.on("message", async (ctx) => {
      await ctx.push({ type: "text", text: "first" });
      await ctx.push({ type: "text", text: "second" });
      if (fail) throw new Error("the bot's own step failed after the pushes");
    });
    const event = textMessageEvent("hi", { source: { type: "group", groupId: "Cgroup1", userId: USER } });
    const [first] = await responder.handleEvents([event]);
    expect(first?.status).toBe("failed");
    fail = false;
    const [again] = await responder.handleEvents([{ ...event, deliveryContext: { isRedelivery: true } }]);
    expect(again?.status).toBe("processed");
    // Two pushes, once each: the redelivery's pushes carried the same retry keys and got 409s.
    expect(api.deliveries.map((d) => [d.to, d.via, d.messages[0]?.text])).toEqual([
      ["Cgroup1", "push", "first"],
      ["Cgroup1", "push", "second"],
    ]);
    expect(new Set(api.deliveries.map((d) => d.retryKey)).size).toBe(2);
  });
});
