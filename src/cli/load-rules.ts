import { isAbsolute, resolve } from "node:path";
import type { RuleSetIssue } from "../rules/issues.js";
import { DEFAULT_MAX_RULE_FILE_BYTES, parseRuleSource } from "../rules/parse.js";
import type { RuleSet } from "../rules/schema.js";
import { type CliIO, InputError, UsageError } from "./io.js";

/** The environment variable that raises the size limit of rule files for every command. */
export const MAX_RULE_BYTES_ENV = "LINE_RESPONDER_MAX_RULE_BYTES";

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
    const code = (error as NodeJS.ErrnoException).code;
    // A relative path is read from the working directory: name the file looked for, so a path
    // copied from the docs (examples/rules/..., which are in the repository, not in the package) is
    // plainly not there.
    const where = isAbsolute(path) ? "" : ` (looked for ${resolve(path)})`;
    const reason = code === "ENOENT" ? `no such file${where}` : (error as Error).message;
    throw new InputError(`cannot read ${path}: ${reason}`);
  }
  const maxBytes = maxRuleBytes(io.env[MAX_RULE_BYTES_ENV]);
  if (Buffer.byteLength(text, "utf8") > maxBytes) {
    const mib = (maxBytes / (1024 * 1024)).toFixed(1).replace(/\.0$/, "");
    throw new InputError(
      `${path} is over ${mib} MiB, the size limit of rule files; set ${MAX_RULE_BYTES_ENV}=<bytes> to raise it`,
    );
  }
  return parseRuleSource(text, { maxBytes });
}

function maxRuleBytes(value: string | undefined): number {
  if (value === undefined || value === "") return DEFAULT_MAX_RULE_FILE_BYTES;
  const bytes = Number(value);
  if (!Number.isSafeInteger(bytes) || bytes <= 0) {
    throw new UsageError(`${MAX_RULE_BYTES_ENV} must be a whole number of bytes above 0, not ${JSON.stringify(value)}`);
  }
  return bytes;
}
