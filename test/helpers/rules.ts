import { compileRules, parseRuleSet, type RuleSetInput } from "../../src/index.js";

const reply = [{ type: "text", text: "ok" }];

/** A rule set from a compact list of rules, each answering with a plain text reply. */
export function ruleSetOf(rules: Record<string, unknown>[], extra: Partial<RuleSetInput> = {}) {
  return parseRuleSet({ version: 1, ...extra, rules: rules.map((r) => ({ reply, ...r })) });
}

export function matcherOf(rules: Record<string, unknown>[], extra: Partial<RuleSetInput> = {}) {
  return compileRules(ruleSetOf(rules, extra));
}
