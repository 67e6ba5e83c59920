import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { DEFAULT_NORMALIZE_OPTIONS, type NormalizeOptions, normalize } from "../../src/index.js";

describe("normalize: each fold, on by default", () => {
  it.each([
    ["full-width ASCII", "ＣＯＵＰＯＮ１２３", "coupon123"],
    ["half-width katakana with voiced marks", "ﾌﾟﾚｾﾞﾝﾄ", "プレゼント"],
    ["full-width digits inside Japanese", "プレゼント２", "プレゼント2"],
  ])("width (NFKC): %s", (_, input, expected) => {
    expect(normalize(input)).toBe(expected);
  });

  it.each([
    ["ASCII", "Coupon", "coupon"],
    ["full-width upper case", "ＣＯＵＰＯＮ", "coupon"],
    ["Latin with accents", "CAFÉ", "café"],
    ["Greek and Cyrillic beside Japanese", "ΑΒΓ ПРИВЕТ プレゼント", "αβγ привет プレゼント"],
    ["after an emoji", "🎁Coupon🎁", "coupon"],
  ])("case: %s", (_, input, expected) => {
    expect(normalize(input)).toBe(expected);
  });

  it.each([
    ["hiragana to katakana", "ぷれぜんと", "プレゼント"],
    ["mixed kana", "ぷレぜント", "プレゼント"],
    ["iteration marks", "こゝろ", "コヽロ"],
    ["ゔ", "ゔぁいおりん", "ヴァイオリン"],
  ])("kana: %s", (_, input, expected) => {
    expect(normalize(input)).toBe(expected);
  });

  it.each([
    ["wave dash after kana", "ケ〜キ", "ケーキ"],
    ["full-width tilde", "ケ～キ", "ケーキ"],
    ["full-width hyphen-minus", "ケ－キ", "ケーキ"],
    ["em dash", "ケ—キ", "ケーキ"],
    ["horizontal bar", "ケ―キ", "ケーキ"],
    ["half-width mark", "ｹｰｷ", "ケーキ"],
    ["ASCII hyphen after kana", "ケ-キ", "ケーキ"],
    ["runs collapse", "すご〜〜〜ーーい", "スゴーイ"],
    ["ASCII words keep their hyphen", "e-mail", "e-mail"],
    ["numbers keep their tilde", "10~20", "10~20"],
  ])("prolongedSound: %s", (_, input, expected) => {
    expect(normalize(input)).toBe(expected);
  });

  it.each([
    ["trimmed", "  coupon  ", "coupon"],
    ["ideographic space trimmed and collapsed", "　プレゼント　　ください　", "プレゼント クダサイ"],
    ["tabs and newlines collapse to one space", "get\t\n coupon", "get coupon"],
  ])("whitespace: %s", (_, input, expected) => {
    expect(normalize(input)).toBe(expected);
  });

  it.each([
    ["heart with and without VS16 meet", "I❤️LINE", "i❤line"],
    ["text-style selector", "I❤︎LINE", "i❤line"],
  ])("variationSelectors: %s", (_, input, expected) => {
    expect(normalize(input)).toBe(expected);
  });

  it.each([
    ["full-width exclamation", "プレゼント！", "プレゼント"],
    ["emoji", "プレゼント🎁", "プレゼント"],
    ["ZWJ emoji sequence and skin tone", "👨‍👩‍👧プレゼント👍🏽", "プレゼント"],
    ["both ends with spaces between", "🎁 プレゼント ！！", "プレゼント"],
    ["ASCII punctuation", "...coupon?!", "coupon"],
    ["Japanese brackets and wave dash", "「プレゼント」〜", "プレゼント"],
    ["inner symbols kept", "プレゼント！ください", "プレゼント!クダサイ"],
    ["a message of emoji only", "🎁🎁", ""],
  ])("edgeSymbols: %s", (_, input, expected) => {
    expect(normalize(input)).toBe(expected);
  });
});

describe("normalize: each fold can be turned off", () => {
  const cases: [keyof NormalizeOptions, string, string][] = [
    ["width", "ＣＯＵＰＯＮ", "ｃｏｕｐｏｎ"],
    ["case", "Coupon", "Coupon"],
    ["kana", "ぷれぜんと", "ぷれぜんと"],
    ["prolongedSound", "ケ〜〜キ", "ケ〜〜キ"],
    ["whitespace", " get  coupon ", " get  coupon "],
    ["variationSelectors", "I❤️LINE", "i❤️line"],
    ["edgeSymbols", "プレゼント！", "プレゼント!"],
  ];
  it.each(cases)("%s: false", (fold, input, expected) => {
    expect(normalize(input, { [fold]: false })).toBe(expected);
  });

  it("with every fold off the text is unchanged", () => {
    const off = Object.fromEntries(Object.keys(DEFAULT_NORMALIZE_OPTIONS).map((k) => [k, false]));
    fc.assert(fc.property(fc.string({ unit: "binary" }), (text) => normalize(text, off) === text));
  });
});

describe("normalize: properties", () => {
  const japanese = fc.string({
    unit: fc.constantFrom(..."ぷれぜんとプレゼントｹｰｷﾌﾟ〜ー－-~ 　！!🎁❤\uFE0FAaＢb1１ 漢字、。「」".split("")),
    maxLength: 20,
  });

  it("is idempotent: a normalized text normalizes to itself", () => {
    fc.assert(fc.property(japanese, (text) => normalize(normalize(text)) === normalize(text)));
    fc.assert(fc.property(fc.string({ unit: "grapheme" }), (text) => normalize(normalize(text)) === normalize(text)));
  });

  it("never leaves whitespace or symbols at the ends", () => {
    fc.assert(
      fc.property(japanese, (text) => {
        const out = normalize(text);
        return out === "" || !/^[\p{P}\p{S}\s]|[\p{P}\p{S}\s]$/u.test(out);
      }),
    );
  });
});
