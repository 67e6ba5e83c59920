/**
 * Rule sets that went through `parseRuleSet`: `createResponder` compiles those as they are and
 * parses anything else (a plain object written in code), so a wrong field is named, not a crash.
 */
import type { RuleSet } from "./schema.js";

const validated = new WeakSet<object>();

/** Marks `ruleSet` as checked by the schema and the cross-field checks. */
export function markValidated(ruleSet: RuleSet): RuleSet {
  validated.add(ruleSet);
  return ruleSet;
}

/** Whether `value` is a rule set `parseRuleSet` returned. */
export function isValidated(value: unknown): value is RuleSet {
  return typeof value === "object" && value !== null && validated.has(value);
}
