/**
 * The compiled form of a rule set: every keyword normalized once, exact keywords in a hash map,
 * prefix and contains keywords in one Aho-Corasick automaton, regexes on RE2. Shared by the
 * matcher (the best active keyword) and by lint (every keyword a text meets).
 */
import { AhoCorasick } from "./aho-corasick.js";
import {
  fromCharCodes,
  normalizeResolved,
  type ResolvedNormalizeOptions,
  resolveNormalizeOptions,
} from "./normalize.js";
import { normalizedKeywordsOf } from "./normalized-keywords.js";
import { type CompiledRegex, compileRegex } from "./regex.js";
import type { MatchKind, Rule, RuleSet, SourceType } from "./schema.js";
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

/** Whether the rule may answer at `at` (epoch ms) for a message from a source with bit `sourceBit`. */
export function isActive(rule: IndexedRule, at: number, sourceBit: number): boolean {
  return (rule.sourceMask & sourceBit) !== 0 && at >= rule.from && at < rule.until;
}

export class KeywordIndex {
  readonly options: ResolvedNormalizeOptions;
  readonly rules: readonly IndexedRule[];
  readonly entries: readonly KeywordEntry[];
  /** Whether any rule has a window, so matching must know the time. */
  readonly hasWindows: boolean;
  /**
   * The longest exact keyword (code units, normalized) when exact keywords are all there is to
   * match (no contains, prefix or regex rule), else -1: a text that folds longer matches nothing.
   */
  readonly exactOnlyMaxLength: number;

  /**
   * Normalized exact keyword -> its first entry (by `order`). Entries sharing a normalized
   * keyword are chained through `sameKeyword` in order: one number per keyword, not an array,
   * which on 100,000 keywords spares the garbage collector 100,000 objects at load.
   */
  private readonly exact = new Map<string, number>();
  private readonly automaton: AhoCorasick | undefined;
  /** Pattern id -> the first contains or prefix entry with that normalized keyword (chained likewise). */
  private readonly byPattern: Int32Array;
  /** Entry order -> the next entry with the same normalized keyword and the same lookup, or -1. */
  private readonly sameKeyword: Int32Array;
  /**
   * Pattern id -> its first entry's source mask when that entry is all there is to know (the
   * pattern's only entry, a contains keyword, its rule without a window), else 0. Most hits are
   * decided from this and `byPattern` without touching an entry or its rule, which are scattered
   * over the heap: each of those reads was a likely cache miss.
   */
  private readonly patternPlainMask: Uint8Array;
  private readonly regexes: { entry: KeywordEntry; regex: CompiledRegex }[] = [];
  /** Lengths (UTF-16, capped at EXACT_LENGTH_CAP) of the exact keywords: most texts skip the lookup. */
  private readonly exactLengths = new Uint8Array(EXACT_LENGTH_CAP + 1);

  /**
   * Indexes a rule set. Keywords that cannot match (empty after normalization, refused regexes)
   * are left out: `checkRuleSet` reports them, and the matcher never loads such a set.
   */
  constructor(ruleSet: RuleSet) {
    this.options = resolveNormalizeOptions(ruleSet.normalize);
    const ruleList = ruleSet.rules;
    // What parseRuleSet's checks normalized, for the same keyword strings under the same options.
    const normalizedKeywords = normalizedKeywordsOf(ruleSet, this.options);
    const byRank = rankOrder(ruleList);
    const rules: IndexedRule[] = new Array(ruleList.length);
    const entries: KeywordEntry[] = [];
    let hasWindows = false;
    for (let rank = 0; rank < byRank.length; rank++) {
      const index = byRank[rank] as number;
      const rule = ruleList[index] as Rule;
      let sourceMask = 0;
      for (const source of rule.sources) sourceMask |= SOURCE_BIT[source];
      const indexed: IndexedRule = {
        rule,
        index,
        rank,
        from: windowEdge(rule.window?.from, ruleSet.timezone, Number.NEGATIVE_INFINITY),
        until: windowEdge(rule.window?.until, ruleSet.timezone, Number.POSITIVE_INFINITY),
        sourceMask,
      };
      rules[index] = indexed;
      if (indexed.from !== Number.NEGATIVE_INFINITY || indexed.until !== Number.POSITIVE_INFINITY) hasWindows = true;
      // OA Manager answers native rules; they are declared for the mode guard, not matched here.
      if (rule.answeredBy === "native") continue;
      const kind = rule.match;
      const keywords = rule.keywords;
      for (let keywordIndex = 0; keywordIndex < keywords.length; keywordIndex++) {
        const keyword = keywords[keywordIndex] as string;
        const normalized =
          kind === "regex"
            ? keyword
            : (normalizedKeywords?.lookup(index, keywordIndex, keyword) ?? normalizeResolved(keyword, this.options));
        entries.push({ rule: indexed, keyword, keywordIndex, normalized, kind, order: entries.length });
      }
    }
    this.rules = rules;
    this.entries = entries;
    this.hasWindows = hasWindows;

    // Entries with one normalized keyword are chained in order (`sameKeyword`, -1 ends a chain),
    // appended through `chainEnd` (chain head -> last entry): one map lookup per keyword, and a
    // map write only for a keyword not seen before. Patterns (contains and prefix keywords) get
    // ids in order of first sight.
    const sameKeyword = new Int32Array(entries.length).fill(-1);
    const chainEnd = new Int32Array(entries.length);
    const patternIds = new Map<string, number>();
    const patterns: string[] = [];
    const firstOfPattern: number[] = [];
    for (let order = 0; order < entries.length; order++) {
      const entry = entries[order] as KeywordEntry;
      const normalized = entry.normalized;
      if (entry.kind === "regex" || normalized === "") continue;
      let head: number | undefined;
      if (entry.kind === "exact") {
        head = this.exact.get(normalized);
        if (head === undefined) {
          this.exact.set(normalized, order);
          this.exactLengths[Math.min(normalized.length, EXACT_LENGTH_CAP)] = 1;
        }
      } else {
        const id = patternIds.get(normalized);
        if (id === undefined) {
          patternIds.set(normalized, patterns.length);
          patterns.push(normalized);
          firstOfPattern.push(order);
        } else head = firstOfPattern[id] as number;
      }
      if (head === undefined) chainEnd[order] = order;
      else {
        sameKeyword[chainEnd[head] as number] = order;
        chainEnd[head] = order;
      }
    }
    for (const entry of entries) {
      if (entry.kind !== "regex") continue;
      const compiled = compileRegex(entry.normalized, this.options.case);
      if (compiled.ok) this.regexes.push({ entry, regex: compiled.regex });
    }
    this.sameKeyword = sameKeyword;
    const byPattern = Int32Array.from(firstOfPattern);
    this.byPattern = byPattern;
    this.patternPlainMask = Uint8Array.from(byPattern, (first) => {
      const { kind, rule } = entries[first] as KeywordEntry;
      const plain =
        sameKeyword[first] === -1 && kind === "contains" && rule.from === -Infinity && rule.until === Infinity;
      return plain ? rule.sourceMask : 0;
    });
    this.automaton = patterns.length > 0 ? new AhoCorasick(patterns) : undefined;
    let longest = 0;
    for (const keyword of this.exact.keys()) longest = Math.max(longest, keyword.length);
    this.exactOnlyMaxLength = this.automaton === undefined && this.regexes.length === 0 ? longest : -1;
  }

  /**
   * The winning keyword for a normalized text: among keywords that match and whose rule is
   * active, the one of the highest-ranked rule (then the first listed in that rule).
   */
  best(normalized: string, at: number, sourceBit: number): KeywordEntry | undefined {
    let best = this.firstActiveExact(normalized, at, sourceBit);
    if (this.automaton) best = this.bestOfHits(this.automaton.scan(normalized), at, sourceBit, best);
    return this.bestOfRegexes(normalized, at, sourceBit, best);
  }

  /**
   * {@link best} for a folded text still in code units: the string is made only when an exact
   * keyword has the text's length or a regex rule could still win.
   */
  bestCodes(codes: Uint16Array, length: number, at: number, sourceBit: number): KeywordEntry | undefined {
    let text: string | undefined;
    let best: KeywordEntry | undefined;
    if (this.exactLengths[Math.min(length, EXACT_LENGTH_CAP)] !== 0) {
      text = fromCharCodes(codes, length);
      best = this.firstActiveExact(text, at, sourceBit);
    }
    if (this.automaton) {
      const hits = this.automaton.scanCodes(codes, length);
      if (hits > 0) best = this.bestOfHits(hits, at, sourceBit, best);
    }
    if (this.regexes.length === 0) return best;
    return this.bestOfRegexes(text ?? fromCharCodes(codes, length), at, sourceBit, best);
  }

  /** The first entry whose exact keyword is `normalized` and whose rule is active. */
  private firstActiveExact(normalized: string, at: number, sourceBit: number): KeywordEntry | undefined {
    for (let order = this.exact.get(normalized) ?? -1; order !== -1; order = this.sameKeyword[order] as number) {
      const entry = this.entries[order] as KeywordEntry;
      if (isActive(entry.rule, at, sourceBit)) return entry;
    }
    return undefined;
  }

  /** The first active regex entry that matches and comes before `best`, else `best`. */
  private bestOfRegexes(normalized: string, at: number, sourceBit: number, best: KeywordEntry | undefined) {
    for (const { entry, regex } of this.regexes) {
      if (best !== undefined && entry.order >= best.order) break;
      if (isActive(entry.rule, at, sourceBit) && regex.test(normalized)) return entry;
    }
    return best;
  }

  /** The earliest active entry among the automaton's last `hits`, or `best` when it comes first. */
  private bestOfHits(hits: number, at: number, sourceBit: number, best: KeywordEntry | undefined) {
    const { hitPattern, hitStart } = this.automaton as NonNullable<typeof this.automaton>;
    const { entries, sameKeyword, byPattern, patternPlainMask } = this;
    let bestOrder = best === undefined ? Number.POSITIVE_INFINITY : best.order;
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
        const entry = entries[order] as KeywordEntry;
        if (entry.kind === "prefix" && !atStart) continue;
        if (isActive(entry.rule, at, sourceBit)) {
          bestOrder = order;
          break;
        }
      }
    }
    return bestOrder === Number.POSITIVE_INFINITY ? undefined : entries[bestOrder];
  }

  /** Every keyword that the normalized text meets, whatever the windows and sources, best first. */
  hits(normalized: string): KeywordHit[] {
    const found: KeywordHit[] = [];
    const { entries, sameKeyword } = this;
    for (let order = this.exact.get(normalized) ?? -1; order !== -1; order = sameKeyword[order] as number) {
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
    for (const { entry, regex } of this.regexes) if (regex.test(normalized)) found.push({ entry, start: 0 });
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
