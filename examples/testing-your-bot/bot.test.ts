// Testing a bot and its rule file end to end, with nothing but `line-responder/testing`: a local
// LINE emulator plays the account and its users; the bot runs as it does in production.
import { readFileSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { compileRules, parseRuleSet } from "line-responder";
import { checkRuleCases, startEmulator, userId } from "line-responder/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createBot } from "./bot.js";

const rules = parseRuleSet(readFileSync(new URL("../campaign.yaml", import.meta.url), "utf8"));
const credentials = { channelSecret: "test-secret", channelAccessToken: "test-token" };
const inCampaign = Date.parse("2026-12-03T12:00:00+09:00");
// End to end, the campaign runs as if it were live today (its window is checked on its own below):
// reply tokens and event ages are real time, as at LINE. Beside it, a regex rule whose named group
// the bot's handler reads.
const liveToday = parseRuleSet({
  ...rules,
  rules: [
    ...rules.rules.map(({ window: _window, ...rule }) => rule),
    {
      id: "coupon-code",
      match: "regex",
      keywords: ["^クーポン(?<code>[0-9]{4})$"],
      reply: [{ type: "text", text: "クーポンを確認しています" }],
    },
  ],
});

describe("my campaign bot", () => {
  let emulator: Awaited<ReturnType<typeof startEmulator>>;
  let bot: ReturnType<typeof createBot>;
  beforeAll(async () => {
    emulator = await startEmulator(credentials);
    bot = createBot({ ...credentials, rules: liveToday, baseURL: emulator.url });
    await new Promise<void>((resolve) => bot.server.listen(0, "127.0.0.1", resolve));
    emulator.webhookUrl = `http://127.0.0.1:${(bot.server.address() as AddressInfo).port}/webhook`;
  });
  afterAll(async () => {
    await new Promise((resolve) => bot.server.close(resolve));
    await emulator.close();
  });

  it("the rule file answers the spellings users type, only inside the campaign", () => {
    expect(
      checkRuleCases(compileRules(rules), [
        { text: "ﾌﾟﾚｾﾞﾝﾄ", expect: "survey-thanks", at: inCampaign },
        { text: "ぷれぜんと！", expect: "survey-thanks", at: inCampaign },
        { text: "プレゼント", expect: null, at: Date.parse("2026-12-09T00:00:00+09:00") },
      ]),
    ).toEqual([]);
  });

  it("a user who sends the keyword twice gets the voice message and the coupon once", async () => {
    const user = userId("alice");
    expect(await emulator.userSays(user, "ぷれぜんと")).toMatchObject({ webhook: "delivered" });
    expect(await emulator.userSays(user, "プレゼント🎁")).toMatchObject({ webhook: "delivered" });
    const received = emulator.inbox(user).flatMap((entry) => entry.messages);
    expect(received).toEqual([
      { type: "audio", originalContentUrl: "https://example.com/voice/thanks.m4a", duration: 45000 },
      { type: "coupon", couponId: "SURVEY2026" },
    ]);
  });

  it("a coupon code typed in full-width digits is read from the rule's group and confirmed by push", async () => {
    const user = userId("bob");
    expect(await emulator.userSays(user, "クーポン１２３４")).toMatchObject({ webhook: "delivered" });
    expect(bot.couponCodes.get(user)).toEqual(["1234"]);
    expect(emulator.inbox(user).map((entry) => [entry.via, entry.messages])).toEqual([
      ["reply", [{ type: "text", text: "クーポンを確認しています" }]],
      ["push", [{ type: "text", text: "クーポン 1234 を登録しました" }]],
    ]);
  });
});
