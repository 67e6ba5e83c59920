import type { RuleMatcher } from "../rules/compile.js";
import type { SourceType } from "../rules/schema.js";

/** One expectation about a rule set: this text, at this time, from this source, is answered by this rule (or by none). */
export interface RuleCase {
  text: string;
  /** The id of the rule that must answer, or `null` when no rule may answer. */
  expect: string | null;
  at?: Date | number;
  source?: SourceType;
}

/** A case the rule set does not meet, with what happened instead. */
export interface RuleCaseFailure {
  case: RuleCase;
  /** The rule that answered, or `null`. */
  actual: string | null;
  /** What the text became after normalization. */
  normalized: string;
  /** One line for a test report: `"ぷれぜんと" (normalized "プレゼント"): expected survey-gift, got no rule`. */
  message: string;
}

/**
 * Checks a table of cases against a compiled rule set and returns the ones that fail (none when
 * all pass). Works with any test runner: `expect(checkRuleCases(matcher, cases)).toEqual([])`.
 *
 * @example
 * ```ts
 * const failures = checkRuleCases(compileRules(parseRuleSet(text)), [
 *   { text: "ﾌﾟﾚｾﾞﾝﾄ！", expect: "survey-gift", at: Date.parse("2019-08-05T12:00:00+09:00") },
 *   { text: "プレゼント", expect: null, at: Date.parse("2019-09-01T00:00:00+09:00") },
 * ]);
 * assert.deepEqual(failures.map((f) => f.message), []);
 * ```
 */
export function checkRuleCases(matcher: RuleMatcher, cases: readonly RuleCase[]): RuleCaseFailure[] {
  const failures: RuleCaseFailure[] = [];
  for (const c of cases) {
    const match = matcher.match(c.text, { at: c.at, source: c.source });
    const actual = match?.ruleId ?? null;
    if (actual === c.expect) continue;
    const normalized = matcher.normalize(c.text);
    const name = (id: string | null) => id ?? "no rule";
    failures.push({
      case: c,
      actual,
      normalized,
      message: `${JSON.stringify(c.text)} (normalized ${JSON.stringify(normalized)}): expected ${name(c.expect)}, got ${name(actual)}`,
    });
  }
  return failures;
}
