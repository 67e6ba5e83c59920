import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { AhoCorasick } from "../../src/rules/aho-corasick.js";

function hits(ac: AhoCorasick, patterns: string[], text: string): string[] {
  const count = ac.scan(text);
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(`${patterns[ac.hitPattern[i] as number]}@${ac.hitStart[i]}`);
  return out.sort();
}

function naiveHits(patterns: string[], text: string): string[] {
  const out: string[] = [];
  for (const p of patterns) {
    for (let i = text.indexOf(p); i !== -1; i = text.indexOf(p, i + 1)) out.push(`${p}@${i}`);
  }
  return out.sort();
}

// Full rows everywhere (small sets fit the default budget), for the first levels only, and for
// the root only: every mix of full rows and sparse children must find the same hits.
const BUDGETS = [undefined, 200, 0];

describe("AhoCorasick", () => {
  it("finds overlapping occurrences (the classic he/she/his/hers)", () => {
    const patterns = ["he", "she", "his", "hers"];
    const ac = new AhoCorasick(patterns);
    expect(hits(ac, patterns, "ushers")).toEqual(["he@2", "hers@2", "she@1"]);
  });

  it("handles Japanese, surrogate pairs and patterns that are prefixes of others", () => {
    const patterns = ["プレ", "プレゼント", "ゼント", "🎁", "ト🎁"];
    const ac = new AhoCorasick(patterns);
    expect(hits(ac, patterns, "プレゼント🎁プレ")).toEqual(naiveHits(patterns, "プレゼント🎁プレ"));
  });

  it.each([
    ["direct rows", undefined],
    ["bisection, when direct rows would exceed their memory budget", 0],
  ])("nodes with many children: %s", (_, denseTableBudget) => {
    const patterns = Array.from({ length: 40 }, (_, i) => `a${String.fromCharCode(0x3042 + i)}`);
    patterns.push("アイ", "イ");
    const ac = new AhoCorasick(patterns, { denseTableBudget });
    const text = `${patterns.join("x")}アアイ`;
    expect(hits(ac, patterns, text)).toEqual(naiveHits(patterns, text));
  });

  it("refuses empty and duplicate patterns", () => {
    expect(() => new AhoCorasick([""])).toThrow(RangeError);
    expect(() => new AhoCorasick(["a", "a"])).toThrow(RangeError);
  });

  it("agrees with indexOf on random patterns and texts", () => {
    const unit = fc.constantFrom(..."abアイ😀".split(""), "\uD83D");
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ unit, minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 12 }),
        fc.string({ unit, maxLength: 30 }),
        (patterns, text) => {
          for (const denseTableBudget of BUDGETS) {
            const ac = new AhoCorasick(patterns, { denseTableBudget });
            expect(hits(ac, patterns, text)).toEqual(naiveHits(patterns, text));
          }
        },
      ),
      { numRuns: 500 },
    );
  });

  it("agrees with indexOf when nodes have many children (direct rows and bisection)", () => {
    const wide = "abcdefghijklmnopqrstuvwxyzアイウエオカキクケコ".split("");
    const unit = fc.constantFrom(...wide);
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.tuple(fc.constantFrom("a", "ア"), fc.string({ unit, minLength: 1, maxLength: 2 })).map(([a, b]) => a + b),
          {
            minLength: 1,
            maxLength: 60,
          },
        ),
        fc.string({ unit, maxLength: 40 }),
        (patterns, text) => {
          for (const denseTableBudget of BUDGETS) {
            const ac = new AhoCorasick(patterns, { denseTableBudget });
            expect(hits(ac, patterns, text)).toEqual(naiveHits(patterns, text));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
