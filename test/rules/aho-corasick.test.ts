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
const BUDGETS = [undefined, 400, 0];

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
  ])("nodes with many children: %s", (_, denseTableBytes) => {
    const patterns = Array.from({ length: 40 }, (_, i) => `a${String.fromCharCode(0x3042 + i)}`);
    patterns.push("アイ", "イ");
    const ac = new AhoCorasick(patterns, { denseTableBytes });
    const text = `${patterns.join("x")}アアイ`;
    expect(hits(ac, patterns, text)).toEqual(naiveHits(patterns, text));
  });

  it.each([
    ["16-bit full rows (fewer than 32,768 nodes)", 3_000],
    ["32-bit full rows (more nodes)", 6_000],
  ])("agrees with indexOf with %s", (_, count) => {
    // Patterns of 8 characters over 16 letters share little past their first two: about 6 nodes each.
    let seed = count;
    const next = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    const letter = () => String.fromCharCode(0x30a2 + Math.floor(next() * 16));
    const patterns = [...new Set(Array.from({ length: count }, () => Array.from({ length: 8 }, letter).join("")))];
    const ac = new AhoCorasick(patterns);
    const nodes = (ac as unknown as { patternAt: Int32Array }).patternAt.length;
    expect(nodes < 0x8000).toBe(count === 3_000);
    for (let t = 0; t < 50; t++) {
      const text = Array.from({ length: 60 }, letter).join("") + (patterns[t] as string);
      expect(hits(ac, patterns, text)).toEqual(naiveHits(patterns, text));
    }
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
          for (const denseTableBytes of BUDGETS) {
            const ac = new AhoCorasick(patterns, { denseTableBytes });
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
          for (const denseTableBytes of BUDGETS) {
            const ac = new AhoCorasick(patterns, { denseTableBytes });
            expect(hits(ac, patterns, text)).toEqual(naiveHits(patterns, text));
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
