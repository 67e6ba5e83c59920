/**
 * The compiled form of a rule set: every keyword normalized once, exact keywords in a hash map,
 * prefix and contains keywords in one Aho-Corasick automaton, regexes on RE2. Shared by the
 * matcher (the best active keyword) and by lint (every keyword a text meets).
 */
import { AhoCorasick } from "./aho-corasick.js";
import { arrayOfLength } from "./array-of-length.js";
import {
  fromCharCodes,
  normalizeResolved,
  type ResolvedNormalizeOptions,
  resolveNormalizeOptions,
} from "./normalize.js";
import { type NormalizedKeywords, normalizedKeywordsOf } from "./normalized-keywords.js";
import { type CompiledRegex, compileRegex } from "./regex.js";
import { MATCH_KINDS, type MatchKind, type Rule, type RuleSet, type SourceType } from "./schema.js";
import { StringTable } from "./string-table.js";
import { parseInstant } from "./time.js";

/** Bit per source type, so a rule's allowed sources are one mask test. */
export const SOURCE_BIT: Readonly<Record<SourceType, number>> = { user: 1, group: 2, room: 4 };

/** A rule with what matching needs precomputed. */
export interface IndexedRule {
  readonly rule: Rule;
  /** Position in the file. */
  readonly index: number;
  /** Position after sorting by priority (higher first), then file order: 0 is tried first. */
  readonly rank: number;
  /** Window start in epoch ms (inclusive), or -Infinity. */
  readonly from: number;
  /** Window end in epoch ms (exclusive), or +Infinity. */
  readonly until: number;
  readonly sourceMask: number;
}

/** One keyword of one rule. */
export interface KeywordEntry {
  readonly rule: IndexedRule;
  /** The keyword as written in the rule. */
  readonly keyword: string;
  readonly keywordIndex: number;
  /** The keyword after normalization (the pattern itself for regex rules). */
  readonly normalized: string;
  readonly kind: MatchKind;
  /** Tie-breaking order over all entries: rule rank, then keyword position. Lower wins. */
  readonly order: number;
}

/** A keyword that a text meets, and where (UTF-16 offset in the normalized text; 0 for exact and regex). */
export interface KeywordHit {
  readonly entry: KeywordEntry;
  readonly start: number;
}

/** What a search answers when no keyword wins. */
export const NO_ENTRY = -1;

// An entry's kind is its position in MATCH_KINDS, kept in a byte.
const EXACT = MATCH_KINDS.indexOf("exact");
const PREFIX = MATCH_KINDS.indexOf("prefix");
const CONTAINS = MATCH_KINDS.indexOf("contains");
const REGEX = MATCH_KINDS.indexOf("regex");

/**
 * Rules and keywords are kept column by column in typed arrays, one slot per rule and one per
 * keyword, and searches answer an entry's `order`. Objects ({@link IndexedRule},
 * {@link KeywordEntry}) are made only when asked for, by lint and explain: on 100,000 rules those
 * two objects per keyword were most of a compile's garbage-collection time, and scattered reads
 * on the hot path.
 */
export class KeywordIndex {
  readonly options: ResolvedNormalizeOptions;
  /** Whether any rule has a window, so matching must know the time. */
  readonly hasWindows: boolean;
  /**
   * The longest exact keyword (code units, normalized) when exact keywords are all there is to
   * match (no contains, prefix or regex rule), else -1: a text that folds longer matches nothing.
   */
  readonly exactOnlyMaxLength: number;

  /** The rules as compiled, in file order (the set's own list may change afterwards). */
  private readonly ruleList: readonly Rule[];
  /** Per rule, in file order: position after sorting by priority, window edges (epoch ms), allowed sources. */
  private readonly ruleRank: Int32Array;
  private readonly ruleFrom: Float64Array;
  private readonly ruleUntil: Float64Array;
  private readonly ruleSourceMask: Uint8Array;
  /**
   * Per entry, by order (rule rank, then keyword position; lower wins): its rule (file index),
   * the keyword's position in the rule, its kind, the keyword as written and normalized (the
   * pattern itself for regex rules).
   */
  private readonly entryRule: Int32Array;
  private readonly entryKeywordIndex: Int32Array;
  private readonly entryKind: Uint8Array;
  private readonly entryKeyword: string[];
  private readonly entryNormalized: string[];

  /**
   * Normalized exact keyword -> its first entry. Entries sharing a normalized keyword are
   * chained through `sameKeyword` in order: one number per keyword, not an array.
   */
  private readonly exact: StringTable;
  private readonly automaton: AhoCorasick | undefined;
  /** Pattern id -> the first contains or prefix entry with that normalized keyword (chained likewise). */
  private readonly byPattern: Int32Array;
  /** Entry order -> the next entry with the same normalized keyword and the same lookup, or -1. */
  private readonly sameKeyword: Int32Array;
  /**
   * Pattern id -> its first entry's source mask when that entry is all there is to know (the
   * pattern's only entry, a contains keyword, its rule without a window), else 0. Most hits are
   * decided from this and `byPattern` alone.
   */
  private readonly patternPlainMask: Uint8Array;
  /** Regex entries in order, with their compiled patterns. */
  private readonly regexOrder: number[] = [];
  private readonly regexes: CompiledRegex[] = [];
  /** Lengths (UTF-16, capped at EXACT_LENGTH_CAP) of the exact keywords: most texts skip the lookup. */
  private readonly exactLengths = new Uint8Array(EXACT_LENGTH_CAP + 1);
  private indexedRules: IndexedRule[] | undefined;
  private keywordEntries: KeywordEntry[] | undefined;

  /**
   * Indexes a rule set. Keywords that cannot match (empty after normalization, refused regexes)
   * are left out: `checkRuleSet` reports them, and the matcher never loads such a set.
   */
  constructor(ruleSet: RuleSet) {
    this.options = resolveNormalizeOptions(ruleSet.normalize);
    const ruleList = ruleSet.rules.slice();
    this.ruleList = ruleList;
    // Each step is its own function with one loop, as in the automaton: a loader runs once per
    // set, mostly before the engine has optimized it, and one long constructor (with the
    // normalizer inlined) took the optimizing compiler over 100 ms of CPU on 100,000 rules.
    const rules = ruleColumns(ruleList, ruleSet.timezone);
    this.ruleRank = rules.rank;
    this.ruleFrom = rules.from;
    this.ruleUntil = rules.until;
    this.ruleSourceMask = rules.sourceMask;
    this.hasWindows = rules.hasWindows;
    // What parseRuleSet's checks normalized, for the same keyword strings under the same options.
    const entries = entryColumns(ruleList, rules.byRank, this.options, normalizedKeywordsOf(ruleSet, this.options));
    this.entryRule = entries.rule;
    this.entryKeywordIndex = entries.keywordIndex;
    this.entryKind = entries.kind;
    this.entryKeyword = entries.keyword;
    this.entryNormalized = entries.normalized;

    const lookups = chainSameKeywords(entries, this.exactLengths);
    this.exact = lookups.exact;
    this.sameKeyword = lookups.sameKeyword;
    this.byPattern = lookups.firstOfPattern;
    this.patternPlainMask = plainMasks(lookups, entries, rules);
    for (const order of lookups.regexOrder) {
      const compiled = compileRegex(entries.normalized[order] as string, this.options.case);
      if (compiled.ok) {
        this.regexOrder.push(order);
        this.regexes.push(compiled.regex);
      }
    }
    this.automaton = lookups.patterns.length > 0 ? new AhoCorasick(lookups.patterns) : undefined;
    this.exactOnlyMaxLength = this.automaton === undefined && this.regexes.length === 0 ? lookups.longestExact : -1;
  }

  /** The rule of entry `order`. */
  ruleOf(order: number): Rule {
    return this.ruleList[this.entryRule[order] as number] as Rule;
  }

  /** The keyword of entry `order`, as written in its rule. */
  keywordOf(order: number): string {
    return this.entryKeyword[order] as string;
  }

  /** The keyword of entry `order` normalized (the pattern itself for a regex rule). */
  normalizedOf(order: number): string {
    return this.entryNormalized[order] as string;
  }

  kindOf(order: number): MatchKind {
    return MATCH_KINDS[this.entryKind[order] as number] as MatchKind;
  }

  /** Every rule, in file order (made on first use: lint and explain need them, matching does not). */
  get rules(): readonly IndexedRule[] {
    if (this.indexedRules === undefined) {
      this.indexedRules = this.ruleList.map((rule, index) => ({
        rule,
        index,
        rank: this.ruleRank[index] as number,
        from: this.ruleFrom[index] as number,
        until: this.ruleUntil[index] as number,
        sourceMask: this.ruleSourceMask[index] as number,
      }));
    }
    return this.indexedRules;
  }

  /** Every keyword of every rule the matcher answers for, by order (made on first use). */
  get entries(): readonly KeywordEntry[] {
    if (this.keywordEntries === undefined) {
      const rules = this.rules;
      this.keywordEntries = Array.from(this.entryRule, (rule, order) => ({
        rule: rules[rule] as IndexedRule,
        keyword: this.entryKeyword[order] as string,
        keywordIndex: this.entryKeywordIndex[order] as number,
        normalized: this.entryNormalized[order] as string,
        kind: this.kindOf(order),
        order,
      }));
    }
    return this.keywordEntries;
  }

  /**
   * The winning keyword for a normalized text: among keywords that match and whose rule is
   * active, the one of the highest-ranked rule (then the first listed in that rule). Answers its
   * order, or {@link NO_ENTRY}.
   */
  best(normalized: string, at: number, sourceBit: number): number {
    let best = this.firstActiveExact(normalized, at, sourceBit);
    if (this.automaton) best = this.bestOfHits(this.automaton.scan(normalized), at, sourceBit, best);
    return this.bestOfRegexes(normalized, at, sourceBit, best);
  }

  /** {@link best} for a folded text still in code units: the string is made only for regex rules. */
  bestCodes(codes: Uint16Array, length: number, at: number, sourceBit: number): number {
    let best = NO_ENTRY;
    if (this.exactLengths[Math.min(length, EXACT_LENGTH_CAP)] !== 0) {
      best = this.firstActive(this.exact.getCodes(codes, length), at, sourceBit);
    }
    if (this.automaton) {
      const hits = this.automaton.scanCodes(codes, length);
      if (hits > 0) best = this.bestOfHits(hits, at, sourceBit, best);
    }
    if (this.regexes.length === 0) return best;
    return this.bestOfRegexes(fromCharCodes(codes, length), at, sourceBit, best);
  }

  /** Whether the rule of entry `order` may answer at `at` (epoch ms) for a message from a source with bit `sourceBit`. */
  isActive(order: number, at: number, sourceBit: number): boolean {
    const rule = this.entryRule[order] as number;
    return (
      ((this.ruleSourceMask[rule] as number) & sourceBit) !== 0 &&
      at >= (this.ruleFrom[rule] as number) &&
      at < (this.ruleUntil[rule] as number)
    );
  }

  /** The first entry whose exact keyword is `normalized` and whose rule is active. */
  private firstActiveExact(normalized: string, at: number, sourceBit: number): number {
    return this.firstActive(this.exact.get(normalized), at, sourceBit);
  }

  /** The first entry with an active rule on the chain that starts at `first` (-1: none). */
  private firstActive(first: number, at: number, sourceBit: number): number {
    for (let order = first; order !== -1; order = this.sameKeyword[order] as number) {
      if (this.isActive(order, at, sourceBit)) return order;
    }
    return NO_ENTRY;
  }

  /** The first active regex entry that matches and comes before `best`, else `best`. */
  private bestOfRegexes(normalized: string, at: number, sourceBit: number, best: number): number {
    const { regexOrder, regexes } = this;
    for (let i = 0; i < regexOrder.length; i++) {
      const order = regexOrder[i] as number;
      if (best !== NO_ENTRY && order >= best) break;
      if (this.isActive(order, at, sourceBit) && (regexes[i] as CompiledRegex).test(normalized)) return order;
    }
    return best;
  }

  /** The earliest active entry among the automaton's last `hits`, or `best` when it comes first. */
  private bestOfHits(hits: number, at: number, sourceBit: number, best: number): number {
    const { hitPattern, hitStart } = this.automaton as NonNullable<typeof this.automaton>;
    const { entryKind, sameKeyword, byPattern, patternPlainMask } = this;
    let bestOrder = best === NO_ENTRY ? Number.POSITIVE_INFINITY : best;
    for (let h = 0; h < hits; h++) {
      const pattern = hitPattern[h] as number;
      const first = byPattern[pattern] as number;
      if (first >= bestOrder) continue;
      const plainMask = patternPlainMask[pattern] as number;
      if (plainMask !== 0) {
        if ((plainMask & sourceBit) !== 0) bestOrder = first;
        continue;
      }
      const atStart = hitStart[h] === 0;
      for (let order = first; order !== -1 && order < bestOrder; order = sameKeyword[order] as number) {
        if (entryKind[order] === PREFIX && !atStart) continue;
        if (this.isActive(order, at, sourceBit)) {
          bestOrder = order;
          break;
        }
      }
    }
    return bestOrder === Number.POSITIVE_INFINITY ? NO_ENTRY : bestOrder;
  }

  /** Every keyword that the normalized text meets, whatever the windows and sources, best first. */
  hits(normalized: string): KeywordHit[] {
    const found: KeywordHit[] = [];
    const { entries, sameKeyword } = this;
    for (let order = this.exact.get(normalized); order !== -1; order = sameKeyword[order] as number) {
      found.push({ entry: entries[order] as KeywordEntry, start: 0 });
    }
    if (this.automaton) {
      const count = this.automaton.scan(normalized);
      for (let h = 0; h < count; h++) {
        const start = this.automaton.hitStart[h] as number;
        const first = this.byPattern[this.automaton.hitPattern[h] as number] as number;
        for (let order = first; order !== -1; order = sameKeyword[order] as number) {
          const entry = entries[order] as KeywordEntry;
          if (entry.kind === "contains" || start === 0) found.push({ entry, start });
        }
      }
    }
    for (let i = 0; i < this.regexOrder.length; i++) {
      if ((this.regexes[i] as CompiledRegex).test(normalized)) {
        found.push({ entry: entries[this.regexOrder[i] as number] as KeywordEntry, start: 0 });
      }
    }
    found.sort((a, b) => a.entry.order - b.entry.order || a.start - b.start);
    // A keyword met twice counts once: its first occurrence.
    return found.filter((hit, i) => i === 0 || found[i - 1]?.entry !== hit.entry);
  }
}

const EXACT_LENGTH_CAP = 255;

/** Per rule, in file order: rank, window edges (epoch ms), allowed sources. */
interface RuleColumns {
  /** Rule indexes in rank order. */
  byRank: Int32Array;
  rank: Int32Array;
  from: Float64Array;
  until: Float64Array;
  sourceMask: Uint8Array;
  hasWindows: boolean;
}

function ruleColumns(rules: readonly Rule[], timeZone: string): RuleColumns {
  const count = rules.length;
  const byRank = rankOrder(rules);
  const rank = new Int32Array(count);
  const from = new Float64Array(count).fill(Number.NEGATIVE_INFINITY);
  const until = new Float64Array(count).fill(Number.POSITIVE_INFINITY);
  const sourceMask = new Uint8Array(count);
  let hasWindows = false;
  for (let r = 0; r < count; r++) {
    const index = byRank[r] as number;
    rank[index] = r;
    const rule = rules[index] as Rule;
    sourceMask[index] = sourceMaskOf(rule.sources);
    const window = rule.window;
    if (window === undefined) continue;
    from[index] = windowEdge(window.from, timeZone, Number.NEGATIVE_INFINITY);
    until[index] = windowEdge(window.until, timeZone, Number.POSITIVE_INFINITY);
    if (from[index] !== Number.NEGATIVE_INFINITY || until[index] !== Number.POSITIVE_INFINITY) hasWindows = true;
  }
  return { byRank, rank, from, until, sourceMask, hasWindows };
}

function sourceMaskOf(sources: readonly SourceType[]): number {
  // Most rules answer one-to-one chats only: the default.
  if (sources.length === 1 && sources[0] === "user") return SOURCE_BIT.user;
  let mask = 0;
  for (let s = 0; s < sources.length; s++) mask |= SOURCE_BIT[sources[s] as SourceType];
  return mask;
}

/** Per entry, by order (rule rank, then keyword position); native rules have none. */
interface EntryColumns {
  /** The entry's rule (file index). */
  rule: Int32Array;
  /** The keyword's position in its rule. */
  keywordIndex: Int32Array;
  /** Position in MATCH_KINDS. */
  kind: Uint8Array;
  /** The keyword as written. */
  keyword: string[];
  /** The keyword normalized (the pattern itself for regex rules). */
  normalized: string[];
  /** How many entries are exact keywords. */
  exactCount: number;
}

function entryColumns(
  rules: readonly Rule[],
  byRank: Int32Array,
  options: ResolvedNormalizeOptions,
  normalizedKeywords: NormalizedKeywords | undefined,
): EntryColumns {
  let count = 0;
  let exactCount = 0;
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r] as Rule;
    // OA Manager answers native rules; they are declared for the mode guard, not matched here.
    if (rule.answeredBy === "native") continue;
    count += rule.keywords.length;
    if (rule.match === "exact") exactCount += rule.keywords.length;
  }
  const entryRule = new Int32Array(count);
  const keywordIndexOf = new Int32Array(count);
  const kindOf = new Uint8Array(count);
  const keywordOf = arrayOfLength<string>(count);
  const normalizedOf = arrayOfLength<string>(count);
  let order = 0;
  for (let r = 0; r < byRank.length; r++) {
    const index = byRank[r] as number;
    const rule = rules[index] as Rule;
    if (rule.answeredBy === "native") continue;
    const kind = MATCH_KINDS.indexOf(rule.match);
    const keywords = rule.keywords;
    for (let k = 0; k < keywords.length; k++) {
      const keyword = keywords[k] as string;
      entryRule[order] = index;
      keywordIndexOf[order] = k;
      kindOf[order] = kind;
      keywordOf[order] = keyword;
      normalizedOf[order] =
        kind === REGEX
          ? keyword
          : (normalizedKeywords?.lookup(index, k, keyword) ?? normalizeResolved(keyword, options));
      order++;
    }
  }
  return {
    rule: entryRule,
    keywordIndex: keywordIndexOf,
    kind: kindOf,
    keyword: keywordOf,
    normalized: normalizedOf,
    exactCount,
  };
}

interface Lookups {
  /** Normalized exact keyword -> its first entry. */
  exact: StringTable;
  /** Entry order -> the next entry with the same normalized keyword and the same lookup, or -1. */
  sameKeyword: Int32Array;
  /** Contains and prefix keywords, distinct, in order of first sight: the automaton's patterns. */
  patterns: string[];
  /** Pattern id -> its first entry. */
  firstOfPattern: Int32Array;
  /** Regex entries, in order. */
  regexOrder: number[];
  longestExact: number;
}

/**
 * Entries with one normalized keyword chained in order (`sameKeyword`, -1 ends a chain), appended
 * through `chainEnd` (chain head -> last entry): one table probe per keyword (`addIfAbsent` finds
 * its chain's head or starts one). Marks the lengths of exact keywords in `exactLengths`.
 */
function chainSameKeywords(entries: EntryColumns, exactLengths: Uint8Array): Lookups {
  const { kind: kindOf, normalized: normalizedOf } = entries;
  const count = kindOf.length;
  const sameKeyword = new Int32Array(count).fill(-1);
  const chainEnd = new Int32Array(count);
  const exact = new StringTable(entries.exactCount);
  const patternIds = new StringTable(count - entries.exactCount);
  const patterns: string[] = [];
  const firstOfPattern: number[] = [];
  const regexOrder: number[] = [];
  let longestExact = 0;
  for (let order = 0; order < count; order++) {
    const kind = kindOf[order] as number;
    const normalized = normalizedOf[order] as string;
    if (kind === REGEX) {
      regexOrder.push(order);
      continue;
    }
    if (normalized === "") continue;
    let head = order;
    if (kind === EXACT) {
      head = exact.addIfAbsent(normalized, order);
      if (head === order) {
        exactLengths[Math.min(normalized.length, EXACT_LENGTH_CAP)] = 1;
        if (normalized.length > longestExact) longestExact = normalized.length;
      }
    } else {
      const id = patternIds.addIfAbsent(normalized, patterns.length);
      if (id === patterns.length) {
        patterns.push(normalized);
        firstOfPattern.push(order);
      } else head = firstOfPattern[id] as number;
    }
    if (head === order) chainEnd[order] = order;
    else {
      sameKeyword[chainEnd[head] as number] = order;
      chainEnd[head] = order;
    }
  }
  return { exact, sameKeyword, patterns, firstOfPattern: Int32Array.from(firstOfPattern), regexOrder, longestExact };
}

/**
 * Pattern id -> its first entry's source mask when that entry is all there is to know (the
 * pattern's only entry, a contains keyword, its rule without a window), else 0.
 */
function plainMasks({ firstOfPattern, sameKeyword }: Lookups, entries: EntryColumns, rules: RuleColumns): Uint8Array {
  const masks = new Uint8Array(firstOfPattern.length);
  for (let id = 0; id < firstOfPattern.length; id++) {
    const first = firstOfPattern[id] as number;
    const rule = entries.rule[first] as number;
    const plain =
      sameKeyword[first] === -1 &&
      entries.kind[first] === CONTAINS &&
      rules.from[rule] === Number.NEGATIVE_INFINITY &&
      rules.until[rule] === Number.POSITIVE_INFINITY;
    if (plain) masks[id] = rules.sourceMask[rule] as number;
  }
  return masks;
}

/**
 * Rule indexes by priority (higher first), then file order. Most sets list rules with one
 * priority, or already highest first: then the file order is the answer and no sort runs.
 */
function rankOrder(rules: readonly Rule[]): Int32Array {
  const order = new Int32Array(rules.length);
  let sorted = true;
  for (let i = 0; i < rules.length; i++) {
    order[i] = i;
    if (i > 0 && (rules[i] as Rule).priority > (rules[i - 1] as Rule).priority) sorted = false;
  }
  if (sorted) return order;
  return order.sort((a, b) => (rules[b] as Rule).priority - (rules[a] as Rule).priority || a - b);
}

function windowEdge(text: string | undefined, timeZone: string, fallback: number): number {
  if (text === undefined) return fallback;
  return parseInstant(text, timeZone) ?? fallback;
}
