/**
 * Reading rule files: YAML or JSON text (or an object built in code) in, a validated rule set out,
 * or one {@link RuleSetError} listing every problem with its path and line.
 */
import type { Document, LineCounter } from "yaml";
import { checkRuleSet } from "./check.js";
import { RuleSetError, type RuleSetIssue } from "./issues.js";
import { hasDuplicateKey } from "./json-duplicate-keys.js";
import { loadRegex, loadYaml, type YamlModule, yamlNow } from "./lazy-modules.js";
import type { RuleSet } from "./schema.js";
import { parseShape } from "./shape.js";
import { markValidated } from "./validated.js";

/**
 * Validates a rule file and fills in its defaults.
 *
 * @param input - the file's text (YAML or JSON), or an object already parsed or built in code.
 *   JSON and objects are read without the YAML parser; YAML text loads it on first use, which
 *   works on Node (CommonJS and ESM). Where it cannot be loaded synchronously (Cloudflare Workers,
 *   browsers), YAML text is refused with a `needs-async-load` issue: use {@link loadRuleSet}.
 * @returns the rule set, ready for {@link compileRules} and {@link lintRules}.
 * @throws {@link RuleSetError} listing every problem (`rules[3].keywords[0] (line 14): must not be empty`).
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import { compileRules, parseRuleSet } from "line-responder";
 *
 * const matcher = compileRules(parseRuleSet(readFileSync("rules.yaml", "utf8")));
 * matcher.match("ﾌﾟﾚｾﾞﾝﾄ！")?.ruleId; // "survey-gift"
 * ```
 */
export function parseRuleSet(input: unknown, options?: ParseRuleSetOptions): RuleSet {
  return parseRuleSource(input, options).ruleSet;
}

/**
 * {@link parseRuleSet} for every runtime: loads the YAML parser (for YAML text) and the regex
 * engine (for a set with regex rules) with `await import()`, which bundlers for Cloudflare Workers
 * and browsers follow, then parses. The result is the same as {@link parseRuleSet}'s, and
 * {@link compileRules} of it works synchronously from then on.
 *
 * @param input - the file's text (YAML or JSON), or an object.
 * @throws {@link RuleSetError} (as a rejected promise) listing every problem.
 *
 * @example
 * ```ts
 * import { compileRules, loadRuleSet } from "line-responder";
 *
 * const rulesText = "version: 1\nrules:\n  - { id: gift, keywords: [プレゼント], reply: [{ type: text, text: 🎁 }] }";
 * const matcher = compileRules(await loadRuleSet(rulesText));
 * matcher.match("ぷれぜんと")?.ruleId; // "gift"
 * ```
 */
export async function loadRuleSet(input: unknown, options: ParseRuleSetOptions = {}): Promise<RuleSet> {
  if (typeof input === "string" && readJson(input) === undefined) await loadYaml();
  const { data, source } = readInput(input, options);
  // compileRules cannot wait for the regex engine: load it now for a set that will need it.
  if (hasRegexRule(data)) await loadRegex();
  return validate(data, source).ruleSet;
}

/** Limits of {@link parseRuleSet}, which reads text that may come from anyone who can edit a rule file. */
export interface ParseRuleSetOptions {
  /**
   * The largest rule file text accepted, in UTF-8 bytes (default {@link DEFAULT_MAX_RULE_FILE_BYTES}).
   * A bigger text is refused with a `file-too-large` issue before it is parsed: parsing tens of
   * megabytes of YAML takes seconds and gigabytes of memory.
   */
  maxBytes?: number;
}

/** 5 MiB: tens of thousands of rules, far beyond any campaign, and parsed in well under a second. */
export const DEFAULT_MAX_RULE_FILE_BYTES = 5 * 1024 * 1024;

/**
 * How many times YAML aliases (`*name`) may repeat an anchored node. A few aliases are normal
 * (one reward's messages reused); a "billion laughs" file nests them to expand exponentially.
 */
const MAX_ALIAS_COUNT = 100;

/**
 * {@link parseRuleSet}, plus a function that adds source lines to issues found later (lint
 * warnings), for tools that print them. Internal: the CLI uses it.
 */
export function parseRuleSource(
  input: unknown,
  options: ParseRuleSetOptions = {},
): {
  ruleSet: RuleSet;
  locate: (issues: RuleSetIssue[]) => RuleSetIssue[];
} {
  const { data, source } = readInput(input, options);
  return validate(data, source);
}

/** Where the data came from, to put line numbers on issues: built only when an issue needs one. */
type SourceMap = () => { yaml: YamlModule; document: Document; lineCounter: LineCounter } | undefined;

function readInput(input: unknown, options: ParseRuleSetOptions): { data: unknown; source?: SourceMap } {
  if (typeof input !== "string") return { data: input };
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_RULE_FILE_BYTES;
  const bytes = utf8Length(input, maxBytes);
  if (bytes > maxBytes) {
    throw new RuleSetError([
      {
        severity: "error",
        code: "file-too-large",
        path: "",
        message: `the rule file is over ${formatBytes(maxBytes)} (the limit; the maxBytes option of parseRuleSet raises it)`,
      },
    ]);
  }
  // JSON is YAML too, but JSON.parse reads it a hundred times faster and needs no YAML parser.
  // The YAML document is built only if an issue needs its line (and the parser can be loaded).
  const json = readJson(input);
  if (json !== undefined) {
    let document: ReturnType<SourceMap>;
    return { data: json.value, source: () => (document ??= yamlDocument(input)) };
  }
  const yaml = yamlNow();
  if (!yaml) {
    throw new RuleSetError([
      {
        severity: "error",
        code: "needs-async-load",
        path: "",
        message:
          "YAML text needs the YAML parser, which this runtime cannot load synchronously; use `await loadRuleSet(text)`, or pass JSON or an object",
      },
    ]);
  }
  const lineCounter = new yaml.LineCounter();
  const document = yaml.parseDocument(input, { lineCounter, prettyErrors: true });
  if (document.errors.length > 0) {
    throw new RuleSetError(
      document.errors.map((e) => ({
        severity: "error",
        code: "invalid-syntax",
        path: "",
        // The pretty message ends with the position and a code excerpt; keep one line.
        message: `not valid YAML or JSON: ${e.message.replace(/ at line \d+, column \d+:[\s\S]*$/, "")}`,
        line: e.linePos?.[0].line,
        column: e.linePos?.[0].col,
      })),
    );
  }
  let data: unknown;
  try {
    data = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    // The yaml package throws a ReferenceError when aliases expand past maxAliasCount.
    if (!(error instanceof ReferenceError)) throw error;
    throw new RuleSetError([
      {
        severity: "error",
        code: "invalid-syntax",
        path: "",
        message: `not valid YAML or JSON: its aliases (*name) expand past the limit of ${MAX_ALIAS_COUNT} repetitions; write the repeated values out`,
      },
    ]);
  }
  const located = { yaml, document, lineCounter };
  return { data, source: () => located };
}

/**
 * The value of a text that is a JSON object, or `undefined` for anything else (YAML, or JSON with
 * a mistake, a duplicate key included, which then goes through the YAML parser for an error
 * message with its line).
 */
function readJson(text: string): { value: unknown } | undefined {
  if (!/^\s*\{/.test(text)) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  return hasDuplicateKey(text) ? undefined : { value };
}

function yamlDocument(text: string): ReturnType<SourceMap> {
  const yaml = yamlNow();
  if (!yaml) return undefined; // no line numbers on this runtime; the paths still say where
  const lineCounter = new yaml.LineCounter();
  return { yaml, document: yaml.parseDocument(text, { lineCounter }), lineCounter };
}

function validate(
  data: unknown,
  source: SourceMap | undefined,
): { ruleSet: RuleSet; locate: (issues: RuleSetIssue[]) => RuleSetIssue[] } {
  const shape = parseShape(data);
  if (shape.issues) throw new RuleSetError(withLines(shape.issues, source));
  const errors = checkRuleSet(shape.ruleSet, { shapeChecked: true });
  if (errors.length > 0) throw new RuleSetError(withLines(errors, source));
  return { ruleSet: markValidated(shape.ruleSet), locate: (issues) => withLines(issues, source) };
}

function hasRegexRule(data: unknown): boolean {
  const rules = (data as { rules?: unknown } | null)?.rules;
  return Array.isArray(rules) && rules.some((rule) => (rule as { match?: unknown } | null)?.match === "regex");
}

type Key = string | number;

// Paths from the checks are strings (`rules[3].keywords[0]`); the document needs keys.
function parsePath(path: string): Key[] {
  const keys: Key[] = [];
  for (const match of path.matchAll(/([^.[\]]+)|\[(\d+)\]|\["((?:[^"\\]|\\.)*)"\]/g)) {
    if (match[2] !== undefined) keys.push(Number(match[2]));
    else if (match[3] !== undefined) keys.push(JSON.parse(`"${match[3]}"`) as string);
    else keys.push(match[1] as string);
  }
  return keys;
}

function withLines(issues: RuleSetIssue[], source: SourceMap | undefined): RuleSetIssue[] {
  const located = issues.length > 0 ? source?.() : undefined;
  if (!located) return issues;
  const { yaml, document, lineCounter } = located;
  return issues.map((issue) => {
    const keys = parsePath(issue.path);
    // A missing field has no node: point at the closest enclosing one that exists.
    for (let depth = keys.length; depth >= 0; depth--) {
      const node = document.getIn(keys.slice(0, depth), true);
      if (yaml.isNode(node) && node.range) {
        return { ...issue, line: lineCounter.linePos(node.range[0]).line };
      }
    }
    return issue;
  });
}

// Counts UTF-8 bytes without Buffer (Workers have none), stopping once past `limit`.
function utf8Length(text: string, limit: number): number {
  if (text.length > limit) return text.length; // at least one byte per code unit
  let bytes = 0;
  for (let i = 0; i < text.length && bytes <= limit; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff) {
      bytes += 4; // a surrogate pair: one four-byte character
      i++;
    } else bytes += 3;
  }
  return bytes;
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(bytes % (1024 * 1024) === 0 ? 0 : 1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(bytes % 1024 === 0 ? 0 : 1)} KiB`;
  return `${bytes} bytes`;
}
