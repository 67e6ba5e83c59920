import { describe, expect, it } from "vitest";
import { parseRuleSet, RuleSetError } from "../../src/index.js";

function problems(rewardMessages: string): string[] {
  try {
    parseRuleSet(`version: 1
rewards:
  gift:
    messages: ${rewardMessages}
rules:
  - { id: a, keywords: [プレゼント], reward: gift }
`);
  } catch (error) {
    if (error instanceof RuleSetError) return error.issues.map((i) => `${i.path}: ${i.message}`);
    throw error;
  }
  return [];
}

describe("reward messages are checked as LINE checks them, with their paths", () => {
  it("accepts every message type LINE sends as a reward", () => {
    expect(
      problems(`
      - { type: text, text: "🎁 ありがとう！" }
      - { type: image, originalContentUrl: "https://example.com/a.jpg", previewImageUrl: "https://example.com/a-s.jpg" }
      - { type: audio, originalContentUrl: "https://example.com/gift.m4a", duration: 60000 }
      - { type: sticker, packageId: "446", stickerId: "1988" }
      - { type: coupon, couponId: "01HZXYZ", deliveryTag: "campaign-2019" }`),
    ).toEqual([]);
    expect(
      problems(`
      - { type: video, originalContentUrl: "https://example.com/v.mp4", previewImageUrl: "https://example.com/v.jpg", trackingId: "t1" }
      - { type: flex, altText: "クーポン", contents: { type: bubble, body: { type: box, layout: vertical, contents: [] } } }
      - { type: template, altText: "選んでください", template: { type: confirm, text: "?", actions: [] } }
      - { type: imagemap, baseUrl: "https://example.com/map", altText: "map", baseSize: { width: 1040, height: 1040 }, actions: [] }
      - { type: location, title: "店舗", address: "東京都", latitude: 35.65, longitude: 139.7 }`),
    ).toEqual([]);
  });

  it.each([
    [
      "audio without duration",
      `[{ type: audio, originalContentUrl: "https://example.com/gift.m4a" }]`,
      "rewards.gift.messages[0].duration: is required: the length of the audio in milliseconds",
    ],
    [
      "http media",
      `[{ type: audio, originalContentUrl: "http://example.com/gift.m4a", duration: 1000 }]`,
      "rewards.gift.messages[0].originalContentUrl: must be an https URL (LINE fetches media over https only)",
    ],
    [
      "text over 5,000 units",
      `[{ type: text, text: "${"あ".repeat(5001)}" }]`,
      "rewards.gift.messages[0].text: LINE accepts at most 5,000 characters (UTF-16 units)",
    ],
    [
      "a type LINE does not send",
      `[{ type: gift }]`,
      "rewards.gift.messages[0].type: must be a message type LINE sends: text, image, video, audio, sticker, location, imagemap, template, flex, coupon",
    ],
    [
      "a sticker id as a number",
      `[{ type: sticker, packageId: 446, stickerId: "1988" }]`,
      'rewards.gift.messages[0].packageId: must be a string; write it in quotes: "446"',
    ],
    [
      "a long coupon delivery tag",
      `[{ type: coupon, couponId: "c1", deliveryTag: "${"x".repeat(31)}" }]`,
      "rewards.gift.messages[0].deliveryTag: LINE accepts at most 30 characters",
    ],
    [
      "six messages",
      `[${Array(6).fill('{ type: text, text: "x" }').join(", ")}]`,
      "rewards.gift.messages: LINE sends at most 5 messages at once",
    ],
    ["no messages", "[]", "rewards.gift.messages: needs at least 1 message"],
  ])("%s", (_, messages, problem) => {
    expect(problems(messages)).toEqual([problem]);
  });

  it("reply messages of plain auto-responses get the same checks", () => {
    expect(() =>
      parseRuleSet({ version: 1, rules: [{ id: "a", keywords: ["x"], reply: [{ type: "text", text: "" }] }] }),
    ).toThrow("rules[0].reply[0].text: must not be empty");
  });
});
