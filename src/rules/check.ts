/**
 * The checks that need the whole rule set: what makes a set unusable, so that loading refuses it
 * (`parseRuleSet`, `compileRules`) and `lintRules` reports it, with the same words everywhere.
 */
import type { RuleSetIssue } from "./issues.js";
import { normalizeResolved, resolveNormalizeOptions } from "./normalize.js";
import { compileRegex } from "./regex.js";
import type { RuleSet } from "./schema.js";
import { formatInstant, parseInstant } from "./time.js";

/** The errors of a structurally valid rule set; empty when it can be compiled. */
export function checkRuleSet(ruleSet: RuleSet): RuleSetIssue[] {
  const issues: RuleSetIssue[] = [];
  const error = (code: RuleSetIssue["code"], path: string, message: string) =>
    issues.push({ severity: "error", code, path, message });
  const options = resolveNormalizeOptions(ruleSet.normalize);
  const rewardIds = Object.keys(ruleSet.rewards);
  const firstWithId = new Map<string, number>();

  ruleSet.rules.forEach((rule, r) => {
    const at = `rules[${r}]`;
    const earlier = firstWithId.get(rule.id);
    if (earlier === undefined) firstWithId.set(rule.id, r);
    else
      error(
        "duplicate-rule-id",
        `${at}.id`,
        `"${rule.id}" is already the id of rules[${earlier}]; rule ids must be unique`,
      );

    if (rule.reward !== undefined && !Object.hasOwn(ruleSet.rewards, rule.reward)) {
      const hint = closest(rule.reward, rewardIds);
      const known =
        rewardIds.length === 0 ? "the rule file defines no rewards" : `rewards are: ${rewardIds.join(", ")}`;
      error(
        "unknown-reward",
        `${at}.reward`,
        `no reward named "${rule.reward}"${hint ? ` (did you mean "${hint}"?)` : ""}; ${known}`,
      );
    }

    rule.keywords.forEach((keyword, k) => {
      const path = `${at}.keywords[${k}]`;
      if (rule.match === "regex") {
        const compiled = compileRegex(keyword, options.case);
        if (!compiled.ok) error(compiled.code, path, `${JSON.stringify(keyword)} ${compiled.reason}`);
      } else if (normalizeResolved(keyword, options) === "") {
        error(
          "empty-keyword",
          path,
          `${JSON.stringify(keyword)} is empty after normalization (symbols and spaces at the ends are stripped), so it can never match`,
        );
      }
    });

    const from = rule.window?.from === undefined ? undefined : parseInstant(rule.window.from, ruleSet.timezone);
    const until = rule.window?.until === undefined ? undefined : parseInstant(rule.window.until, ruleSet.timezone);
    if (from !== undefined && until !== undefined && from >= until) {
      error(
        "empty-window",
        `${at}.window`,
        `from ${formatInstant(from, ruleSet.timezone)} is not before until ${formatInstant(until, ruleSet.timezone)}, so the rule can never match`,
      );
    }
  });
  return issues;
}

/** The candidate nearest to `word` by edit distance, when it is plausibly a typo of it. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Math.max(2, Math.floor(word.length / 3)) + 1;
  for (const candidate of candidates) {
    const distance = editDistance(word, candidate);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current[j] = Math.min((previous[j] as number) + 1, (current[j - 1] as number) + 1, substitution);
    }
    previous = current;
  }
  return previous[b.length] as number;
}
