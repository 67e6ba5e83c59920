/**
 * Users who get no reward still get an answer when the rule file has one: `soldOut` once the
 * stock is gone, `alreadyClaimed` when they hold the reward already. By reply only, never counted.
 */
import { messagingApi } from "@line/bot-sdk";
import { afterAll, beforeAll, expect, it } from "vitest";
import { createResponder, lintRules, parseRuleSet } from "../../src/index.js";
import { type LineApiStandIn, startLineApi } from "../helpers/line-api.js";
import { SECRET, textEvent } from "../helpers/webhook.js";

const rules = parseRuleSet(`
version: 1
rewards:
  coupon:
    messages: [{ type: coupon, couponId: "COUPON_1" }]
    stock: 1
    soldOut: [{ type: text, text: "ごめんなさい、クーポンは終了しました" }]
    alreadyClaimed: [{ type: text, text: "クーポンはもうお送りしています" }]
rules:
  - { id: coupon, keywords: [クーポン], reward: coupon }
`);

let api: LineApiStandIn;
beforeAll(async () => {
  api = await startLineApi("token");
});
afterAll(() => api.close());

it("answers soldOut and alreadyClaimed by reply; the stock counts only the reward", async () => {
  const responder = createResponder({
    channelSecret: SECRET,
    rules,
    client: new messagingApi.MessagingApiClient({ channelAccessToken: "token", baseURL: api.baseURL }),
  });
  const say = (userId: string) =>
    responder.handleEvents([textEvent("クーポン", { userId, replyToken: api.issueReplyToken(userId) })]);
  const [first] = await say("U1");
  const [again] = await say("U1");
  const [late] = await say("U2");
  expect(first?.reward).toMatchObject({ status: "sent", via: "reply" });
  expect(again).toMatchObject({ sent: "reply", reward: { status: "duplicate", answered: "already-claimed" } });
  expect(late).toMatchObject({ sent: "reply", reward: { status: "out-of-stock", answered: "sold-out" } });
  const texts = (userId: string) =>
    api.emulator.inbox(userId).map((e) => (e.messages[0] as { text?: string }).text ?? "coupon");
  expect(texts("U1")).toEqual(["coupon", "クーポンはもうお送りしています"]);
  expect(texts("U2")).toEqual(["ごめんなさい、クーポンは終了しました"]);
  expect(api.deliveries.every((d) => d.via === "reply")).toBe(true);
  expect((await responder.store.listClaims()).claims).toHaveLength(1);
});

it("lint warns about a stocked reward with no soldOut answer", () => {
  const stocked = parseRuleSet(`
version: 1
rewards:
  coupon: { messages: [{ type: coupon, couponId: "C" }], stock: 100 }
rules:
  - { id: coupon, keywords: [クーポン], reward: coupon }
`);
  expect(lintRules(stocked)).toEqual([
    expect.objectContaining({ severity: "warning", code: "stock-without-sold-out", path: "rewards.coupon" }),
  ]);
  expect(lintRules(rules).filter((i) => i.code === "stock-without-sold-out")).toEqual([]);
});
