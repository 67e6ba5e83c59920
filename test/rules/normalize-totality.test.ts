/**
 * normalize() runs on every message a bot receives, so it must answer for any string a user (or an
 * attacker) can send, fold it to a fixed point whatever the options, and apply every entry of its
 * tables on its own, not only when another fold happens to run beside it.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_NORMALIZE_OPTIONS, type NormalizeOptions, normalize } from "../../src/index.js";

const folds = Object.keys(DEFAULT_NORMALIZE_OPTIONS) as (keyof NormalizeOptions)[];
const options = fc.record(
  Object.fromEntries(folds.map((f) => [f, fc.boolean()])) as Record<string, fc.Arbitrary<boolean>>,
);
/** Only `fold` on: each table entry must work with every other fold off. */
const only = (fold: keyof NormalizeOptions): NormalizeOptions =>
  Object.fromEntries(folds.map((f) => [f, f === fold])) as NormalizeOptions;

// Any UTF-16 text, lone surrogates included (a webhook body is JSON, which can carry them).
const anyText = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)) }),
  fc.string({ unit: "grapheme-composite" }),
);

describe("normalize: total and idempotent", () => {
  it("folds any string to a fixed point under any options", () => {
    fc.assert(
      fc.property(anyText, options, (text, o) => {
        const once = normalize(text, o);
        expect(normalize(once, o)).toBe(once);
      }),
      { numRuns: 3000 },
    );
    // Dropping the selector lets NFKC compose the accent with the letter on a second run.
    expect(normalize(normalize("e\uFE0F\u0301"))).toBe(normalize("e\uFE0F\u0301"));
  });

  it("answers for strings up to 1 MB (it overflowed the stack near 130 000 characters)", () => {
    const MB = 1 << 20;
    fc.assert(
      fc.property(
        anyText.filter((t) => t.length > 0),
        options,
        (chunk, o) => {
          const text = chunk.repeat(Math.ceil(MB / chunk.length)).slice(0, MB);
          const once = normalize(text, o);
          expect(once.length).toBeLessThanOrEqual(text.length * 3);
          expect(normalize(once, o)).toBe(once);
        },
      ),
      { numRuns: 12 },
    );
    expect(normalize("あ".repeat(200_000))).toBe("ア".repeat(200_000));
  });
});

describe("normalize: every table entry takes effect alone", () => {
  const whitespace = [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000];
  for (let c = 0x2000; c <= 0x200a; c++) whitespace.push(c);
  const lookalikes = [
    0x2d, 0x7e, 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0x301c, 0x3030, 0xff0d, 0xff5e,
  ];
  const hex = (c: number) => `U+${c.toString(16).toUpperCase().padStart(4, "0")}`;

  it.each(whitespace.map((c) => [hex(c), c]))("whitespace %s folds to one space", (_, c) => {
    const ws = String.fromCharCode(c as number);
    expect(normalize(`a${ws}${ws}b`, only("whitespace"))).toBe("a b");
    expect(normalize(`${ws}a${ws}`, only("whitespace"))).toBe("a");
  });

  it.each(lookalikes.map((c) => [hex(c), c]))("prolonged sound look-alike %s after kana reads as ー", (_, c) => {
    const mark = String.fromCharCode(c as number);
    expect(normalize(`ケ${mark}キ`, only("prolongedSound"))).toBe("ケーキ");
    expect(normalize(`ケ${mark}キ`)).toBe("ケーキ");
  });

  it("the half-width prolonged sound mark reads as ー", () => {
    expect(normalize("ケｰキ", only("prolongedSound"))).toBe("ケーキ");
  });

  it.each(["\uFE0E", "\uFE0F"].map((vs) => [hex(vs.charCodeAt(0)), vs]))(
    "variation selector %s is dropped",
    (_, vs) => {
      expect(normalize(`I❤${vs}LINE`, only("variationSelectors"))).toBe("I❤LINE");
    },
  );

  it("every hiragana folds to its katakana", () => {
    const hiragana: number[] = [];
    for (let c = 0x3041; c <= 0x3096; c++) hiragana.push(c);
    hiragana.push(0x309d, 0x309e);
    for (const c of hiragana) {
      expect(normalize(String.fromCharCode(c), only("kana")), hex(c)).toBe(String.fromCharCode(c + 0x60));
    }
  });

  it("upper-case ASCII and other cased letters fold alone", () => {
    expect(normalize("COUPON ÀΣ", only("case"))).toBe("coupon àς");
  });
});
