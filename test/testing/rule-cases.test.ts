import { describe, expect, it } from "vitest";
import { checkRuleCases } from "../../src/testing/index.js";
import { matcherOf } from "../helpers/rules.js";

describe("checkRuleCases", () => {
  const matcher = matcherOf([
    { id: "survey-gift", keywords: ["プレゼント"], window: { from: "2019-08-04", until: "2019-08-11" } },
    { id: "help", match: "prefix", keywords: ["ヘルプ"], sources: ["user", "group"] },
  ]);
  const during = Date.parse("2019-08-05T12:00:00+09:00");

  it("returns nothing when every case holds", () => {
    expect(
      checkRuleCases(matcher, [
        { text: "ﾌﾟﾚｾﾞﾝﾄ！", expect: "survey-gift", at: during },
        { text: "プレゼント", expect: null, at: Date.parse("2019-08-11T00:00:00+09:00") },
        { text: "へるぷ", expect: "help", source: "group" },
        { text: "へるぷ", expect: null, source: "room" },
      ]),
    ).toEqual([]);
  });

  it("describes each failing case with the normalized text and what answered instead", () => {
    const failures = checkRuleCases(matcher, [
      { text: "ぷれぜんと", expect: "survey-gift", at: Date.parse("2019-09-01T00:00:00+09:00") },
      { text: "ヘルプ", expect: null },
    ]);
    expect(failures.map((f) => f.message)).toEqual([
      '"ぷれぜんと" (normalized "プレゼント"): expected survey-gift, got no rule',
      '"ヘルプ" (normalized "ヘルプ"): expected no rule, got help',
    ]);
    expect(failures[1]).toMatchObject({ actual: "help", normalized: "ヘルプ" });
  });
});
