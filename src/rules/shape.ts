/**
 * The shape of a rule set: `RuleSetSchema`, through the hand-written fast path for the usual rule
 * objects, with zod's issues reworded for people who edit rule files. Shared by `parseRuleSet`
 * (files and objects) and `compileRules` (sets built in code, which no parse has checked).
 */
import { describeIssues } from "../validation/describe-issues.js";
import { issueMessage } from "../validation/issue-message.js";
import type { RuleSetIssue } from "./issues.js";
import { parsePlainRuleSet } from "./plain-rule-set.js";
import {
  NormalizeOptionsSchema,
  RewardSchema,
  RuleSchema,
  type RuleSet,
  RuleSetSchema,
  WindowSchema,
} from "./schema.js";
import { isValidated } from "./validated.js";

/**
 * Why `ruleSet` does not have the shape of a rule set, or `undefined` when it does. A set
 * `parseRuleSet` returned has none to report: the parse checked it.
 */
export function shapeIssuesOf(ruleSet: RuleSet): RuleSetIssue[] | undefined {
  return isValidated(ruleSet) ? undefined : parseShape(ruleSet).issues;
}

/** `data` as a rule set with its defaults filled in, or the issues that say why it is not one. */
export function parseShape(data: unknown): { ruleSet: RuleSet; issues?: never } | { issues: RuleSetIssue[] } {
  // The usual rule objects are checked by hand; the schema decides the rest, and words every error.
  const plain = parsePlainRuleSet(data);
  if (plain) return { ruleSet: plain };
  const result = RuleSetSchema.safeParse(data, { error: issueMessage });
  if (result.success) return { ruleSet: result.data };
  return {
    issues: describeIssues(result.error.issues, data, allowedKeys).map(
      (issue): RuleSetIssue => ({ severity: "error", ...issue }),
    ),
  };
}

type Key = string | number;

// Keys each object of the format accepts, to suggest the one a misspelt field meant.
function allowedKeys(path: readonly Key[]): readonly string[] {
  const [first, , third] = path;
  if (path.length === 0) return Object.keys(RuleSetSchema.shape);
  if (first === "normalize" && path.length === 1) return Object.keys(NormalizeOptionsSchema.shape);
  if (first === "rewards" && path.length === 2) return Object.keys(RewardSchema.shape);
  if (first === "rewards" && third === "limit") return ["perUser"];
  if (first === "rules" && path.length === 2) return Object.keys(RuleSchema.shape);
  if (first === "rules" && third === "window") return Object.keys(WindowSchema.shape);
  return [];
}
