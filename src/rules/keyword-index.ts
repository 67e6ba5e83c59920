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

  private readonly exact = new Map<string, KeywordEntry[]>();
  private readonly automaton: AhoCorasick | undefined;
  /** Pattern id -> the contains and prefix entries with that normalized keyword, in entry order. */
  private readonly byPattern: KeywordEntry[][];
  /**
   * Pattern id -> the order of its first entry, and that entry's source mask when it is all there
   * is to know (the pattern's only entry, a contains keyword, its rule without a window), else 0.
   * Most hits are decided from these two flat arrays without touching an entry or its rule, which
   * are scattered over the heap: each of those reads was a likely cache miss.
   */
  private readonly patternOrder: Int32Array;
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
    const byRank = ruleSet.rules
      .map((rule, index) => ({ rule, index }))
      .sort((a, b) => b.rule.priority - a.rule.priority || a.index - b.index);
    const rules: IndexedRule[] = new Array(byRank.length);
    const entries: KeywordEntry[] = [];
    byRank.forEach(({ rule, index }, rank) => {
      const indexed: IndexedRule = {
        rule,
        index,
        rank,
        from: windowEdge(rule.window?.from, ruleSet.timezone, Number.NEGATIVE_INFINITY),
        until: windowEdge(rule.window?.until, ruleSet.timezone, Number.POSITIVE_INFINITY),
        sourceMask: rule.sources.reduce((mask, source) => mask | SOURCE_BIT[source], 0),
      };
      rules[index] = indexed;
      // OA Manager answers native rules; they are declared for the mode guard, not matched here.
      if (rule.answeredBy === "native") return;
      rule.keywords.forEach((keyword, keywordIndex) => {
        const normalized = rule.match === "regex" ? keyword : normalizeResolved(keyword, this.options);
        entries.push({ rule: indexed, keyword, keywordIndex, normalized, kind: rule.match, order: entries.length });
      });
    });
    this.rules = rules;
    this.entries = entries;
    this.hasWindows = rules.some((r) => r.from !== Number.NEGATIVE_INFINITY || r.until !== Number.POSITIVE_INFINITY);

    const byKeyword = new Map<string, KeywordEntry[]>();
    for (const entry of entries) {
      if (entry.kind === "regex") {
        const compiled = compileRegex(entry.normalized, this.options.case);
        if (compiled.ok) this.regexes.push({ entry, regex: compiled.regex });
        continue;
      }
      if (entry.normalized === "") continue;
      if (entry.kind === "exact") {
        const list = this.exact.get(entry.normalized);
        if (list) list.push(entry);
        else this.exact.set(entry.normalized, [entry]);
        this.exactLengths[Math.min(entry.normalized.length, EXACT_LENGTH_CAP)] = 1;
        continue;
      }
      const list = byKeyword.get(entry.normalized);
      if (list) list.push(entry);
      else byKeyword.set(entry.normalized, [entry]);
    }
    // Sorted by the engine's native string order (code units), which the automaton builds from.
    const patterns = [...byKeyword.keys()].sort();
    this.byPattern = patterns.map((p) => byKeyword.get(p) as KeywordEntry[]);
    this.patternOrder = Int32Array.from(this.byPattern, (list) => (list[0] as KeywordEntry).order);
    this.patternPlainMask = Uint8Array.from(this.byPattern, (list) => {
      const { kind, rule } = list[0] as KeywordEntry;
      const plain = list.length === 1 && kind === "contains" && rule.from === -Infinity && rule.until === Infinity;
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
    let best = firstActive(this.exact.get(normalized), at, sourceBit);
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
      best = firstActive(this.exact.get(text), at, sourceBit);
    }
    if (this.automaton) {
      const hits = this.automaton.scanCodes(codes, length);
      if (hits > 0) best = this.bestOfHits(hits, at, sourceBit, best);
    }
    if (this.regexes.length === 0) return best;
    return this.bestOfRegexes(text ?? fromCharCodes(codes, length), at, sourceBit, best);
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
    const { patternOrder, patternPlainMask } = this;
    let bestOrder = best === undefined ? Number.POSITIVE_INFINITY : best.order;
    for (let h = 0; h < hits; h++) {
      const pattern = hitPattern[h] as number;
      if ((patternOrder[pattern] as number) >= bestOrder) continue;
      const plainMask = patternPlainMask[pattern] as number;
      if (plainMask !== 0) {
        if ((plainMask & sourceBit) !== 0) bestOrder = patternOrder[pattern] as number;
        continue;
      }
      const atStart = hitStart[h] === 0;
      for (const entry of this.byPattern[pattern] as KeywordEntry[]) {
        if (entry.order >= bestOrder) break;
        if (entry.kind === "prefix" && !atStart) continue;
        if (isActive(entry.rule, at, sourceBit)) {
          bestOrder = entry.order;
          break;
        }
      }
    }
    return bestOrder === Number.POSITIVE_INFINITY ? undefined : this.entries[bestOrder];
  }

  /** Every keyword that the normalized text meets, whatever the windows and sources, best first. */
  hits(normalized: string): KeywordHit[] {
    const found: KeywordHit[] = [];
    for (const entry of this.exact.get(normalized) ?? []) found.push({ entry, start: 0 });
    if (this.automaton) {
      const count = this.automaton.scan(normalized);
      for (let h = 0; h < count; h++) {
        const start = this.automaton.hitStart[h] as number;
        for (const entry of this.byPattern[this.automaton.hitPattern[h] as number] as KeywordEntry[]) {
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

/** The first entry of `list` whose rule is active. */
function firstActive(list: readonly KeywordEntry[] | undefined, at: number, sourceBit: number) {
  if (list) for (const entry of list) if (isActive(entry.rule, at, sourceBit)) return entry;
  return undefined;
}

function windowEdge(text: string | undefined, timeZone: string, fallback: number): number {
  if (text === undefined) return fallback;
  return parseInstant(text, timeZone) ?? fallback;
}
