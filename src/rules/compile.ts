/**
 * `compileRules`: a validated rule set in, a matcher out. Matching normalizes the message once,
 * then costs one hash lookup, one automaton pass and the regex rules that could still win,
 * however many keywords the set holds.
 */
import { checkRuleSet } from "./check.js";
import { RuleSetError } from "./issues.js";
import { KeywordIndex, NO_ENTRY, SOURCE_BIT } from "./keyword-index.js";
import {
  foldCodes,
  foldedCodes,
  foldsLongerThan,
  fromCharCodes,
  normalizeResolved,
  type ResolvedNormalizeOptions,
} from "./normalize.js";
import { type CompiledRegex, captureGroups, compileRegex, type RegexGroups } from "./regex.js";
import type { MatchKind, Rule, RuleSet, SourceType } from "./schema.js";

/** The moment and the chat a message comes from; both decide which rules may answer. */
export interface MatchOptions {
  /** When the message was sent (the webhook event's `timestamp`); defaults to now. Windows are evaluated at it. */
  at?: Date | number;
  /** The event's `source.type`; defaults to `"user"` (a one-to-one chat). */
  source?: SourceType;
}

/** The rule that answers a message, and why. */
export interface RuleMatch {
  /** The winning rule's id. */
  ruleId: string;
  /** The winning rule, defaults filled in. */
  rule: Rule;
  /** The keyword that matched, as written in the rule. */
  keyword: string;
  /** How the keyword matched. */
  kind: MatchKind;
  /** The message after normalization: what the keyword was compared with. */
  normalized: string;
  /**
   * For a regex rule: what its pattern captured, `groups.numbered[1]` or `groups.named.code`.
   * Regexes run on the normalized message, so groups hold normalized text: full-width digits and
   * letters arrive half-width (`クーポン１２３４` captures `1234`), and letters lower-cased when the
   * rule set folds case. Absent for other kinds of rules.
   */
  groups?: RegexGroups;
}

/** Why a rule whose keyword a message meets did or did not answer it. */
export type CandidateOutcome = "matched" | "outranked" | "window-not-open" | "window-ended" | "source-not-allowed";

/** A rule whose keyword the message meets, in the order rules are tried. */
export interface MatchCandidate {
  ruleId: string;
  keyword: string;
  kind: MatchKind;
  priority: number;
  outcome: CandidateOutcome;
}

/** What {@link RuleMatcher.explain} tells about one message. */
export interface MatchExplanation {
  text: string;
  normalized: string;
  match: RuleMatch | null;
  /** Every rule whose keyword the message meets, best first, each with why it did or did not answer. */
  candidates: MatchCandidate[];
}

/** A compiled rule set. Reuse one for every message: compiling is the expensive part. */
export interface RuleMatcher {
  /** The rule set it was compiled from. */
  readonly ruleSet: RuleSet;
  /** The folds this rule set applies (its `normalize` options with defaults filled in). */
  readonly normalizeOptions: Readonly<ResolvedNormalizeOptions>;
  /** Normalizes a text the way messages are normalized before matching. */
  normalize(text: string): string;
  /**
   * The rule that answers `text`: among rules with a keyword that matches and whose window and
   * sources allow the message, the one with the highest priority, then the first in the file.
   * `null` when no rule answers.
   */
  match(text: string, options?: MatchOptions): RuleMatch | null;
  /** {@link match}, plus every rule that was considered and why it lost: for tools and debugging, not the hot path. */
  explain(text: string, options?: MatchOptions): MatchExplanation;
}

/**
 * Compiles a rule set into a {@link RuleMatcher}.
 *
 * @throws {@link RuleSetError} when the set cannot run (duplicate rule ids, unknown rewards,
 *   refused regexes, keywords empty after normalization, windows that never open). A set from
 *   {@link parseRuleSet} has passed these checks already; one built in code is checked here,
 *   its shape first (a missing or mistyped field is named as `parseRuleSet` would name it).
 *
 * @example
 * ```ts
 * const matcher = compileRules(parseRuleSet(yamlText));
 * const hit = matcher.match("ぷれぜんと！", { at: event.timestamp, source: event.source.type });
 * if (hit) console.log(hit.ruleId, hit.keyword, hit.kind);
 * ```
 */
export function compileRules(ruleSet: RuleSet): RuleMatcher {
  const errors = checkRuleSet(ruleSet);
  if (errors.length > 0) throw new RuleSetError(errors);
  const index = new KeywordIndex(ruleSet);
  const options = index.options;

  const sourceBitOf = (matchOptions: MatchOptions | undefined) => {
    const sourceBit = SOURCE_BIT[matchOptions?.source ?? "user"];
    if (sourceBit === undefined) {
      throw new TypeError(
        `options.source must be "user", "group" or "room", not ${JSON.stringify(matchOptions?.source)}`,
      );
    }
    return sourceBit;
  };
  // Only a winning regex rule runs its pattern again, for the groups: other matches cost nothing more.
  const capturing = new Map<string, CompiledRegex>();
  const groupsOf = (pattern: string, normalized: string): RegexGroups | undefined => {
    let regex = capturing.get(pattern);
    if (!regex) {
      const compiled = compileRegex(pattern, options.case);
      if (!compiled.ok) return undefined;
      regex = compiled.regex;
      capturing.set(pattern, regex);
    }
    return captureGroups(regex, normalized);
  };
  const toMatch = (order: number, normalized: string): RuleMatch => {
    const rule = index.ruleOf(order);
    const kind = index.kindOf(order);
    const match: RuleMatch = { ruleId: rule.id, rule, keyword: index.keywordOf(order), kind, normalized };
    if (kind !== "regex") return match;
    const groups = groupsOf(index.normalizedOf(order), normalized);
    return groups ? { ...match, groups } : match;
  };

  return {
    ruleSet,
    normalizeOptions: Object.freeze({ ...options }),
    normalize: (text) => normalizeResolved(text, options),
    match(text, matchOptions) {
      // An exact-only set turns away a message too long to equal any keyword after reading a
      // few characters of it; most chat messages are longer than keywords.
      if (index.exactOnlyMaxLength >= 0 && foldsLongerThan(text, index.exactOnlyMaxLength)) {
        // Wrong options are refused whatever the message, as on every other path.
        toEpoch(matchOptions?.at, false);
        sourceBitOf(matchOptions);
        return null;
      }
      // The usual case: fold into code units and scan them; the normalized string is built for
      // a message some rule answers, or one an exact keyword's length or a regex rule needs.
      const length = foldCodes(text, options);
      if (length >= 0) {
        const codes = foldedCodes();
        const best = index.bestCodes(
          codes,
          length,
          toEpoch(matchOptions?.at, index.hasWindows),
          sourceBitOf(matchOptions),
        );
        return best === NO_ENTRY ? null : toMatch(best, fromCharCodes(codes, length));
      }
      const normalized = normalizeResolved(text, options);
      const best = index.best(normalized, toEpoch(matchOptions?.at, index.hasWindows), sourceBitOf(matchOptions));
      return best === NO_ENTRY ? null : toMatch(best, normalized);
    },
    explain(text, matchOptions) {
      const normalized = normalizeResolved(text, options);
      const at = toEpoch(matchOptions?.at, index.hasWindows);
      const sourceBit = sourceBitOf(matchOptions);
      let match: RuleMatch | null = null;
      const seen = new Set<number>();
      const candidates: MatchCandidate[] = [];
      for (const { entry } of index.hits(normalized)) {
        // One line per rule: its first keyword that the message meets.
        if (seen.has(entry.rule.rank)) continue;
        seen.add(entry.rule.rank);
        let outcome: CandidateOutcome;
        if (index.isActive(entry.order, at, sourceBit)) {
          outcome = match === null ? "matched" : "outranked";
          if (match === null) match = toMatch(entry.order, normalized);
        } else if ((entry.rule.sourceMask & sourceBit) === 0) outcome = "source-not-allowed";
        else outcome = at < entry.rule.from ? "window-not-open" : "window-ended";
        candidates.push({
          ruleId: entry.rule.rule.id,
          keyword: entry.keyword,
          kind: entry.kind,
          priority: entry.rule.rule.priority,
          outcome,
        });
      }
      return { text, normalized, match, candidates };
    },
  };
}

function toEpoch(at: Date | number | undefined, needed: boolean): number {
  if (at === undefined) return needed ? Date.now() : 0;
  const epoch = typeof at === "number" ? at : at.getTime();
  // NaN would fail every window comparison and silently match nothing.
  if (Number.isNaN(epoch)) throw new TypeError("options.at is not a valid time");
  return epoch;
}
