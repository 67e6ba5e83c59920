/**
 * Reading rule files: YAML or JSON text (or an object built in code) in, a validated rule set out,
 * or one {@link RuleSetError} listing every problem with its path and line.
 */
import { type Document, isNode, LineCounter, parseDocument } from "yaml";
import { describeIssues } from "../validation/describe-issues.js";
import { checkRuleSet } from "./check.js";
import { RuleSetError, type RuleSetIssue } from "./issues.js";
import {
  NormalizeOptionsSchema,
  RewardSchema,
  RuleSchema,
  type RuleSet,
  RuleSetSchema,
  WindowSchema,
} from "./schema.js";
import { markValidated } from "./validated.js";

/**
 * Validates a rule file and fills in its defaults.
 *
 * @param input - the file's text (YAML or JSON; JSON is read as YAML, which contains it), or an
 *   object already parsed or built in code.
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
export function parseRuleSet(input: unknown): RuleSet {
  return parseRuleSource(input).ruleSet;
}

/**
 * {@link parseRuleSet}, plus a function that adds source lines to issues found later (lint
 * warnings), for tools that print them. Internal: the CLI uses it.
 */
export function parseRuleSource(input: unknown): {
  ruleSet: RuleSet;
  locate: (issues: RuleSetIssue[]) => RuleSetIssue[];
} {
  let data = input;
  let source: SourceMap | undefined;
  if (typeof input === "string") {
    const lineCounter = new LineCounter();
    const document = parseDocument(input, { lineCounter, prettyErrors: true });
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
    data = document.toJS();
    source = { document, lineCounter };
  }

  const result = RuleSetSchema.safeParse(data);
  if (!result.success) {
    const issues = describeIssues(result.error.issues, data, allowedKeys).map(
      (issue): RuleSetIssue => ({ severity: "error", ...issue }),
    );
    throw new RuleSetError(withLines(issues, source));
  }
  const errors = checkRuleSet(result.data);
  if (errors.length > 0) throw new RuleSetError(withLines(errors, source));
  return { ruleSet: markValidated(result.data), locate: (issues) => withLines(issues, source) };
}

interface SourceMap {
  document: Document;
  lineCounter: LineCounter;
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
  if (!source) return issues;
  return issues.map((issue) => {
    const keys = parsePath(issue.path);
    // A missing field has no node: point at the closest enclosing one that exists.
    for (let depth = keys.length; depth >= 0; depth--) {
      const node = source.document.getIn(keys.slice(0, depth), true);
      if (isNode(node) && node.range) {
        return { ...issue, line: source.lineCounter.linePos(node.range[0]).line };
      }
    }
    return issue;
  });
}
