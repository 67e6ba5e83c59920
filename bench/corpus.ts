/**
 * A seeded, repeatable corpus for the matching benchmark: keywords that look like campaign
 * keywords (katakana, hiragana, kanji, ASCII words) and messages that look like LINE chat,
 * a share of them typed the way users type keywords (hiragana, full width, "！", emoji).
 */
import { seededRandom as random } from "../src/testing/emulator/faults.js";

const KATAKANA =
  "アイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワンガギグゲゴザジズゼゾダヂヅデドバビブベボパピプペポャュョッー";
const HIRAGANA = "あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん";
const KANJI = "日本語会員限定特典応募抽選当選無料配布受付開始終了期間中新春夏秋冬季節店舗商品割引券送料込";
const ASCII = "abcdefghijklmnopqrstuvwxyz";

export interface Corpus {
  /** Keyword rules in file order: `exact` or `contains`, one keyword each. */
  rules: { id: string; match: "exact" | "contains"; keywords: [string] }[];
  messages: string[];
}

/**
 * `keywordCount` unique keywords, half exact and half contains (or all exact), and
 * `messageCount` messages: about 15% an exact keyword as users type it, 25% a contains keyword
 * inside chatter, the rest chatter that may or may not meet a keyword by chance.
 */
export function makeCorpus(keywordCount: number, messageCount: number, options: { exactOnly?: boolean } = {}): Corpus {
  const next = random(keywordCount * 7919 + (options.exactOnly ? 1 : 0));
  const pick = (alphabet: string) => alphabet[Math.floor(next() * alphabet.length)] as string;
  const word = (alphabet: string, min: number, max: number) => {
    const length = min + Math.floor(next() * (max - min + 1));
    let out = "";
    for (let i = 0; i < length; i++) out += pick(alphabet);
    return out;
  };
  const keywordOf = () => {
    const r = next();
    if (r < 0.4) return word(KATAKANA, 3, 7);
    if (r < 0.55) return word(HIRAGANA, 3, 6);
    if (r < 0.7) return word(KANJI, 2, 4) + word(KATAKANA, 0, 3);
    return word(ASCII, 4, 10);
  };

  const seen = new Set<string>();
  const rules: Corpus["rules"] = [];
  while (rules.length < keywordCount) {
    const keyword = keywordOf();
    // Keywords are unique after normalization (hiragana folds into katakana).
    const key = toKatakana(keyword);
    if (seen.has(key)) continue;
    seen.add(key);
    const match = options.exactOnly || rules.length % 2 === 0 ? "exact" : "contains";
    rules.push({ id: `r${rules.length}`, match, keywords: [keyword] });
  }

  const chatter = () => {
    const parts: string[] = [];
    const count = 1 + Math.floor(next() * 4);
    for (let i = 0; i < count; i++) {
      const r = next();
      parts.push(
        r < 0.35
          ? word(HIRAGANA, 2, 8)
          : r < 0.55
            ? word(KANJI, 1, 4)
            : r < 0.75
              ? word(KATAKANA, 2, 6)
              : word(ASCII, 2, 8),
      );
    }
    return parts.join(next() < 0.5 ? "" : " ");
  };
  const exactRules = rules.filter((r) => r.match === "exact");
  const containsRules = rules.filter((r) => r.match === "contains");
  const messages: string[] = [];
  for (let i = 0; i < messageCount; i++) {
    const r = next();
    if (r < 0.15 && exactRules.length > 0) {
      messages.push(asTyped(exactRules[Math.floor(next() * exactRules.length)]?.keywords[0] as string, next));
    } else if (r < 0.4 && containsRules.length > 0) {
      messages.push(`${chatter()}${containsRules[Math.floor(next() * containsRules.length)]?.keywords[0]}${chatter()}`);
    } else {
      messages.push(chatter());
    }
  }
  return { rules, messages: asDelivered(messages) };
}

/**
 * The Japanese-heavy shape of issue #16: keywords of 3 to 8 characters, messages of 10 to 50
 * characters drawn from hiragana, katakana, kanji and ASCII, 35% of them carrying a keyword (5%
 * an exact keyword as users type it, 30% a contains keyword inside the chatter).
 */
export function makeJapaneseCorpus(
  keywordCount: number,
  messageCount: number,
  options: { exactOnly?: boolean } = {},
): Corpus {
  const next = random(keywordCount * 104729 + (options.exactOnly ? 1 : 0));
  const pick = (alphabet: string) => alphabet[Math.floor(next() * alphabet.length)] as string;
  const word = (alphabet: string, min: number, max: number) => {
    const length = min + Math.floor(next() * (max - min + 1));
    let out = "";
    for (let i = 0; i < length; i++) out += pick(alphabet);
    return out;
  };
  const alphabetOf = () => {
    const r = next();
    return r < 0.35 ? HIRAGANA : r < 0.6 ? KATAKANA : r < 0.85 ? KANJI : ASCII;
  };
  const seen = new Set<string>();
  const rules: Corpus["rules"] = [];
  while (rules.length < keywordCount) {
    const keyword = word(alphabetOf(), 3, 8);
    const key = toKatakana(keyword);
    if (seen.has(key)) continue;
    seen.add(key);
    const match = options.exactOnly || rules.length % 2 === 0 ? "exact" : "contains";
    rules.push({ id: `r${rules.length}`, match, keywords: [keyword] });
  }
  // Chatter of exactly `length` characters, in runs of one script each (2 to 8 characters).
  const chatter = (length: number) => {
    let out = "";
    while (out.length < length) out += word(alphabetOf(), 2, 8);
    return out.slice(0, length);
  };
  const exactRules = rules.filter((r) => r.match === "exact");
  const containsRules = rules.filter((r) => r.match === "contains");
  const messages: string[] = [];
  for (let i = 0; i < messageCount; i++) {
    const r = next();
    const length = 10 + Math.floor(next() * 41);
    if (r < 0.05 && exactRules.length > 0) {
      messages.push(asTyped(exactRules[Math.floor(next() * exactRules.length)]?.keywords[0] as string, next));
    } else if (r < 0.35 && containsRules.length > 0) {
      const keyword = containsRules[Math.floor(next() * containsRules.length)]?.keywords[0] as string;
      const rest = Math.max(0, length - keyword.length);
      const before = Math.floor(next() * (rest + 1));
      messages.push(`${chatter(before)}${keyword}${chatter(rest - before)}`);
    } else {
      messages.push(chatter(length));
    }
  }
  return { rules, messages: asDelivered(messages) };
}

function toKatakana(text: string): string {
  return text.replace(/[\u3041-\u3096]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0x60));
}

// The keyword as a user might type it: other kana, full width or upper case, a "！" or an emoji.
function asTyped(keyword: string, next: () => number): string {
  let typed = keyword;
  const r = next();
  if (r < 0.3) typed = keyword.replace(/[\u30a1-\u30f6]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x60));
  else if (r < 0.5) typed = keyword.replace(/[a-z]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x20 + 0xfee0));
  else if (r < 0.6) typed = keyword.toUpperCase();
  const end = next();
  return end < 0.2 ? `${typed}！` : end < 0.35 ? `${typed}🎁` : typed;
}

/**
 * The messages as a webhook delivers them. Built by concatenation and slicing, each was a rope
 * (a cons or sliced string) whose every character read walks to its parts; `JSON.parse` of the
 * webhook body gives each text as one flat string. Matching read ropes about 12% slower.
 */
function asDelivered(messages: string[]): string[] {
  return JSON.parse(JSON.stringify(messages)) as string[];
}
