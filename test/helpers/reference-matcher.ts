/**
 * The obviously-correct matcher the compiled one must agree with: every rule in priority then
 * file order, every keyword in order, normalize both sides, compare with ===, startsWith,
 * includes or a JavaScript RegExp. Quadratic and slow on purpose.
 */
import { normalize, type RuleSet, type SourceType } from "../../src/index.js";
import { parseInstant } from "../../src/rules/time.js";

export function referenceMatch(
  ruleSet: RuleSet,
  text: string,
  at: number,
  source: SourceType,
): { ruleId: string; keyword: string } | null {
  const options = ruleSet.normalize;
  const normalizedText = normalize(text, options);
  const ordered = ruleSet.rules
    .map((rule, index) => ({ rule, index }))
    .sort((a, b) => b.rule.priority - a.rule.priority || a.index - b.index);
  for (const { rule } of ordered) {
    if (rule.answeredBy === "native" || !rule.sources.includes(source)) continue;
    const from =
      rule.window?.from === undefined ? -Infinity : (parseInstant(rule.window.from, ruleSet.timezone) as number);
    const until =
      rule.window?.until === undefined ? Infinity : (parseInstant(rule.window.until, ruleSet.timezone) as number);
    if (!(at >= from && at < until)) continue;
    for (const keyword of rule.keywords) {
      if (rule.match === "regex") {
        const flags = options.case === false ? "u" : "iu";
        if (new RegExp(keyword, flags).test(normalizedText)) return { ruleId: rule.id, keyword };
        continue;
      }
      const k = normalize(keyword, options);
      const hit =
        rule.match === "exact"
          ? normalizedText === k
          : rule.match === "prefix"
            ? normalizedText.startsWith(k)
            : normalizedText.includes(k);
      if (hit) return { ruleId: rule.id, keyword };
    }
  }
  return null;
}
