/**
 * The matcher's fast structures (code-unit folding, full automaton rows near the root, sparse
 * children below, outputs flagged in transitions) against a reference that tries every rule in
 * order on text normalized by the slow path: on the texts where they could part ways.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { RuleSet } from "../../src/index.js";
import { normalizeSlow } from "../../src/rules/normalize.js";
import { matcherOf, ruleSetOf } from "../helpers/rules.js";

type Kind = "exact" | "prefix" | "contains";

/** The first rule by priority then file order, and its first keyword, that the message meets. */
function reference(ruleSet: RuleSet, message: string): { ruleId: string; keyword: string } | null {
  const text = normalizeSlow(message, ruleSet.normalize);
  const ranked = ruleSet.rules.map((rule, index) => ({ rule, index }));
  ranked.sort((a, b) => b.rule.priority - a.rule.priority || a.index - b.index);
  for (const { rule } of ranked) {
    for (const keyword of rule.keywords) {
      const k = normalizeSlow(keyword, ruleSet.normalize);
      const kind = rule.match as Kind;
      if (kind === "exact" ? text === k : kind === "prefix" ? text.startsWith(k) : text.includes(k)) {
        return { ruleId: rule.id, keyword };
      }
    }
  }
  return null;
}

function expectSame(rules: Record<string, unknown>[], messages: string[]) {
  const ruleSet = ruleSetOf(rules);
  const matcher = matcherOf(rules);
  for (const message of messages) {
    const got = matcher.match(message);
    const want = reference(ruleSet, message);
    expect({ message, got: got && { ruleId: got.ruleId, keyword: got.keyword } }).toEqual({ message, got: want });
    if (got) expect(got.normalized).toBe(normalizeSlow(message));
  }
}

describe("matching edge cases", () => {
  it("surrogate pairs inside keywords match whole, never half a pair", () => {
    expectSame(
      [
        { id: "gift", match: "contains", keywords: ["ト🎁プレ"] },
        { id: "smile", match: "contains", keywords: ["a😀"] },
      ],
      ["今日はト🎁プレゼント", "a😀", "a\uD83D", "a\uDE00", "🎁", "ト\uD83Cプレ", "ト🎁\uDF81プレ", "a😀ト🎁プレ"],
    );
  });

  it("dakuten composed by NFKC across the fast path's boundary (combining and spacing marks, half width)", () => {
    expectSame(
      [
        { id: "ga", match: "contains", keywords: ["ガチャ"] },
        { id: "ka", match: "contains", keywords: ["カ"] },
      ],
      ["カ\u3099チャ", "か\u3099ちゃ", "ｶﾞﾁｬ", "カ゛チャ", "日本ガチャ日本", "カ", "ガ", "\u3099カ"],
    );
  });

  it("combining marks that NFKC composes with a letter before them", () => {
    expectSame(
      [{ id: "cafe", match: "contains", keywords: ["café"] }],
      ["cafe\u0301 ok", "CAFÉ", "caf\uFE0Fe\u0301", "cafe"],
    );
  });

  it("an empty rule set, and sets with no automaton (exact keywords only)", () => {
    expect(matcherOf([]).match("プレゼント")).toBeNull();
    expectSame([{ id: "x", match: "exact", keywords: ["プレゼント"] }], ["ぷれぜんと", "プレゼントです", ""]);
  });

  it("a keyword equal to the whole message, for every kind", () => {
    for (const match of ["exact", "prefix", "contains"]) {
      expectSame([{ id: match, match, keywords: ["プレゼント"] }], ["プレゼント", "ﾌﾟﾚｾﾞﾝﾄ！", "ぷれぜんと"]);
    }
  });

  it("overlapping keywords: priority, then file order, then keyword order, wherever they occur", () => {
    expectSame(
      [
        { id: "late", match: "contains", keywords: ["ゼント"] },
        { id: "inner", match: "contains", keywords: ["レゼ", "プレゼント"] },
        { id: "first", match: "prefix", keywords: ["プレ"] },
        { id: "high", match: "contains", keywords: ["ント"], priority: 1 },
      ],
      ["プレゼント", "プレゼン", "レゼント", "あプレゼ", "ゼント", "プレ"],
    );
  });

  // Small alphabets make keywords overlap, share prefixes and fail into each other often.
  const unit = fc.constantFrom(
    ..."abアイカガか日本ー- ！".split(""),
    "\u3099",
    "\u0301",
    "🎁",
    "\uD83C",
    "ｶ",
    "ﾞ",
    "Ａ",
    "\uFE0F",
  );
  const keyword = fc.string({ unit, minLength: 1, maxLength: 4 }).filter((k) => normalizeSlow(k) !== "");
  const rule = fc.record({
    match: fc.constantFrom("exact", "prefix", "contains"),
    keywords: fc.array(keyword, { minLength: 1, maxLength: 3 }),
    priority: fc.integer({ min: 0, max: 1 }),
  });

  it("agrees with the reference on random rules and messages", () => {
    fc.assert(
      fc.property(
        fc.array(rule, { minLength: 1, maxLength: 12 }),
        fc.array(fc.string({ unit, maxLength: 16 }), { minLength: 1, maxLength: 10 }),
        (rules, messages) => {
          expectSame(
            rules.map((r, i) => ({ id: `r${i}`, ...r })),
            messages,
          );
        },
      ),
      { numRuns: 800 },
    );
  });
});
