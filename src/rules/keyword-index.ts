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
import { normalizedKeywordsOf } from "./normalized-keywords.js";
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
    const ruleCount = ruleList.length;
    this.ruleList = ruleList;
    // What parseRuleSet's checks normalized, for the same keyword strings under the same options.
    const normalizedKeywords = normalizedKeywordsOf(ruleSet, this.options);
    const byRank = rankOrder(ruleList);
    const ruleRank = new Int32Array(ruleCount);
    const ruleFrom = new Float64Array(ruleCount);
    const ruleUntil = new Float64Array(ruleCount);
    const ruleSourceMask = new Uint8Array(ruleCount);
    let entryCount = 0;
    let exactCount = 0;
    for (const rule of ruleList) {
      // OA Manager answers native rules; they are declared for the mode guard, not matched here.
      if (rule.answeredBy === "native") continue;
      entryCount += rule.keywords.length;
      if (rule.match === "exact") exactCount += rule.keywords.length;
    }
    const entryRule = new Int32Array(entryCount);
    const entryKeywordIndex = new Int32Array(entryCount);
    const entryKind = new Uint8Array(entryCount);
    const entryKeyword = arrayOfLength<string>(entryCount);
    const entryNormalized = arrayOfLength<string>(entryCount);
    let hasWindows = false;
    let order = 0;
    for (let rank = 0; rank < ruleCount; rank++) {
      const index = byRank[rank] as number;
      const rule = ruleList[index] as Rule;
      ruleRank[index] = rank;
      let sourceMask = 0;
      const sources = rule.sources;
      for (let s = 0; s < sources.length; s++) sourceMask |= SOURCE_BIT[sources[s] as SourceType];
      ruleSourceMask[index] = sourceMask;
      let from = Number.NEGATIVE_INFINITY;
      let until = Number.POSITIVE_INFINITY;
      const window = rule.window;
      if (window !== undefined) {
        from = windowEdge(window.from, ruleSet.timezone, from);
        until = windowEdge(window.until, ruleSet.timezone, until);
        if (from !== Number.NEGATIVE_INFINITY || until !== Number.POSITIVE_INFINITY) hasWindows = true;
      }
      ruleFrom[index] = from;
      ruleUntil[index] = until;
      if (rule.answeredBy === "native") continue;
      const kind = MATCH_KINDS.indexOf(rule.match);
      const keywords = rule.keywords;
      for (let keywordIndex = 0; keywordIndex < keywords.length; keywordIndex++) {
        const keyword = keywords[keywordIndex] as string;
        entryRule[order] = index;
        entryKeywordIndex[order] = keywordIndex;
        entryKind[order] = kind;
        entryKeyword[order] = keyword;
        entryNormalized[order] =
          kind === REGEX
            ? keyword
            : (normalizedKeywords?.lookup(index, keywordIndex, keyword) ?? normalizeResolved(keyword, this.options));
        order++;
      }
    }
    this.ruleRank = ruleRank;
    this.ruleFrom = ruleFrom;
    this.ruleUntil = ruleUntil;
    this.ruleSourceMask = ruleSourceMask;
    this.entryRule = entryRule;
    this.entryKeywordIndex = entryKeywordIndex;
    this.entryKind = entryKind;
    this.entryKeyword = entryKeyword;
    this.entryNormalized = entryNormalized;
    this.hasWindows = hasWindows;

    // Entries with one normalized keyword are chained in order (`sameKeyword`, -1 ends a chain),
    // appended through `chainEnd` (chain head -> last entry): one table probe per keyword
    // (`addIfAbsent` finds its chain's head or starts one). Patterns (contains and prefix
    // keywords) get ids in order of first sight.
    const sameKeyword = new Int32Array(entryCount).fill(-1);
    const chainEnd = new Int32Array(entryCount);
    const exact = new StringTable(exactCount);
    const patternIds = new StringTable(entryCount - exactCount);
    const patterns: string[] = [];
    const firstOfPattern: number[] = [];
    let longestExact = 0;
    for (let order = 0; order < entryCount; order++) {
      const kind = entryKind[order] as number;
      const normalized = entryNormalized[order] as string;
      if (kind === REGEX) {
        const compiled = compileRegex(normalized, this.options.case);
        if (compiled.ok) {
          this.regexOrder.push(order);
          this.regexes.push(compiled.regex);
        }
        continue;
      }
      if (normalized === "") continue;
      let head = order;
      if (kind === EXACT) {
        head = exact.addIfAbsent(normalized, order);
        if (head === order) {
          this.exactLengths[Math.min(normalized.length, EXACT_LENGTH_CAP)] = 1;
          longestExact = Math.max(longestExact, normalized.length);
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
    this.exact = exact;
    this.sameKeyword = sameKeyword;
    const byPattern = Int32Array.from(firstOfPattern);
    this.byPattern = byPattern;
    this.patternPlainMask = Uint8Array.from(byPattern, (first) => {
      const rule = entryRule[first] as number;
      const plain =
        sameKeyword[first] === -1 &&
        entryKind[first] === CONTAINS &&
        ruleFrom[rule] === Number.NEGATIVE_INFINITY &&
        ruleUntil[rule] === Number.POSITIVE_INFINITY;
      return plain ? (ruleSourceMask[rule] as number) : 0;
    });
    this.automaton = patterns.length > 0 ? new AhoCorasick(patterns) : undefined;
    this.exactOnlyMaxLength = this.automaton === undefined && this.regexes.length === 0 ? longestExact : -1;
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
