import { parseArgs } from "node:util";
import { RuleSetError } from "../rules/issues.js";
import { explainCommand } from "./explain-command.js";
import { type CliIO, InputError, UsageError } from "./io.js";
import { issueLine, lintCommand, plural } from "./lint-command.js";

const USAGE = `Usage:
  line-responder lint <rules.yaml|json> [--at ISO] [--json]
  line-responder explain <rules.yaml|json> <text...> [--at ISO] [--source user|group|room] [--json]

Commands:
  lint      check a rule file; exit 1 on errors, 0 when only warnings remain
  explain   show how each text is normalized and which rule answers it

Options:
  --at ISO       judge campaign windows at this time (default: now)
  --source TYPE  the chat the text comes from (default: user)
  --json         machine-readable output
  -h, --help     show this help
`;

/**
 * Runs the CLI with `args` (without `node` and the script) and returns the exit code:
 * 0 success, 1 invalid input (rule file errors, unreadable file), 2 wrong usage.
 * User mistakes print one line each, never a stack trace.
 */
export async function run(args: readonly string[], io: CliIO): Promise<number> {
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        json: { type: "boolean", default: false },
        at: { type: "string" },
        source: { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
    const [command, file, ...rest] = positionals;
    if (values.help || command === "help") {
      io.stdout(USAGE);
      return 0;
    }
    if (command === undefined) throw new UsageError("missing command");
    if (command !== "lint" && command !== "explain") throw new UsageError(`unknown command "${command}"`);
    if (file === undefined) throw new UsageError(`${command}: missing rule file`);
    if (command === "lint") {
      if (rest.length > 0) throw new UsageError(`lint takes one file, got extra arguments: ${rest.join(" ")}`);
      if (values.source !== undefined) throw new UsageError("lint does not take --source");
      return await lintCommand(file, values, io);
    }
    if (rest.length === 0) throw new UsageError("explain: give at least one text after the rule file");
    return await explainCommand(file, rest, values, io);
  } catch (error) {
    if (error instanceof RuleSetError) {
      // explain on an invalid rule file: lint prints its own report.
      io.stderr(`line-responder: the rule file has ${plural(error.issues.length, "error")}:\n`);
      for (const issue of error.issues) io.stderr(`  ${issueLine(issue)}\n`);
      return 1;
    }
    if (error instanceof InputError) {
      io.stderr(`line-responder: ${error.message}\n`);
      return 1;
    }
    if (error instanceof UsageError || isParseArgsError(error)) {
      io.stderr(`line-responder: ${(error as Error).message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && code.startsWith("ERR_PARSE_ARGS_");
}
