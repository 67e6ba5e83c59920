import { describe, expect, it } from "vitest";
import { compileRules, lintRules, parseRuleSet, type RuleSet, RuleSetError } from "../../src/index.js";
import { matcherOf } from "../helpers/rules.js";

const idOf = (m: { ruleId: string } | null) => m?.ruleId ?? null;

describe("match kinds", () => {
  const matcher = matcherOf([
    { id: "exact", match: "exact", keywords: ["プレゼント"] },
    { id: "prefix", match: "prefix", keywords: ["ヘルプ"] },
    { id: "contains", match: "contains", keywords: ["クーポン"] },
    { id: "regex", match: "regex", keywords: ["^no\\.\\d{3}$"] },
  ]);

  it("exact matches the whole message only", () => {
    expect(matcher.match("ぷれぜんと！")).toMatchObject({
      ruleId: "exact",
      keyword: "プレゼント",
      kind: "exact",
      normalized: "プレゼント",
    });
    expect(idOf(matcher.match("プレゼントください"))).toBeNull();
  });

  it("prefix matches at the start only", () => {
    expect(matcher.match("へるぷ お願いします")).toMatchObject({ ruleId: "prefix", kind: "prefix" });
    expect(idOf(matcher.match("お願い ヘルプ"))).toBeNull();
  });

  it("contains matches anywhere", () => {
    expect(matcher.match("今日のｸｰﾎﾟﾝある？")).toMatchObject({
      ruleId: "contains",
      keyword: "クーポン",
      kind: "contains",
    });
  });

  it("regex runs on the normalized message, case-insensitively when case is folded", () => {
    expect(matcher.match("NO.123")).toMatchObject({ ruleId: "regex", kind: "regex", normalized: "no.123" });
    expect(matcher.match("ｎｏ．４５６")).toMatchObject({ ruleId: "regex" });
    expect(idOf(matcher.match("no.1234"))).toBeNull();
  });

  it("reports the keyword as written and the text as normalized", () => {
    const m = matcherOf([{ id: "a", match: "contains", keywords: ["ＣＯＵＰＯＮ"] }]);
    expect(m.match("Coupon please")).toMatchObject({ keyword: "ＣＯＵＰＯＮ", normalized: "coupon please" });
  });

  it("several keywords per rule: the first listed that matches is reported", () => {
    const m = matcherOf([{ id: "a", match: "contains", keywords: ["ゼント", "プレ"] }]);
    expect(m.match("プレゼント")?.keyword).toBe("ゼント");
  });
});

describe("which rule wins", () => {
  it("higher priority first, whatever the kind", () => {
    const m = matcherOf([
      { id: "low", match: "exact", keywords: ["プレゼント"] },
      { id: "high", match: "contains", keywords: ["ゼント"], priority: 10 },
    ]);
    expect(idOf(m.match("プレゼント"))).toBe("high");
  });

  it("equal priority: file order, whatever the kind", () => {
    const m = matcherOf([
      { id: "first", match: "contains", keywords: ["ゼント"] },
      { id: "second", match: "exact", keywords: ["プレゼント"] },
      { id: "third", match: "regex", keywords: ["プレ"] },
    ]);
    expect(idOf(m.match("プレゼント"))).toBe("first");
    const reversed = matcherOf([
      { id: "third", match: "regex", keywords: ["プレ"] },
      { id: "second", match: "exact", keywords: ["プレゼント"] },
      { id: "first", match: "contains", keywords: ["ゼント"] },
    ]);
    expect(idOf(reversed.match("プレゼント"))).toBe("third");
  });

  it("negative priorities go after the default 0", () => {
    const m = matcherOf([
      { id: "fallback", match: "regex", keywords: [".*"], priority: -1 },
      { id: "coupon", match: "contains", keywords: ["クーポン"] },
    ]);
    expect(idOf(m.match("クーポン"))).toBe("coupon");
    expect(idOf(m.match("hello"))).toBe("fallback");
  });
});

describe("campaign windows", () => {
  const m = matcherOf(
    [
      {
        id: "tokyo-week",
        keywords: ["プレゼント"],
        window: { from: "2019-08-04T00:00:00", until: "2019-08-11T00:00:00" },
      },
      { id: "utc-offset", keywords: ["coupon"], window: { from: "2019-08-04T00:00:00Z" } },
      { id: "until-only", keywords: ["early"], window: { until: "2019-08-04" } },
    ],
    { timezone: "Asia/Tokyo" },
  );
  const jst = (iso: string) => Date.parse(`${iso}+09:00`);

  it("from is inclusive and read in the rule set's time zone", () => {
    expect(idOf(m.match("プレゼント", { at: jst("2019-08-04T00:00:00") }))).toBe("tokyo-week");
    expect(idOf(m.match("プレゼント", { at: jst("2019-08-04T00:00:00") - 1 }))).toBeNull();
    // Midnight in Tokyo is 15:00 the day before in UTC.
    expect(idOf(m.match("プレゼント", { at: new Date("2019-08-03T15:00:00Z") }))).toBe("tokyo-week");
  });

  it("until is exclusive", () => {
    expect(idOf(m.match("プレゼント", { at: jst("2019-08-11T00:00:00") - 1 }))).toBe("tokyo-week");
    expect(idOf(m.match("プレゼント", { at: jst("2019-08-11T00:00:00") }))).toBeNull();
  });

  it("an explicit offset wins over the rule set's zone", () => {
    expect(idOf(m.match("coupon", { at: Date.parse("2019-08-03T23:59:59.999Z") }))).toBeNull();
    expect(idOf(m.match("coupon", { at: Date.parse("2019-08-04T00:00:00Z") }))).toBe("utc-offset");
  });

  it("a date alone is midnight in the rule set's zone", () => {
    expect(idOf(m.match("early", { at: jst("2019-08-03T23:59:59") }))).toBe("until-only");
    expect(idOf(m.match("early", { at: jst("2019-08-04T00:00:00") }))).toBeNull();
  });

  it("a closed window lets the next rule answer", () => {
    const fallback = matcherOf([
      { id: "campaign", keywords: ["プレゼント"], window: { until: "2019-08-11" } },
      { id: "after", keywords: ["プレゼント"] },
    ]);
    expect(idOf(fallback.match("プレゼント", { at: jst("2019-08-10T12:00:00") }))).toBe("campaign");
    expect(idOf(fallback.match("プレゼント", { at: jst("2019-08-12T12:00:00") }))).toBe("after");
  });

  it("refuses a time that is not one instead of silently matching nothing", () => {
    expect(() => m.match("プレゼント", { at: new Date("not a date") })).toThrow(/options.at/);
  });

  it("time zones with daylight saving resolve wall times on the right side of the change", () => {
    const ny = matcherOf([{ id: "ny", keywords: ["sale"], window: { from: "2024-03-10T03:30:00" } }], {
      timezone: "America/New_York",
    });
    // 03:30 on the spring-forward day is EDT (UTC-4).
    expect(idOf(ny.match("sale", { at: Date.parse("2024-03-10T07:30:00Z") }))).toBe("ny");
    expect(idOf(ny.match("sale", { at: Date.parse("2024-03-10T07:29:59Z") }))).toBeNull();
  });
});

describe("sources", () => {
  const m = matcherOf([
    { id: "dm-only", keywords: ["プレゼント"] },
    { id: "groups", keywords: ["ヘルプ"], sources: ["group", "room"] },
  ]);

  it("rules answer one-to-one chats by default, and only those", () => {
    expect(idOf(m.match("プレゼント"))).toBe("dm-only");
    expect(idOf(m.match("プレゼント", { source: "user" }))).toBe("dm-only");
    expect(idOf(m.match("プレゼント", { source: "group" }))).toBeNull();
    expect(idOf(m.match("プレゼント", { source: "room" }))).toBeNull();
  });

  it("listed sources only", () => {
    expect(idOf(m.match("ヘルプ", { source: "group" }))).toBe("groups");
    expect(idOf(m.match("ヘルプ", { source: "room" }))).toBe("groups");
    expect(idOf(m.match("ヘルプ", { source: "user" }))).toBeNull();
  });

  it("refuses an unknown source", () => {
    expect(() => m.match("ヘルプ", { source: "channel" as "user" })).toThrow(/options.source/);
  });
});

describe("regex refusal at load time", () => {
  it.each([
    ["lookahead", "プレ(?=ゼント)", "unsafe-regex", /lookaround/],
    ["lookbehind", "(?<=プレ)ゼント", "unsafe-regex", /lookaround/],
    ["backreference", "(.)\\1", "unsafe-regex", /backreference/],
    ["syntax error", "[abc", "invalid-regex", /missing closing \]/],
  ])("%s is refused with the reason", (_, pattern, code, reason) => {
    const ruleSet = {
      version: 1 as const,
      timezone: "Asia/Tokyo",
      normalize: {},
      rewards: {},
      rules: [
        {
          id: "r",
          match: "regex" as const,
          keywords: [pattern],
          reply: [{ type: "text" as const, text: "ok" }],
          priority: 0,
          sources: ["user" as const],
          answeredBy: "bot" as const,
        },
      ],
    };
    let error: unknown;
    try {
      compileRules(ruleSet);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RuleSetError);
    const issues = (error as RuleSetError).issues;
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code, path: "rules[0].keywords[0]", severity: "error" });
    expect(issues[0]?.message).toMatch(reason);
  });

  it("catastrophic-backtracking patterns are safe: RE2 runs them in linear time", () => {
    const m = matcherOf([{ id: "r", match: "regex", keywords: ["^(a+)+$"] }], { normalize: { case: false } });
    const evil = `${"a".repeat(5000)}!`;
    expect(idOf(m.match(evil))).toBe("r"); // the trailing "!" is an edge symbol, stripped
    expect(idOf(m.match(`${"a".repeat(5000)}b`))).toBeNull();
  });
});

describe("rule sets built in code", () => {
  const rule = {
    id: "gift",
    match: "exact" as const,
    keywords: ["プレゼント"],
    reply: [{ type: "text" as const, text: "ok" }],
    priority: 0,
    sources: ["user" as const],
    answeredBy: "bot" as const,
  };
  const setOf = (rules: unknown[]) =>
    ({ version: 1, timezone: "Asia/Tokyo", normalize: {}, rewards: {}, rules }) as unknown as RuleSet;

  it("compile when they have the shape parseRuleSet gives", () => {
    expect(idOf(compileRules(setOf([rule])).match("ぷれぜんと"))).toBe("gift");
  });

  it.each([
    ["a missing id", { ...rule, id: undefined }, "rules[0].id", /is required/],
    ["an id that is a number", { ...rule, id: 7 }, "rules[0].id", /must be a string/],
    ["keywords that are not a list", { ...rule, keywords: "プレゼント" }, "rules[0].keywords", /list/],
    ["a misspelt field", { ...rule, keyword: ["x"] }, "rules[0].keyword", /did you mean "keywords"/],
  ])("are refused with the field named, not a crash, for %s", (_, broken, path, message) => {
    let error: unknown;
    try {
      compileRules(setOf([broken, rule]));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(RuleSetError);
    expect((error as RuleSetError).issues).toEqual([
      expect.objectContaining({ path, message: expect.stringMatching(message) }),
    ]);
    // lintRules says the same instead of throwing.
    expect(lintRules(setOf([broken]))).toEqual([expect.objectContaining({ severity: "error", path })]);
  });
});

describe("explain", () => {
  const m = matcherOf([
    { id: "campaign", keywords: ["プレゼント"], window: { until: "2019-08-11" } },
    { id: "groups", match: "contains", keywords: ["ゼント"], sources: ["group"] },
    { id: "general", match: "contains", keywords: ["プレ"] },
    { id: "late", match: "prefix", keywords: ["プレゼ"], priority: -5 },
  ]);

  it("lists every rule the message meets, best first, with why each lost", () => {
    const e = m.explain("ぷれぜんと", { at: Date.parse("2020-01-01T00:00:00+09:00") });
    expect(e.normalized).toBe("プレゼント");
    expect(e.match?.ruleId).toBe("general");
    expect(e.candidates.map((c) => [c.ruleId, c.outcome])).toEqual([
      ["campaign", "window-ended"],
      ["groups", "source-not-allowed"],
      ["general", "matched"],
      ["late", "outranked"],
    ]);
  });

  it("agrees with match()", () => {
    const at = Date.parse("2019-08-05T00:00:00+09:00");
    for (const text of ["プレゼント", "プレ", "ゼント", "nothing"]) {
      expect(m.explain(text, { at }).match).toEqual(m.match(text, { at }));
    }
  });

  it("a window that has not opened yet says so", () => {
    const future = matcherOf([{ id: "soon", keywords: ["a"], window: { from: "2100-01-01" } }]);
    expect(future.explain("a").candidates[0]?.outcome).toBe("window-not-open");
  });
});

describe("rules answered natively", () => {
  it("are guarded but never answered by the bot: OA Manager's auto-response sends them", () => {
    const m = matcherOf([
      { id: "native-coupon", keywords: ["クーポン"], answeredBy: "native" },
      { id: "bot-fallback", match: "contains", keywords: ["クーポン"] },
    ]);
    expect(idOf(m.match("クーポン"))).toBe("bot-fallback");
    expect(m.explain("クーポン").candidates.map((c) => c.ruleId)).toEqual(["bot-fallback"]);
  });
});

describe("regex capture groups", () => {
  const m = compileRules(
    parseRuleSet(`
version: 1
rules:
  - { id: coupon, match: regex, keywords: ["^クーポン(?P<code>\\\\d{4})(-(\\\\w+))?$"], reply: [{ type: text, text: ok }] }
  - { id: hello, keywords: [こんにちは], reply: [{ type: text, text: ok }] }
`),
  );

  it("numbered and named, on the normalized text: full-width digits arrive half-width", () => {
    expect(m.match("クーポン１２３４")?.groups).toEqual({
      numbered: ["クーポン1234", "1234", undefined, undefined],
      named: { code: "1234" },
    });
    expect(m.match("クーポン0042-ＶＩＰ")?.groups?.numbered[3]).toBe("vip");
  });

  it("other kinds of rules have no groups", () => {
    expect(m.match("こんにちは")).not.toHaveProperty("groups");
  });
});
