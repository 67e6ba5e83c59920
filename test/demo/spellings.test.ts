import { describe, expect, it } from "vitest";
import { spellingsOf } from "../../src/demo/spellings.js";
import { DEFAULT_NORMALIZE_OPTIONS, normalize } from "../../src/index.js";

describe("spellingsOf: how users type a rule file's keywords", () => {
  it("spells Japanese and Latin keywords the ways users type them", () => {
    const spellings = spellingsOf(["プレゼント", "present"], {});
    expect(spellings).toEqual(
      expect.arrayContaining([
        "プレゼント",
        "ﾌﾟﾚｾﾞﾝﾄ",
        "ぷれぜんと",
        "プレゼント！",
        "ＰＲＥＳＥＮＴ",
        "Present",
        "ﾌﾟﾚｾﾞﾝﾄ!!",
      ]),
    );
    expect(spellingsOf(["ケーキ"], {})).toEqual(expect.arrayContaining(["ｹｰｷ", "けーき"]));
  });

  it("every spelling reads as its keyword under the file's folds", () => {
    for (const options of [DEFAULT_NORMALIZE_OPTIONS, { kana: false }, { width: false, case: false }]) {
      const keywords = ["プレゼント", "Coupon"];
      const targets = keywords.map((k) => normalize(k, options));
      for (const spelling of spellingsOf(keywords, options)) {
        expect(targets, spelling).toContain(normalize(spelling, options));
      }
    }
  });

  it("leaves out spellings the file's folds do not read as the keyword", () => {
    expect(spellingsOf(["プレゼント"], { kana: false })).not.toContain("ぷれぜんと");
    expect(spellingsOf(["プレゼント"], { width: false })).not.toContain("ﾌﾟﾚｾﾞﾝﾄ");
  });
});
