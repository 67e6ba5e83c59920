/**
 * Problems found in a rule set: what {@link parseRuleSet} and {@link compileRules} refuse and what
 * {@link lintRules} reports. One shape for all, so every tool prints them the same way.
 */

/** `error`s stop a rule set from loading; `warning`s are printed and the rules still run. */
export type IssueSeverity = "error" | "warning";

export { formatPath } from "../validation/path.js";

/** Stable identifiers of every problem, for filtering and for tests. */
export type IssueCode =
  | "invalid-syntax"
  | "file-too-large"
  | "needs-async-load"
  | "invalid-value"
  | "unknown-field"
  | "duplicate-rule-id"
  | "unknown-reward"
  | "invalid-regex"
  | "unsafe-regex"
  | "empty-keyword"
  | "empty-window"
  | "duplicate-keyword"
  | "unreachable-keyword"
  | "shadowed-rule"
  | "window-ended"
  | "regex-not-normalized"
  | "unused-reward"
  | "stock-without-sold-out";

/** One problem, located by its path in the rule set (`rules[3].keywords[0]`). */
export interface RuleSetIssue {
  severity: IssueSeverity;
  code: IssueCode;
  /** Where the problem is, as written in the file: `rules[3].keywords[0]`; empty for the whole file. */
  path: string;
  /** What is wrong and, where it helps, what to write instead. */
  message: string;
  /** 1-based line in the source text, when the rule set was parsed from text. */
  line?: number;
  /** 1-based column, for syntax errors. */
  column?: number;
}

/** One line per issue: `rules[3].keywords[0] (line 14): must not be empty`. */
export function formatIssue(issue: RuleSetIssue): string {
  const where = issue.path || "(file)";
  const column = issue.column === undefined ? "" : `, column ${issue.column}`;
  const line = issue.line === undefined ? "" : ` (line ${issue.line}${column})`;
  return `${where}${line}: ${issue.message}`;
}

/**
 * Thrown when a rule set cannot be loaded. `issues` holds every problem found, not only the first,
 * so one run of `line-responder lint` lists everything to fix.
 */
export class RuleSetError extends Error {
  override readonly name = "RuleSetError";
  readonly issues: readonly RuleSetIssue[];

  constructor(issues: readonly RuleSetIssue[]) {
    const count = issues.length === 1 ? "1 problem" : `${issues.length} problems`;
    super(`invalid rule set (${count}):\n${issues.map((i) => `  ${formatIssue(i)}`).join("\n")}`);
    this.issues = issues;
  }
}
