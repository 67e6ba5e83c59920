/**
 * Japanese-aware text folding, applied with the same options to keywords when rules are compiled
 * and to every incoming message when it is matched, so both sides always meet in one form.
 */

/**
 * Which folds {@link normalize} applies. Every fold is on unless set to `false`.
 *
 * The defaults follow LINE's own auto-response, which does not distinguish upper and lower case
 * or double- and single-byte characters, and add the folds Japanese users need in practice.
 */
export interface NormalizeOptions {
  /** Unicode NFKC: full-width ASCII and half-width katakana to their usual forms (`ＡＢＣ` → `ABC`, `ﾌﾟﾚｾﾞﾝﾄ` → `プレゼント`). */
  width?: boolean;
  /** Case folding (`Coupon` → `coupon`). */
  case?: boolean;
  /** Hiragana folded into katakana (`ぷれぜんと` → `プレゼント`). */
  kana?: boolean;
  /**
   * Prolonged sound marks and their look-alikes (`ー ｰ － — ― ～ 〜 - ~`) unified to `ー` and runs
   * collapsed (`ケ〜〜キ` → `ケーキ`). Look-alikes fold only after kana, so `e-mail` keeps its hyphen.
   */
  prolongedSound?: boolean;
  /** Whitespace (including the ideographic space) trimmed at both ends and runs collapsed to one space. */
  whitespace?: boolean;
  /** Emoji variation selectors (U+FE0E, U+FE0F) dropped, so `❤️` and `❤` are one character. */
  variationSelectors?: boolean;
  /**
   * Punctuation, symbols and emoji stripped at both ends of the message
   * (`プレゼント！` and `🎁プレゼント🎁` become `プレゼント`). Inner ones are kept.
   */
  edgeSymbols?: boolean;
}

/** The folds with every option resolved; what compiled rule sets carry. */
export type ResolvedNormalizeOptions = Required<NormalizeOptions>;

/** Every fold on: the default of rule files and of {@link normalize}. */
export const DEFAULT_NORMALIZE_OPTIONS: ResolvedNormalizeOptions = Object.freeze({
  width: true,
  case: true,
  kana: true,
  prolongedSound: true,
  whitespace: true,
  variationSelectors: true,
  edgeSymbols: true,
});

/** Fills in the defaults for the options that are not set. */
export function resolveNormalizeOptions(options: NormalizeOptions = {}): ResolvedNormalizeOptions {
  return { ...DEFAULT_NORMALIZE_OPTIONS, ...options };
}

const PROLONGED_MARK = 0x30fc; // ー
const HALFWIDTH_PROLONGED_MARK = 0xff70; // ｰ
const SPACE = 0x20;

// One table read tells what a code unit is, so the folding loop costs little for characters
// that no fold touches (most of every message).
const HIRAGANA = 1; // folded to katakana (+0x60)
const KANA = 2; // a kana or ー: after it, a look-alike reads as ー
const LOOKALIKE = 4; // dashes, minus signs and tildes typed instead of ー
const WHITESPACE = 8;
const VARIATION_SELECTOR = 16;
const UPPER_ASCII = 32; // A-Z, lower-cased in the loop
const MAY_HAVE_CASE = 64; // not known to be caseless: the result goes through toLowerCase()
const NFKC_UNSTABLE = 128; // not in NFKC_STABLE below: a text holding it may change under NFKC

// The CJK unified ideographs (U+4E00-U+9FFF) need no fold, are their own NFKC form and are not
// edge symbols. Messages use hundreds of them, spread over 21 000 code points: one range test
// spares a cache miss per kanji in every table below, which is most of the folding cost under load.
const CJK_FIRST = 0x4e00;
const CJK_COUNT = 0xa000 - 0x4e00;

function isCjkIdeograph(c: number): boolean {
  return (c - CJK_FIRST) >>> 0 < CJK_COUNT;
}

function buildCharClasses(): Uint8Array {
  const table = new Uint8Array(0x10000);
  const mark = (from: number, to: number, flag: number) => {
    for (let c = from; c <= to; c++) table[c] |= flag;
  };
  mark(0x3041, 0x3096, HIRAGANA);
  mark(0x309d, 0x309e, HIRAGANA); // ゝゞ -> ヽヾ
  mark(0x3041, 0x309f, KANA);
  mark(0x30a1, 0x30ff, KANA);
  mark(0xff66, 0xff9f, KANA);
  for (const c of [
    0x2d, 0x7e, 0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0x301c, 0x3030, 0xff0d, 0xff5e,
  ]) {
    mark(c, c, LOOKALIKE);
  }
  // Unicode White_Space, so the fold also works with `width` off (NFKC maps most to U+0020).
  for (const c of [0x20, 0x85, 0xa0, 0x1680, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000]) mark(c, c, WHITESPACE);
  mark(0x09, 0x0d, WHITESPACE);
  mark(0x2000, 0x200a, WHITESPACE);
  mark(0xfe0e, 0xfe0f, VARIATION_SELECTOR);
  mark(0x41, 0x5a, UPPER_ASCII);
  // Everything else may change under toLowerCase() unless it is in a range known to be
  // caseless: ASCII, kana, CJK punctuation and ideographs, and the fold targets above.
  mark(0x80, 0xffff, MAY_HAVE_CASE);
  for (const [from, to] of [
    [0x2000, 0x206f],
    [0x3000, 0x30ff],
    [0x3400, 0x4dbf],
    [0x4e00, 0x9fff],
    [0xfe0e, 0xfe0f],
    [0xff01, 0xff20],
    [0xff3b, 0xff40],
    [0xff5b, 0xff9f],
  ] as const) {
    for (let c = from; c <= to; c++) table[c] &= ~MAY_HAVE_CASE;
  }
  for (let c = 0; c < 0x10000; c++) if (NFKC_STABLE[c] === 0) table[c] |= NFKC_UNSTABLE;
  return table;
}

// Code units that NFKC leaves alone wherever they stand: each maps to itself, has canonical
// combining class 0, and never composes with the character before it (NFC_Quick_Check=Yes).
// A text made only of them is already in NFKC, and the costly normalize("NFKC") is skipped:
// ASCII, hiragana and katakana (not the combining or spacing sound marks U+3099-U+309C, nor the
// ligatures ゟ ヿ), the CJK unified ideographs and the common Japanese punctuation.
// test/rules/normalize-fast-path.test.ts checks every entry against String.prototype.normalize.
const NFKC_STABLE = tableOfRanges(0x10000, [
  [0x00, 0x7f],
  [0x3001, 0x3002],
  [0x300c, 0x300f],
  [0x3041, 0x3096],
  [0x30a1, 0x30fe],
  [0x4e00, 0x9fff],
]);

/** A table of `size` entries, 1 for the code units in the inclusive `ranges`, 0 elsewhere. */
function tableOfRanges(size: number, ranges: readonly (readonly [number, number])[]): Uint8Array {
  const table = new Uint8Array(size);
  for (const [from, to] of ranges) table.fill(1, from, to + 1);
  return table;
}

// After NFKC_STABLE, which it folds in as the NFKC_UNSTABLE bit.
const CHAR_CLASS = buildCharClasses();

/** Whether `text` is made only of code units NFKC leaves alone, so it is its own NFKC form. */
export function isNfkcStable(text: string): boolean {
  return isNfkcStableRange(text, 0, text.length);
}

// Code units that every fold keeps as exactly one code unit, whatever the options and their
// neighbours: ASCII letters and digits, hiragana and katakana letters, CJK ideographs. None is
// an edge symbol or a space, none changes under NFKC or composes with what comes before it, and
// case and kana folds map each to one code unit. Counting them bounds the folded length from below.
const SOLID_LOW = tableOfRanges(0x3100, [
  [0x30, 0x39],
  [0x41, 0x5a],
  [0x61, 0x7a],
  [0x3041, 0x3096],
  [0x30a1, 0x30fa],
]);

function isSolid(c: number): boolean {
  return isCjkIdeograph(c) || (c < 0x3100 && SOLID_LOW[c] === 1);
}

/**
 * Whether `text` certainly folds to more than `limit` code units, under any options: it holds
 * more than `limit` code units that no fold removes. Lets an exact-only matcher turn away a
 * message longer than its longest keyword after reading a few characters, without folding it.
 */
export function foldsLongerThan(text: string, limit: number): boolean {
  let solid = 0;
  for (let i = 0; i < text.length; i++) {
    if (isSolid(text.charCodeAt(i)) && ++solid > limit) return true;
  }
  return false;
}

// Characters stripped at the ends of a message: punctuation, symbols (emoji are So), format
// characters (ZWJ, tags), emoji variation selectors and the keycap mark that complete an emoji.
// biome-ignore lint/suspicious/noMisleadingCharacterClass: tested one character at a time, on purpose.
const EDGE_SYMBOL_PATTERN = /^[\p{P}\p{S}\p{Cf}\p{Cc}\uFE0E\uFE0F\u20E3]$/u;
const EDGE_SPACE_PATTERN = /^\p{White_Space}$/u;
const EDGE_SYMBOL = 1;
const EDGE_SPACE = 2;
const KNOWN = 4;

// Unicode property lookups are the slow part of edge stripping; each character is classified
// once, on first sight, and remembered (a table for the BMP, a map for emoji and other astral).
const edgeClassBmp = new Uint8Array(0x10000);
const edgeClassAstral = new Map<number, number>();

function edgeClass(codePoint: number): number {
  if (isCjkIdeograph(codePoint)) return KNOWN;
  if (codePoint <= 0xffff) {
    const known = edgeClassBmp[codePoint] as number;
    if (known !== 0) return known;
  } else {
    const known = edgeClassAstral.get(codePoint);
    if (known !== undefined) return known;
  }
  const char = String.fromCodePoint(codePoint);
  const cls =
    KNOWN | (EDGE_SYMBOL_PATTERN.test(char) ? EDGE_SYMBOL : 0) | (EDGE_SPACE_PATTERN.test(char) ? EDGE_SPACE : 0);
  if (codePoint <= 0xffff) edgeClassBmp[codePoint] = cls;
  else if (edgeClassAstral.size < 4096) edgeClassAstral.set(codePoint, cls);
  return cls;
}

// Where the text left by stripping its edges starts and ends (set by edgeBounds).
let edgeStart = 0;
let edgeEnd = 0;

/** Finds the part of `text` left when edge characters of class `mask` are stripped: edgeStart..edgeEnd. */
function edgeBounds(text: string, mask: number): void {
  // Most messages start and end with a letter, which is never stripped: two table reads instead
  // of the code point and property lookups below.
  if (text.length > 0 && isSolid(text.charCodeAt(0)) && isSolid(text.charCodeAt(text.length - 1))) {
    edgeStart = 0;
    edgeEnd = text.length;
    return;
  }
  let start = 0;
  while (start < text.length) {
    const cp = text.codePointAt(start) as number;
    if ((edgeClass(cp) & mask) === 0) break;
    start += cp > 0xffff ? 2 : 1;
  }
  let end = text.length;
  while (end > start) {
    const low = text.charCodeAt(end - 1);
    const pair = low >= 0xdc00 && low <= 0xdfff && end - 2 >= start && isHighSurrogate(text.charCodeAt(end - 2));
    const cp = pair ? (text.codePointAt(end - 2) as number) : low;
    if ((edgeClass(cp) & mask) === 0) break;
    end -= pair ? 2 : 1;
  }
  edgeStart = start;
  edgeEnd = end;
}

function stripEdges(text: string, mask: number): string {
  edgeBounds(text, mask);
  return edgeStart === 0 && edgeEnd === text.length ? text : text.slice(edgeStart, edgeEnd);
}

/** Whether the code units of `text` from `from` to `to` are all NFKC-stable. */
function isNfkcStableRange(text: string, from: number, to: number): boolean {
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (!isCjkIdeograph(c) && NFKC_STABLE[c] === 0) return false;
  }
  return true;
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

// Reused between calls: building the result in a typed array and converting once is several
// times faster than appending one character at a time for the short texts LINE users send.
let scratch = new Uint16Array(256);

/**
 * Folds `text` so that the ways users type one keyword become one string.
 *
 * The folds run in a fixed order: width (NFKC), edge symbols and whitespace, case, then one pass
 * for variation selectors, kana, prolonged sound marks and inner whitespace.
 *
 * @example
 * ```ts
 * normalize("ﾌﾟﾚｾﾞﾝﾄ！");    // "プレゼント"
 * normalize("ぷれぜんと🎁");   // "プレゼント"
 * normalize("すご〜〜い", { kana: false }); // "すごーい"
 * ```
 */
export function normalize(text: string, options?: NormalizeOptions): string {
  return normalizeResolved(text, options ? resolveNormalizeOptions(options) : DEFAULT_NORMALIZE_OPTIONS);
}

/** {@link normalize} without re-resolving the options: the matcher's hot path. */
export function normalizeResolved(text: string, o: ResolvedNormalizeOptions): string {
  return normalizeWith(text, o, false);
}

/** {@link normalize} that always runs NFKC: the reference the fast path is tested against. */
export function normalizeSlow(text: string, options?: NormalizeOptions): string {
  return normalizeWith(text, options ? resolveNormalizeOptions(options) : DEFAULT_NORMALIZE_OPTIONS, true);
}

/** The code units of the last {@link foldCodes}, valid up to its return value until the next call. */
export function foldedCodes(): Uint16Array {
  return scratch;
}

/**
 * {@link normalizeResolved} without building the string, for the matcher: the folded text is left
 * in {@link foldedCodes} and its length returned. Returns -1 for the rare texts whose fold needs
 * the string (options that skip the loop, a second pass to the fixed point): call
 * {@link normalizeResolved} for those.
 */
export function foldCodes(text: string, o: ResolvedNormalizeOptions): number {
  if (!(o.kana || o.prolongedSound || o.whitespace || o.variationSelectors)) return -1;
  const edgeMask = o.whitespace ? EDGE_SYMBOL | EDGE_SPACE : EDGE_SYMBOL;
  if (o.edgeSymbols) edgeBounds(text, edgeMask);
  else {
    edgeStart = 0;
    edgeEnd = text.length;
  }
  const start = edgeStart;
  const end = edgeEnd;
  // Most texts are their own NFKC form: fold them straight away, checking each code unit in the
  // same pass (and the stripped edges, which NFKC could have turned into letters: ① → 1), and
  // run NFKC only when the check fails.
  const edgesStable = !o.width || (isNfkcStableRange(text, 0, start) && isNfkcStableRange(text, end, text.length));
  let n = edgesStable ? foldLoop(text, start, end, o, o.width) : NOT_NFKC_STABLE;
  if (n === NOT_NFKC_STABLE) {
    let s = text.normalize("NFKC");
    if (o.edgeSymbols) s = stripEdges(s, edgeMask);
    n = foldLoop(s, 0, s.length, o, false);
  }
  return n < 0 ? -1 : n;
}

// foldLoop's flags beside its result: whether the text changed, and whether it needs a second pass.
let loopChanged = false;
let loopNeedsLowerCase = false;
let loopDroppedSelector = false;

function normalizeWith(text: string, o: ResolvedNormalizeOptions, slow: boolean): string {
  let s = o.width && (slow || !isNfkcStable(text)) ? text.normalize("NFKC") : text;
  // Spaces between edge symbols ("プレゼント ！") go with them; plain edge spaces are trimmed below.
  if (o.edgeSymbols) s = stripEdges(s, o.whitespace ? EDGE_SYMBOL | EDGE_SPACE : EDGE_SYMBOL);
  if (!(o.kana || o.prolongedSound || o.whitespace || o.variationSelectors)) return o.case ? s.toLowerCase() : s;
  let n = foldLoop(s, 0, s.length, o, false);
  if (n < 0) n = -n - 1;
  const folded = loopChanged ? fromCharCodes(scratch, n) : s;
  const result = loopNeedsLowerCase ? folded.toLowerCase() : folded;
  // Rare texts need a second pass to reach a fixed point, so that normalizing twice changes
  // nothing: a dropped selector can let NFKC compose its neighbours (`e\uFE0F\u0301` → `é`), and
  // toLowerCase() can produce characters NFKC or the loop fold. Common texts (ASCII, kana) skip it.
  if (result !== s && (loopDroppedSelector || loopNeedsLowerCase)) return normalizeWith(result, o, slow);
  return result;
}

/** What {@link foldLoop} returns when asked to check NFKC stability and the text has an unstable code unit. */
const NOT_NFKC_STABLE = -0x7fffffff;

/**
 * The folding pass over `s` from `start` to `end` into `scratch`. Returns the folded length, or
 * `-length - 1` when the result still needs toLowerCase() or a second pass (see the loop* flags).
 * With `checkStable`, stops at the first code unit NFKC may change and returns NOT_NFKC_STABLE.
 */
function foldLoop(s: string, start: number, end: number, o: ResolvedNormalizeOptions, checkStable: boolean): number {
  // Case is folded in the loop for ASCII; toLowerCase() runs only when the text has other
  // characters that may have case, which Japanese chat rarely does.
  const foldCase = o.case;
  let needsLowerCase = false;
  const foldKana = o.kana;
  const foldProlonged = o.prolongedSound;
  const foldSpace = o.whitespace;
  const dropSelectors = o.variationSelectors;
  const classMask = checkStable ? 0xff : ~NFKC_UNSTABLE & 0xff;
  const length = end - start;
  if (scratch.length < length) scratch = new Uint16Array(Math.max(length, scratch.length * 2));
  const out = scratch;
  let n = 0;
  let changed = false;
  let droppedSelector = false;
  for (let i = start; i < end; i++) {
    let c = s.charCodeAt(i);
    const cls = isCjkIdeograph(c) ? 0 : (CHAR_CLASS[c] as number) & classMask;
    if (cls === 0) {
      out[n++] = c;
      continue;
    }
    if (cls & NFKC_UNSTABLE) return NOT_NFKC_STABLE;
    // Kana letters, most of Japanese text, need at most the shift to katakana. ー and ｰ carry
    // KANA too but fold with their neighbours, so they go the long way.
    if (cls === KANA && c !== PROLONGED_MARK && c !== HALFWIDTH_PROLONGED_MARK) {
      out[n++] = c;
      continue;
    }
    if (cls === (HIRAGANA | KANA)) {
      if (foldKana) {
        c += 0x60;
        changed = true;
      }
      out[n++] = c;
      continue;
    }
    if (cls & (UPPER_ASCII | MAY_HAVE_CASE)) {
      if (foldCase) {
        if (cls & UPPER_ASCII) {
          c += 0x20;
          changed = true;
        } else needsLowerCase = true;
      }
      // A character that may have case can still be one the folds below touch (U+2212 MINUS SIGN,
      // U+00A0 NO-BREAK SPACE): only the ones with no other class are done here.
      if ((cls & ~(UPPER_ASCII | MAY_HAVE_CASE)) === 0) {
        out[n++] = c;
        continue;
      }
    }
    if (dropSelectors && cls & VARIATION_SELECTOR) {
      changed = true;
      droppedSelector = true;
      continue;
    }
    if (foldKana && cls & HIRAGANA) {
      c += 0x60;
      changed = true;
    }
    if (foldProlonged) {
      const previous = n > 0 ? out[n - 1] : 0;
      if (c === HALFWIDTH_PROLONGED_MARK || (cls & LOOKALIKE && CHAR_CLASS[previous] & KANA)) {
        c = PROLONGED_MARK;
        changed = true;
      }
      if (c === PROLONGED_MARK && previous === PROLONGED_MARK) {
        changed = true;
        continue;
      }
    }
    if (foldSpace && cls & WHITESPACE) {
      if (n === 0 || out[n - 1] === SPACE) {
        changed = true;
        continue;
      }
      if (c !== SPACE) changed = true;
      c = SPACE;
    }
    out[n++] = c;
  }
  if (foldSpace && n > 0 && out[n - 1] === SPACE) {
    n--;
    changed = true;
  }
  loopChanged = changed;
  loopNeedsLowerCase = needsLowerCase;
  loopDroppedSelector = droppedSelector;
  return needsLowerCase || droppedSelector ? -n - 1 : n;
}

// String.fromCharCode.apply takes its arguments on the stack, which overflows near 130 000 code
// units: long texts are converted in slices.
const SLICE = 8192;

export function fromCharCodes(codes: Uint16Array, length: number): string {
  if (length <= SLICE) return String.fromCharCode.apply(null, codes.subarray(0, length) as unknown as number[]);
  let text = "";
  for (let from = 0; from < length; from += SLICE) {
    const slice = codes.subarray(from, Math.min(from + SLICE, length));
    text += String.fromCharCode.apply(null, slice as unknown as number[]);
  }
  return text;
}
