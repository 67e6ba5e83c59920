/**
 * The NFKC fast path (texts made only of code units NFKC leaves alone skip normalize("NFKC"))
 * and the matcher's code-unit path must never change a result: checked against the slow
 * reference that always runs NFKC, and against a naive loop over the rules.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { makeJapaneseCorpus } from "../../bench/corpus.js";
import { compileRules, normalize, parseRuleSet } from "../../src/index.js";
import {
  foldCodes,
  foldedCodes,
  foldsLongerThan,
  fromCharCodes,
  isNfkcStable,
  type NormalizeOptions,
  normalizeSlow,
  resolveNormalizeOptions,
} from "../../src/rules/normalize.js";

describe("NFKC fast path", () => {
  it("every code unit it trusts is its own NFKC form and composes with nothing before it", () => {
    // Characters that start compositions or decompose, to sit before each trusted code unit.
    const before = ["", "a", "か", "ｶ", "e", "\u1100", "\u3099", "ー", "日"];
    const wrong: string[] = [];
    let trusted = 0;
    for (let c = 0; c < 0x10000; c++) {
      const char = String.fromCharCode(c);
      if (!isNfkcStable(char)) continue;
      trusted++;
      if (char.normalize("NFKC") !== char) wrong.push(`U+${c.toString(16)}`);
      for (const b of before) {
        const nb = b.normalize("NFKC");
        if ((nb + char).normalize("NFKC") !== nb + char) wrong.push(`U+${c.toString(16)} after ${b}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(trusted).toBeGreaterThan(21_000);
  });

  it("leaves out the sound marks and ligatures NFKC changes", () => {
    for (const c of ["\u3099", "\u309a", "゛", "゜", "ゟ", "ヿ", "ｶ", "Ａ", "！", "\u3000", "㌀", "\uF900"]) {
      expect(isNfkcStable(c)).toBe(false);
    }
  });

  const alphabet = [
    ..."abcAZ09 -~!?ぷれぜんとかがはぱゝゞゟプレゼントヽヾヿーｰｶﾞﾌﾟ日本語、。「」！　～〜",
    "\u3099",
    "\u309a",
    "゛",
    "゜",
    "\u0301",
    "\uFE0F",
    "🎁",
    "㌀",
    "\u1100",
    "\u1161",
    "Ω",
    "İ",
    "\t",
    "\n",
  ];
  const text = fc.string({ unit: fc.constantFrom(...alphabet), maxLength: 24 });
  const options = fc.record(
    {
      width: fc.boolean(),
      case: fc.boolean(),
      kana: fc.boolean(),
      prolongedSound: fc.boolean(),
      whitespace: fc.boolean(),
      variationSelectors: fc.boolean(),
      edgeSymbols: fc.boolean(),
    },
    { requiredKeys: [] },
  );

  it("normalize agrees with the slow reference that always runs NFKC", () => {
    fc.assert(
      fc.property(text, options, (t: string, o: NormalizeOptions) => {
        expect(normalize(t, o)).toBe(normalizeSlow(t, o));
      }),
      { numRuns: 20_000 },
    );
  });

  // The matcher's path: folded into code units in one pass that also checks NFKC stability,
  // edges stripped before NFKC runs (and NFKC run when an edge could change under it: ①).
  it("the matcher's code-unit fold agrees with the slow reference", () => {
    const edgeCases = fc.constantFrom("①", "⑴", "™", "！", "ｰ", "㌀", "Ａ", "🎁", "\u3099", "\uFE0F", "　");
    const withEdges = fc.tuple(fc.array(edgeCases, { maxLength: 2 }), text, fc.array(edgeCases, { maxLength: 2 }));
    fc.assert(
      fc.property(withEdges, options, ([head, body, tail], o: NormalizeOptions) => {
        const t = head.join("") + body + tail.join("");
        const n = foldCodes(t, resolveNormalizeOptions(o));
        if (n >= 0) expect(fromCharCodes(foldedCodes(), n)).toBe(normalizeSlow(t, o));
      }),
      { numRuns: 20_000 },
    );
    // The case the edge check exists for: a stripped symbol that NFKC turns into a digit.
    const n = foldCodes("①クーポン", resolveNormalizeOptions());
    expect(fromCharCodes(foldedCodes(), n)).toBe("1クーポン");
  });

  // Solid code units (the ones foldsLongerThan counts) are also never stripped at the edges: a
  // message starting and ending with one skips the edge lookups.
  it("every code unit counted as solid folds to one code unit and is never stripped", () => {
    const wrong: string[] = [];
    let solid = 0;
    for (let c = 0; c < 0x10000; c++) {
      const char = String.fromCharCode(c);
      if (!foldsLongerThan(char, 0)) continue;
      solid++;
      const alone = normalizeSlow(char);
      if (alone.length !== 1 || normalizeSlow(`！${char}🎁`) !== alone || normalize(`${char}a${char}`).length !== 3) {
        wrong.push(`U+${c.toString(16)}`);
      }
    }
    expect(wrong).toEqual([]);
    expect(solid).toBeGreaterThan(21_000);
  });

  // Exact-only matchers turn away long messages unread: the count must never exceed the fold.
  it("foldsLongerThan never says a text folds longer than it does", () => {
    const anything = fc.oneof(text, fc.string({ unit: "binary", maxLength: 30 }));
    fc.assert(
      fc.property(anything, options, (t: string, o: NormalizeOptions) => {
        expect(foldsLongerThan(t, normalizeSlow(t, o).length)).toBe(false);
      }),
      { numRuns: 20_000 },
    );
    expect(foldsLongerThan("プレゼントください", 8)).toBe(true);
  });

  it("on any string at all", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 30 }), (t) => {
        expect(normalize(t)).toBe(normalizeSlow(t));
      }),
      { numRuns: 20_000 },
    );
  });
});

describe("the matcher agrees with a naive loop", () => {
  it("on 100,000 Japanese-heavy messages", () => {
    const corpus = makeJapaneseCorpus(300, 100_000);
    const ruleSet = parseRuleSet({
      version: 1,
      rules: corpus.rules.map((r) => ({ ...r, reply: [{ type: "text", text: "ok" }] })),
    });
    const matcher = compileRules(ruleSet);
    const keywords = ruleSet.rules.map((r) => normalizeSlow(r.keywords[0] as string));
    let answered = 0;
    for (const message of corpus.messages) {
      const text = normalizeSlow(message);
      let want: string | undefined;
      for (let r = 0; r < keywords.length; r++) {
        const k = keywords[r] as string;
        if (ruleSet.rules[r]?.match === "exact" ? text === k : text.includes(k)) {
          want = ruleSet.rules[r]?.id;
          break;
        }
      }
      const got = matcher.match(message);
      if (got?.ruleId !== want || (got && got.normalized !== text)) {
        expect({ message, ruleId: got?.ruleId, normalized: got?.normalized }).toEqual({
          message,
          ruleId: want,
          normalized: want === undefined ? undefined : text,
        });
      }
      if (want !== undefined) answered++;
    }
    expect(answered).toBeGreaterThan(20_000);
  });
});

describe("an exact-only matcher", () => {
  // Messages that fold much shorter than they are typed must still reach the keyword.
  const keyword = fc.string({ unit: fc.constantFrom(..."プレゼントくーぽんab1日本"), minLength: 1, maxLength: 8 });
  const padding = fc.array(fc.constantFrom("🎁", "！", " ", "　", "\uFE0F", "\t", "♪"), { maxLength: 30 });
  const HALF_WIDTH: Record<string, string> = { プ: "ﾌﾟ", レ: "ﾚ", ゼ: "ｾﾞ", ン: "ﾝ", ト: "ﾄ" };
  const waysToType = (k: string) => [
    k,
    k.replace(/[ァ-ヶ]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60)),
    k.normalize("NFKD"),
    k.replace(/ー/g, "〜〜〜〜〜〜〜〜"),
    k.replace(/[プレゼント]/g, (c) => HALF_WIDTH[c] as string),
  ];

  it("answers every way of typing a keyword, however long the message is before folding", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(keyword, { minLength: 1, maxLength: 6, selector: (k) => normalizeSlow(k) }),
        fc.nat(5),
        padding,
        padding,
        fc.string({ unit: fc.constantFrom(..."あア日a1ー "), maxLength: 12 }),
        (keywords, pick, before, after, chatter) => {
          const ruleSet = parseRuleSet({
            version: 1,
            rules: keywords.map((k, i) => ({ id: `r${i}`, keywords: [k], reply: [{ type: "text", text: "ok" }] })),
          });
          const matcher = compileRules(ruleSet);
          const k = keywords[pick % keywords.length] as string;
          fc.pre(normalizeSlow(k) !== "");
          for (const body of [...waysToType(k), k + chatter, chatter]) {
            const message = before.join("") + body + after.join("");
            const want = keywords.findIndex((kw) => normalizeSlow(kw) === normalizeSlow(message));
            expect(matcher.match(message)?.ruleId).toBe(want < 0 ? undefined : `r${want}`);
          }
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
