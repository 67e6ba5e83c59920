import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compileRules, normalize, parseRuleSet } from "../../src/index.js";
import { MATCH_KINDS, SOURCE_TYPES } from "../../src/schema.js";
import { referenceMatch } from "../helpers/reference-matcher.js";

// A small alphabet so keywords collide, nest and overlap, with every fold represented.
const letters = "ぷプれレゼぜントｹｰキ-ー〜～AaＢb1１ 　!！🎁❤\uFE0F".split("");
const text = fc.string({ unit: fc.constantFrom(...letters), maxLength: 12 });
const keyword = fc.string({ unit: fc.constantFrom(...letters), minLength: 1, maxLength: 4 });
// Regexes both RE2 and JavaScript read the same way.
const regexKeyword = fc
  .tuple(
    fc.boolean(),
    fc.array(fc.string({ unit: fc.constantFrom(..."プレゼントab1".split("")), minLength: 1, maxLength: 3 }), {
      minLength: 1,
      maxLength: 3,
    }),
    fc.constantFrom("", ".", ".*", "+"),
    fc.boolean(),
  )
  .map(
    ([start, alternatives, middle, end]) => `${start ? "^" : ""}(${alternatives.join("|")})${middle}${end ? "$" : ""}`,
  );

const instants = ["2024-01-01T00:00:00", "2024-01-02T00:00:00", "2024-01-03T00:00:00"];
const window = fc.option(
  fc.record({
    from: fc.option(fc.constantFrom(...instants), { nil: undefined }),
    until: fc.option(fc.constantFrom(...instants), { nil: undefined }),
  }),
  { nil: undefined },
);

const rule = fc
  .record({
    match: fc.constantFrom(...MATCH_KINDS),
    keywords: fc.array(keyword, { minLength: 1, maxLength: 3 }),
    regexes: fc.array(regexKeyword, { minLength: 1, maxLength: 2 }),
    priority: fc.integer({ min: -1, max: 1 }),
    sources: fc.subarray([...SOURCE_TYPES], { minLength: 1 }),
    window,
  })
  .map(({ regexes, keywords, window, ...r }) => ({
    ...r,
    keywords: r.match === "regex" ? regexes : keywords,
    ...(window && (window.from !== undefined || window.until !== undefined) ? { window } : {}),
  }));

const normalizeOptions = fc.record(
  {
    width: fc.boolean(),
    case: fc.boolean(),
    kana: fc.boolean(),
    prolongedSound: fc.boolean(),
    edgeSymbols: fc.boolean(),
  },
  { requiredKeys: [] },
);

const at = fc
  .constantFrom(...instants, "2023-12-31T23:59:59", "2024-01-04T00:00:00")
  .map((iso) => Date.parse(`${iso}+09:00`));

describe("compiled matching agrees with the reference matcher", () => {
  it("on random rule sets, texts, times and sources", () => {
    fc.assert(
      fc.property(
        fc.array(rule, { minLength: 1, maxLength: 8 }),
        normalizeOptions,
        fc.array(fc.tuple(text, at, fc.constantFrom(...SOURCE_TYPES)), { minLength: 1, maxLength: 10 }),
        (rules, options, messages) => {
          // Drop what loading refuses on purpose: keywords that fold to nothing, windows that never open.
          const usable = rules
            .map((r, i) => ({
              ...r,
              id: `r${i}`,
              reply: [{ type: "text", text: "ok" }],
              keywords: r.match === "regex" ? r.keywords : r.keywords.filter((k) => normalize(k, options) !== ""),
            }))
            .filter((r) => r.keywords.length > 0)
            .filter((r) => !r.window?.from || !r.window.until || r.window.from < r.window.until);
          const ruleSet = parseRuleSet({ version: 1, normalize: options, rules: usable });
          const matcher = compileRules(ruleSet);
          for (const [t, time, source] of messages) {
            const got = matcher.match(t, { at: time, source });
            const want = referenceMatch(ruleSet, t, time, source);
            expect(got && { ruleId: got.ruleId, keyword: got.keyword }).toEqual(want);
          }
        },
      ),
      { numRuns: 1500 },
    );
  });
});
