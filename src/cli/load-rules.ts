import type { RuleSetIssue } from "../rules/issues.js";
import { parseRuleSource } from "../rules/parse.js";
import type { RuleSet } from "../rules/schema.js";
import { type CliIO, InputError } from "./io.js";

/**
 * Reads and parses a rule file, with a function that adds line numbers to later findings.
 * A file that cannot be read is an {@link InputError}; an invalid one throws `RuleSetError`.
 */
export async function loadRuleFile(
  path: string,
  io: CliIO,
): Promise<{ ruleSet: RuleSet; locate: (issues: RuleSetIssue[]) => RuleSetIssue[] }> {
  let text: string;
  try {
    text = await io.readFile(path);
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
    throw new InputError(`cannot read ${path}: ${reason}`);
  }
  return parseRuleSource(text);
}
