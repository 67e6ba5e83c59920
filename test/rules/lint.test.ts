import { describe, expect, it } from "vitest";
import { lintRules, type RuleSet } from "../../src/index.js";
import { ruleSetOf } from "../helpers/rules.js";

const codes = (ruleSet: RuleSet, at?: number) => lintRules(ruleSet, { at }).map((i) => [i.code, i.path]);
const now = Date.parse("2024-06-01T00:00:00+09:00");

describe("lintRules", () => {
  it("a clean rule set has no findings", () => {
    const ruleSet = ruleSetOf([
      { id: "a", keywords: ["プレゼント"] },
      { id: "b", match: "contains", keywords: ["クーポン"] },
    ]);
    expect(lintRules(ruleSet, { at: now })).toEqual([]);
  });

  it("duplicate-keyword: the same keyword twice in one rule, after normalization", () => {
    const ruleSet = ruleSetOf([{ id: "a", keywords: ["プレゼント", "ぷれぜんと！", "present"] }]);
    const [finding] = lintRules(ruleSet, { at: now });
    expect(finding).toMatchObject({ severity: "warning", code: "duplicate-keyword", path: "rules[0].keywords[1]" });
    expect(finding?.message).toContain("keywords[0]");
  });

  it("shadowed-rule: an earlier rule always answers first", () => {
    const ruleSet = ruleSetOf([
      { id: "broad", match: "contains", keywords: ["クーポン"] },
      { id: "narrow", match: "exact", keywords: ["クーポンください", "今日のクーポン"] },
    ]);
    expect(lintRules(ruleSet, { at: now })).toEqual([
      expect.objectContaining({
        code: "shadowed-rule",
        path: "rules[1]",
        message: "can never answer: every keyword is caught first by rules[0] (broad)",
      }),
    ]);
  });

  it("shadowed-rule: a higher priority later in the file shadows too", () => {
    const ruleSet = ruleSetOf([
      { id: "exact", keywords: ["ヘルプ"] },
      { id: "prefix", match: "prefix", keywords: ["ヘル"], priority: 1 },
    ]);
    expect(codes(ruleSet, now)).toEqual([["shadowed-rule", "rules[0]"]]);
  });

  it("unreachable-keyword: only some keywords are caught first", () => {
    const ruleSet = ruleSetOf([
      { id: "prefix", match: "prefix", keywords: ["ヘルプ"] },
      { id: "mixed", keywords: ["ヘルプミー", "help"] },
    ]);
    expect(codes(ruleSet, now)).toEqual([["unreachable-keyword", "rules[1].keywords[0]"]]);
  });

  it("no shadow when the later rule can still answer (window, source or kind)", () => {
    const ruleSet = ruleSetOf([
      { id: "campaign", keywords: ["プレゼント"], window: { from: "2024-01-01", until: "2030-01-01" } },
      { id: "always", keywords: ["プレゼント"] },
      { id: "dm", match: "contains", keywords: ["ヘルプ"] },
      { id: "groups", match: "contains", keywords: ["ヘルプ"], sources: ["user", "group"] },
      { id: "starts", match: "prefix", keywords: ["クーポン"] },
      { id: "anywhere", match: "contains", keywords: ["クーポン"] },
    ]);
    expect(lintRules(ruleSet, { at: now })).toEqual([]);
  });

  it("a regex shadows an exact keyword it matches; the same regex shadows itself", () => {
    const ruleSet = ruleSetOf([
      { id: "numbers", match: "regex", keywords: ["^\\d+$"] },
      { id: "code", keywords: ["1234"] },
      { id: "again", match: "regex", keywords: ["^\\d+$"] },
    ]);
    expect(codes(ruleSet, now)).toEqual([
      ["shadowed-rule", "rules[1]"],
      ["shadowed-rule", "rules[2]"],
    ]);
  });

  it("window-ended: the campaign is over", () => {
    const ruleSet = ruleSetOf([{ id: "a", keywords: ["x"], window: { until: "2019-08-11T00:00:00" } }]);
    const [finding] = lintRules(ruleSet, { at: now });
    expect(finding).toMatchObject({ code: "window-ended", path: "rules[0].window.until", severity: "warning" });
    expect(finding?.message).toContain("2019-08-11T00:00:00+09:00");
    expect(lintRules(ruleSet, { at: Date.parse("2019-08-10T00:00:00+09:00") })).toEqual([]);
  });

  it("regex-not-normalized: hiragana or full-width characters that messages never contain", () => {
    const ruleSet = ruleSetOf([{ id: "a", match: "regex", keywords: ["^ぷれぜんと$", "^プレゼント$"] }]);
    const findings = lintRules(ruleSet, { at: now });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ code: "regex-not-normalized", path: "rules[0].keywords[0]" });
    expect(findings[0]?.message).toContain('"^プレゼント$"');
  });

  it("unused-reward", () => {
    const ruleSet = ruleSetOf([{ id: "a", keywords: ["x"] }], {
      rewards: { spare: { messages: [{ type: "text", text: "x" }] } },
    });
    expect(codes(ruleSet, now)).toEqual([["unused-reward", "rewards.spare"]]);
  });

  it("errors come first, for rule sets built in code that skipped parseRuleSet", () => {
    const ruleSet = ruleSetOf([{ id: "a", keywords: ["x"] }]);
    const broken: RuleSet = {
      ...ruleSet,
      rules: [
        { ...ruleSet.rules[0], reward: "missing", reply: undefined } as RuleSet["rules"][number],
        { ...(ruleSet.rules[0] as RuleSet["rules"][number]), match: "regex", keywords: ["(?!x)"] },
        { ...(ruleSet.rules[0] as RuleSet["rules"][number]), id: "b", keywords: ["？"] },
        {
          ...(ruleSet.rules[0] as RuleSet["rules"][number]),
          id: "c",
          window: { from: "2024-02-01", until: "2024-01-01" },
        },
      ],
    };
    expect(codes(broken, now)).toEqual([
      ["unknown-reward", "rules[0].reward"],
      ["duplicate-rule-id", "rules[1].id"],
      ["unsafe-regex", "rules[1].keywords[0]"],
      ["empty-keyword", "rules[2].keywords[0]"],
      ["empty-window", "rules[3].window"],
    ]);
  });
});
