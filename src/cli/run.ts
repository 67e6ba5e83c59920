import { parseArgs } from "node:util";
import { StateError } from "../guards/parse-state.js";
import { RuleSetError } from "../rules/issues.js";
import { StoreConnectionError } from "../stores/store-error.js";
import { claimsCommand } from "./claims-command.js";
import { demoCommand } from "./demo-command.js";
import { emulatorCommand } from "./emulator-command.js";
import { explainCommand } from "./explain-command.js";
import { grantCommand } from "./grant-command.js";
import { ApiError, type CliIO, InputError, UsageError } from "./io.js";
import { issueLine, lintCommand, plural } from "./lint-command.js";
import { CHECK_OPTIONS, checkCommand, diagramCommand, simulateCommand } from "./modes-command.js";

// One synopsis per command: the help lists them all, a usage error prints the one of its command.
const SYNOPSIS: Record<string, string> = {
  lint: "line-responder lint <rules.yaml|json> [--at ISO] [--json] [--verbose]",
  explain: "line-responder explain <rules.yaml|json> <text...> [--at ISO] [--source user|group|room] [--json]",
  "modes simulate":
    "line-responder modes simulate --profile current|legacy --from '<state json>' [--rules FILE] [--at ISO] [--strict] [--json] STEP...",
  "modes diagram": "line-responder modes diagram --profile current|legacy [--format mermaid|dot]",
  "modes check":
    "line-responder modes check --rules FILE --declared '<state json>' [--profile current|legacy] [--api-base URL] [--at ISO] [--json] [--probe] [--watch [--interval 5m] [--notify URL]]",
  demo: "line-responder demo [--seed N] [--users N] [--rules FILE] [--json]",
  emulator:
    "line-responder emulator [--port N] [--profile current|legacy] [--webhook URL] [--rules FILE] [--quota N] [--redelivery]",
  grant:
    "line-responder grant --rules FILE --store URL --reward ID (--user ID... | --users FILE) [--reason TEXT] [--key PREFIX] [--yes] [--api-base URL]",
  claims:
    "line-responder claims --store URL [--reward ID] [--user ID] [--status S] [--format table|csv|json] [--rules FILE]",
};

const USAGE = `Usage:
${Object.values(SYNOPSIS)
  .map((line) => `  ${line}\n`)
  .join("")}  line-responder --version

Commands:
  lint            check a rule file; exit 1 on errors, 0 when only warnings remain
  explain         show how each text is normalized and which rule answers it
  modes simulate  run operator actions through the response-mode machine, one line per step
                  steps: SWITCH_MODE:chat  SET_CHAT:on  SET_WEBHOOK:off  SET_AUTO_RESPONSE:on  SET_GREETING:off
                         SET_RESPONSE_METHOD:inside=manual,outside=manual+auto  SET_RESPONSE_HOURS:none|{json}
                         OBSERVE:chatMode=chat,webhookActive=false
  modes diagram   draw the machine (mermaid or Graphviz dot)
  modes check     compare the declared settings with the real account (LINE_CHANNEL_ACCESS_TOKEN);
                  exit 1 when a live campaign would go unanswered, 3 when the account cannot be read;
                  --probe asks LINE to test the webhook URL; --watch checks every --interval (default 5m),
                  reporting each finding once when it appears and once when it clears (--notify posts it)
  demo            the seed incident's campaign day against a local emulator, baseline bot vs line-responder;
                  exit 0 only when line-responder rewarded every user exactly once
  emulator        a local LINE account and Messaging API for any bot (LINE_CHANNEL_SECRET and
                  LINE_CHANNEL_ACCESS_TOKEN, or printed defaults); prints each request; Ctrl-C stops it
  grant           give a reward by hand by push (LINE_CHANNEL_ACCESS_TOKEN): a dry run unless --yes;
                  one key per user and reward, so a rerun sends only what is left; exit 1 unless all sent
  claims          list every claim of a store (redis://...?prefix=P, postgres://...?schema=S) and the
                  totals per reward: sent, pending, failed, blocked by quota, held, stock left

Options:
  --at ISO       judge campaign windows at this time (default: now)
  --source TYPE  the chat the text comes from (default: user)
  --strict       refuse steps that would leave a campaign of --rules unanswered
  --json         machine-readable output
  --verbose      lint: also list the rules that opted out of the guard (guard: false)
  -h, --help     show this help
  --version      print the version

Environment:
  LINE_RESPONDER_MAX_RULE_BYTES  the size limit of rule files in bytes (default 5 MiB)
`;

const OPTIONS = {
  json: { type: "boolean", default: false },
  at: { type: "string" },
  source: { type: "string" },
  profile: { type: "string" },
  from: { type: "string" },
  rules: { type: "string" },
  strict: { type: "boolean", default: false },
  format: { type: "string" },
  declared: { type: "string" },
  "api-base": { type: "string" },
  seed: { type: "string" },
  users: { type: "string" },
  port: { type: "string" },
  webhook: { type: "string" },
  quota: { type: "string" },
  redelivery: { type: "boolean", default: false },
  store: { type: "string" },
  reward: { type: "string" },
  user: { type: "string", multiple: true },
  reason: { type: "string" },
  key: { type: "string" },
  status: { type: "string" },
  yes: { type: "boolean", default: false },
  verbose: { type: "boolean", default: false },
  ...CHECK_OPTIONS,
  help: { type: "boolean", short: "h", default: false },
  version: { type: "boolean", default: false },
} as const;

// Which options each command takes; any other given option is a usage error, not silently ignored.
const TAKES: Record<string, readonly (keyof typeof OPTIONS)[]> = {
  lint: ["json", "at", "verbose"],
  explain: ["json", "at", "source"],
  "modes simulate": ["json", "at", "profile", "from", "rules", "strict"],
  "modes diagram": ["profile", "format"],
  "modes check": ["json", "at", "profile", "rules", "declared", "api-base", "probe", "watch", "interval", "notify"],
  demo: ["json", "seed", "users", "rules"],
  emulator: ["port", "profile", "webhook", "rules", "quota", "redelivery"],
  grant: ["rules", "store", "reward", "user", "users", "reason", "key", "yes", "api-base"],
  claims: ["store", "reward", "user", "status", "format", "rules"],
};

// The commands that read operands (files, texts, steps); the others refuse any.
const TAKES_OPERANDS: readonly string[] = ["lint", "explain", "modes simulate"];

/**
 * Runs the CLI with `args` (without `node` and the script) and returns the exit code:
 * 0 success, 1 invalid input or a problem found (rule file errors, an unanswered campaign),
 * 2 wrong usage (unknown command, step or option, bad state JSON), 3 the LINE API could not be read.
 * User mistakes print one line each, never a stack trace.
 */
export async function run(args: readonly string[], io: CliIO): Promise<number> {
  const given = joinNegativeValues(args);
  try {
    const { values, positionals, tokens } = parseArgs({
      args: given,
      allowPositionals: true,
      options: OPTIONS,
      tokens: true,
    });
    if (values.help || positionals[0] === "help") {
      io.stdout(USAGE);
      return 0;
    }
    if (values.version && positionals.length === 0) {
      io.stdout(`line-responder ${io.version ?? "(version unknown)"}\n`);
      return 0;
    }
    const [first, second] = positionals;
    if (first === undefined) throw new UsageError("missing command");
    const command = first === "modes" ? `modes ${second ?? ""}`.trim() : first;
    const takes = TAKES[command];
    if (!takes) {
      if (first !== "modes") throw new UsageError(`unknown command "${first}"`);
      throw new UsageError(
        second === undefined
          ? "modes: missing subcommand (simulate, diagram or check)"
          : `modes: unknown subcommand "${second}" (simulate, diagram or check)`,
      );
    }
    for (const token of tokens) {
      if (token.kind === "option" && token.name !== "help" && !takes.includes(token.name as keyof typeof OPTIONS)) {
        throw new UsageError(`${command} does not take --${token.name}`);
      }
    }
    const operands = positionals.slice(first === "modes" ? 2 : 1);
    if (!TAKES_OPERANDS.includes(command) && operands.length > 0) {
      throw new UsageError(`${command} takes no arguments, got: ${operands.join(" ")}`);
    }
    switch (command) {
      case "lint": {
        const [file, ...rest] = operands;
        if (file === undefined) throw new UsageError("lint: missing rule file");
        if (rest.length > 0) throw new UsageError(`lint takes one file, got extra arguments: ${rest.join(" ")}`);
        return await lintCommand(file, values, io);
      }
      case "explain": {
        const [file, ...texts] = operands;
        if (file === undefined) throw new UsageError("explain: missing rule file");
        if (texts.length === 0) throw new UsageError("explain: give at least one text after the rule file");
        return await explainCommand(file, texts, values, io);
      }
      case "modes simulate":
        return await simulateCommand(operands, values, io);
      case "demo":
        return await demoCommand(values, io);
      case "emulator":
        return await emulatorCommand(values, io);
      case "modes diagram":
        return diagramCommand(values, io);
      case "grant":
        return await grantCommand(values, io);
      case "claims":
        return await claimsCommand(values, io);
      default:
        return await checkCommand(values, io);
    }
  } catch (error) {
    if (error instanceof RuleSetError) {
      // explain or modes on an invalid rule file: lint prints its own report.
      io.stderr(`line-responder: the rule file has ${plural(error.issues.length, "error")}:\n`);
      for (const issue of error.issues) io.stderr(`  ${issueLine(issue)}\n`);
      return 1;
    }
    if (error instanceof InputError) {
      io.stderr(`line-responder: ${error.message}\n`);
      return 1;
    }
    if (error instanceof StateError) {
      io.stderr(`line-responder: ${error.message}\n`);
      return 2;
    }
    if (error instanceof StoreConnectionError) {
      io.stderr(`line-responder: ${error.message}\n`);
      return 3;
    }
    if (error instanceof ApiError) {
      io.stderr(`line-responder: cannot read the account: ${error.message}\n`);
      return 3;
    }
    const message = error instanceof UsageError ? error.message : parseArgsMessage(error);
    if (message !== undefined) {
      // One line for a mistake in a command, with that command's usage; the whole usage only when
      // there is no command at all.
      if (args.length === 0) io.stderr(`line-responder: ${message}\n\n${USAGE}`);
      else io.stderr(`line-responder: ${message}; usage: ${usageOf(given)}\n`);
      return 2;
    }
    throw error;
  }
}

/** The synopsis of the command `args` name, or a pointer to the help when they name none. */
function usageOf(args: readonly string[]): string {
  // The words that are not options or their values (`--at 2019-08-05 lint` names lint).
  const words: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const option = OPTIONS[arg.replace(/^--/, "") as keyof typeof OPTIONS];
    if (arg.startsWith("-")) i += option?.type === "string" ? 1 : 0;
    else words.push(arg);
  }
  const [first, second] = words;
  if (first === "modes") {
    return SYNOPSIS[`modes ${second}`] ?? "line-responder modes simulate|diagram|check ... (line-responder --help)";
  }
  return (first !== undefined && SYNOPSIS[first]) || "line-responder <command> ... (line-responder --help)";
}

/**
 * `--seed -1`: parseArgs reads `-1` as an option and refuses the value as ambiguous; a negative
 * number after an option that takes a value is that value, so the command's own check can name it.
 */
function joinNegativeValues(args: readonly string[]): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const name = arg.startsWith("--") ? arg.slice(2) : undefined;
    const next = args[i + 1];
    const takesValue = name !== undefined && OPTIONS[name as keyof typeof OPTIONS]?.type === "string";
    if (takesValue && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}

/** parseArgs' own errors, reworded to name the option in one line; undefined for other errors. */
function parseArgsMessage(error: unknown): string | undefined {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code !== "string" || !code.startsWith("ERR_PARSE_ARGS_") || typeof message !== "string") return undefined;
  const option = /'(-[^' ]+)/.exec(message)?.[1] ?? "an option";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") return `unknown option ${option}`;
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    return /does not take an argument/.test(message) ? `${option} takes no value` : `${option} needs a value`;
  }
  return message.split("\n")[0];
}
