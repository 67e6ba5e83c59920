import { describe, expect, it } from "vitest";
import { compileRules, parseRuleSet } from "../../src/index.js";

// parseRuleSet hands the keywords it normalized to compileRules; a set changed in between must
// still compile from what it holds then.
const parsed = () =>
  parseRuleSet({
    version: 1,
    rules: [
      { id: "gift", keywords: ["ぷれぜんと"], reply: [{ type: "text", text: "🎁" }] },
      { id: "code", match: "regex", keywords: ["^ab+$"], reply: [{ type: "text", text: "ok" }] },
    ],
  });

describe("keywords normalized at parse, reused by compileRules", () => {
  it("match as if normalized again", () => {
    const matcher = compileRules(parsed());
    expect(matcher.match("プレゼント")?.ruleId).toBe("gift");
    expect(matcher.match("abbb")?.ruleId).toBe("code");
  });

  it("are not used for a keyword replaced after parsing", () => {
    const ruleSet = parsed();
    (ruleSet.rules[0] as { keywords: string[] }).keywords[0] = "くーぽん";
    const matcher = compileRules(ruleSet);
    expect(matcher.match("プレゼント")).toBeNull();
    expect(matcher.match("クーポン")?.ruleId).toBe("gift");
  });

  it("are not used once the normalize options change", () => {
    const ruleSet = parsed();
    ruleSet.normalize.kana = false;
    const matcher = compileRules(ruleSet);
    expect(matcher.match("プレゼント")).toBeNull();
    expect(matcher.match("ぷれぜんと")?.ruleId).toBe("gift");
  });

  it("are not used for a regex rule turned into a contains rule, or for rules moved around", () => {
    const ruleSet = parsed();
    const [gift, code] = ruleSet.rules as [(typeof ruleSet.rules)[0], (typeof ruleSet.rules)[0]];
    code.match = "contains";
    code.keywords = ["ＡＢ"];
    ruleSet.rules = [code, gift];
    const matcher = compileRules(ruleSet);
    expect(matcher.match("xxabxx")?.ruleId).toBe("code");
    expect(matcher.match("ぷれぜんと")?.ruleId).toBe("gift");
  });

  it("give the same matcher on a second compile of one set", () => {
    const ruleSet = parsed();
    compileRules(ruleSet);
    const again = compileRules(ruleSet);
    expect(again.match("ぷれぜんと")?.ruleId).toBe("gift");
  });
});
