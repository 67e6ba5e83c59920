import { formatIssue, RuleSetError, type RuleSetIssue } from "../rules/issues.js";
import { lintRules } from "../rules/lint.js";
import type { CliIO } from "./io.js";
import { loadRuleFile } from "./load-rules.js";
import { parseAtOption } from "./options.js";

/**
 * `line-responder lint <file>`: every problem on stdout, one per line (or one JSON object);
 * exit 1 when there are errors, 0 when only warnings remain.
 */
export async function lintCommand(file: string, flags: { json: boolean; at?: string }, io: CliIO): Promise<number> {
  let issues: RuleSetIssue[];
  let rules = 0;
  try {
    const { ruleSet, locate } = await loadRuleFile(file, io);
    rules = ruleSet.rules.length;
    issues = locate(lintRules(ruleSet, { at: parseAtOption(flags.at, ruleSet.timezone) }));
  } catch (error) {
    if (!(error instanceof RuleSetError)) throw error;
    issues = [...error.issues];
  }
  const errors = issues.filter((i) => i.severity === "error").length;
  const warnings = issues.length - errors;
  if (flags.json) {
    io.stdout(`${JSON.stringify({ file, errors, warnings, issues })}\n`);
  } else {
    io.stdout(`${file}: ${summary(errors, warnings, rules)}\n`);
    for (const issue of issues) io.stdout(`  ${issueLine(issue)}\n`);
  }
  return errors > 0 ? 1 : 0;
}

function summary(errors: number, warnings: number, rules: number): string {
  if (errors === 0 && warnings === 0) return `ok (${plural(rules, "rule")})`;
  return [errors > 0 ? plural(errors, "error") : "", warnings > 0 ? plural(warnings, "warning") : ""]
    .filter(Boolean)
    .join(", ");
}

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** `error   rules[3].keywords[0] (line 14): must not be empty` */
export function issueLine(issue: RuleSetIssue): string {
  return `${issue.severity.padEnd(7)} ${formatIssue(issue)}`;
}
