/**
 * How users type a keyword: the demo sends these for the keywords of the rule file it runs, so a
 * file about any keyword shows what exact matching misses and what normalization catches.
 */
import { type NormalizeOptions, normalize } from "../rules/normalize.js";

// Full-width katakana (and ー) to their half-width spellings, built from NFKC itself: every
// half-width kana, alone and with a voiced or semi-voiced mark, and the full-width form it folds to.
const HALF_WIDTH = buildHalfWidth();

function buildHalfWidth(): Map<string, string> {
  const map = new Map<string, string>();
  for (let c = 0xff66; c <= 0xff9d; c++) {
    const half = String.fromCharCode(c);
    for (const mark of ["", "\uff9e", "\uff9f"]) {
      const full = (half + mark).normalize("NFKC");
      if (full.length === 1 && !map.has(full)) map.set(full, half + mark);
    }
  }
  return map;
}

const toHalfWidthKana = (text: string) => Array.from(text, (c) => HALF_WIDTH.get(c) ?? c).join("");
const toHiragana = (text: string) =>
  text.replace(/[\u30a1-\u30f6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
const toFullWidthAscii = (text: string) =>
  text.replace(/[\u0021-\u007e]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/**
 * The ways users type `keywords` that the rule file's folds (`options`) still read as the keyword:
 * the keyword itself first, then half-width kana, hiragana, trailing punctuation and emoji, stray
 * spaces, full-width and capitalized Latin letters. Variants the file's folds would not match (its
 * `kana: false`, say) are left out: the demo shows what the library catches, not what it cannot.
 */
export function spellingsOf(keywords: readonly string[], options: NormalizeOptions): string[] {
  const spellings = new Set<string>();
  for (const keyword of keywords) {
    const target = normalize(keyword, options);
    if (target === "") continue;
    const variants = [
      keyword,
      toHalfWidthKana(keyword),
      toHiragana(keyword),
      `${keyword}！`,
      `${keyword}🎁`,
      ` ${keyword} `,
      `${keyword}\u3000`,
      toFullWidthAscii(keyword.toUpperCase()),
      capitalized(keyword),
      `${toHalfWidthKana(keyword)}!!`,
    ];
    for (const variant of variants) if (normalize(variant, options) === target) spellings.add(variant);
  }
  return [...spellings];
}
