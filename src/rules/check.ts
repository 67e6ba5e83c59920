/**
 * The checks that need the whole rule set: what makes a set unusable, so that loading refuses it
 * (`parseRuleSet`, `compileRules`) and `lintRules` reports it, with the same words everywhere.
 */
import { closest } from "../validation/closest.js";
import type { RuleSetIssue } from "./issues.js";
import { normalizeResolved, resolveNormalizeOptions } from "./normalize.js";
import { NormalizedKeywords, rememberNormalizedKeywords } from "./normalized-keywords.js";
import { compileRegex } from "./regex.js";
import type { Rule, RuleSet } from "./schema.js";
import { shapeIssuesOf } from "./shape.js";
import { StringTable } from "./string-table.js";
import { formatInstant, parseInstant } from "./time.js";
import { isValidated } from "./validated.js";

/**
 * The errors of a rule set; empty when it can be compiled. Empty at once for a set
 * `parseRuleSet` returned: it ran these checks (compiling every regex, normalizing every
 * keyword), and `compileRules` of a parsed set would otherwise pay for them twice. A set built in
 * code is first checked against the schema, so a missing or mistyped field is named, not a crash.
 */
export function checkRuleSet(ruleSet: RuleSet, { shapeChecked = false } = {}): RuleSetIssue[] {
  if (isValidated(ruleSet as unknown)) return [];
  const shapeIssues = shapeChecked ? undefined : shapeIssuesOf(ruleSet);
  if (shapeIssues) return shapeIssues;
  const issues: RuleSetIssue[] = [];
  const error = (code: RuleSetIssue["code"], path: string, message: string) =>
    issues.push({ severity: "error", code, path, message });
  const options = resolveNormalizeOptions(ruleSet.normalize);
  const rewardIds = Object.keys(ruleSet.rewards);
  const firstWithId = new StringTable(ruleSet.rules.length);

  // Plain loops, and paths built only for an error: this runs over every keyword of every load.
  const rules = ruleSet.rules;
  let keywordCount = 0;
  for (let r = 0; r < rules.length; r++) keywordCount += (rules[r] as Rule).keywords.length;
  const normalizedKeywords = new NormalizedKeywords(options, rules.length, keywordCount);
  for (let r = 0; r < rules.length; r++) {
    const rule = rules[r] as Rule;
    normalizedKeywords.startRule();
    const earlier = firstWithId.addIfAbsent(rule.id, r);
    if (earlier !== r)
      error(
        "duplicate-rule-id",
        `rules[${r}].id`,
        `"${rule.id}" is already the id of rules[${earlier}]; rule ids must be unique`,
      );

    if (rule.reward !== undefined && !Object.hasOwn(ruleSet.rewards, rule.reward)) {
      const hint = closest(rule.reward, rewardIds);
      const known =
        rewardIds.length === 0 ? "the rule file defines no rewards" : `rewards are: ${rewardIds.join(", ")}`;
      error(
        "unknown-reward",
        `rules[${r}].reward`,
        `no reward named "${rule.reward}"${hint ? ` (did you mean "${hint}"?)` : ""}; ${known}`,
      );
    }

    const keywords = rule.keywords;
    for (let k = 0; k < keywords.length; k++) {
      const keyword = keywords[k] as string;
      if (rule.match === "regex") {
        normalizedKeywords.add(keyword, undefined);
        const compiled = compileRegex(keyword, options.case);
        if (!compiled.ok)
          error(compiled.code, `rules[${r}].keywords[${k}]`, `${JSON.stringify(keyword)} ${compiled.reason}`);
        continue;
      }
      const normalized = normalizeResolved(keyword, options);
      normalizedKeywords.add(keyword, normalized);
      if (normalized === "") {
        error(
          "empty-keyword",
          `rules[${r}].keywords[${k}]`,
          `${JSON.stringify(keyword)} is empty after normalization (symbols and spaces at the ends are stripped), so it can never match`,
        );
      }
    }

    if (rule.window === undefined) continue;
    const from = rule.window.from === undefined ? undefined : parseInstant(rule.window.from, ruleSet.timezone);
    const until = rule.window.until === undefined ? undefined : parseInstant(rule.window.until, ruleSet.timezone);
    if (from !== undefined && until !== undefined && from >= until) {
      error(
        "empty-window",
        `rules[${r}].window`,
        `from ${formatInstant(from, ruleSet.timezone)} is not before until ${formatInstant(until, ruleSet.timezone)}, so the rule can never match`,
      );
    }
  }
  if (issues.length === 0) rememberNormalizedKeywords(ruleSet, normalizedKeywords);
  return issues;
}
