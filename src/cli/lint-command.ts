import { formatIssue, RuleSetError, type RuleSetIssue } from "../rules/issues.js";
import { lintRules } from "../rules/lint.js";
import type { RuleSet } from "../rules/schema.js";
import type { CliIO } from "./io.js";
import { loadRuleFile } from "./load-rules.js";
import { parseAtOption } from "./options.js";

/**
 * `line-responder lint <file>`: every problem on stdout, one per line (or one JSON object);
 * exit 1 when there are errors, 0 when only warnings remain.
 */
export async function lintCommand(
  file: string,
  flags: { json: boolean; at?: string; verbose?: boolean },
  io: CliIO,
): Promise<number> {
  let issues: RuleSetIssue[];
  let rules = 0;
  let unguarded: RuleSetIssue[] = [];
  try {
    const { ruleSet, locate } = await loadRuleFile(file, io);
    rules = ruleSet.rules.length;
    issues = locate(lintRules(ruleSet, { at: parseAtOption(flags.at, ruleSet.timezone) }));
    unguarded = locate(unguardedRules(ruleSet));
  } catch (error) {
    if (!(error instanceof RuleSetError)) throw error;
    issues = [...error.issues];
  }
  const errors = issues.filter((i) => i.severity === "error").length;
  const warnings = issues.length - errors;
  if (flags.json) {
    const notes = flags.verbose
      ? { unguarded: unguarded.map(({ path, line, message }) => ({ path, line, message })) }
      : {};
    io.stdout(`${JSON.stringify({ file, errors, warnings, issues, ...notes })}\n`);
  } else {
    io.stdout(`${file}: ${summary(errors, warnings, rules)}\n`);
    for (const issue of issues) io.stdout(`  ${issueLine(issue)}\n`);
    // Opting out is a choice, not a problem: shown on request so it stays visible to reviewers.
    if (flags.verbose) for (const note of unguarded) io.stdout(`  ${"info".padEnd(7)} ${formatIssue(note)}\n`);
  }
  return errors > 0 ? 1 : 0;
}

/** Rules with `guard: false`, as notes: issue-shaped so `locate` adds their line (severity and code go unprinted). */
function unguardedRules(ruleSet: RuleSet): RuleSetIssue[] {
  return ruleSet.rules.flatMap((rule, index) =>
    rule.guard === false
      ? [
          {
            severity: "warning" as const,
            code: "invalid-value" as const,
            path: `rules[${index}].guard`,
            message: `rule "${rule.id}" is not guarded (guard: false): the mode guard lets it go unanswered`,
          },
        ]
      : [],
  );
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
