/**
 * `lintRules`: what is wrong or suspicious in a rule set, before users find out. Errors are the
 * ones loading refuses; warnings are rules or keywords that cannot do what their author meant.
 */
import { checkRuleSet } from "./check.js";
import type { RuleSetIssue } from "./issues.js";
import { type IndexedRule, type KeywordEntry, KeywordIndex } from "./keyword-index.js";
import { normalizeResolved } from "./normalize.js";
import type { RuleSet } from "./schema.js";
import { shapeIssuesOf } from "./shape.js";
import { formatInstant, toEpoch } from "./time.js";

/** Options of {@link lintRules}. */
export interface LintOptions {
  /** The moment windows are judged against ("this window has ended"); defaults to now. */
  at?: Date | number;
}

/**
 * Finds problems in a rule set. A wrong set does not throw: errors (what {@link compileRules}
 * refuses) and warnings come back together, errors first; a set built in code without the shape
 * of a rule set gets only the errors that say which fields are wrong.
 *
 * Warnings: `duplicate-keyword` (the same keyword twice in a rule, after normalization),
 * `unreachable-keyword` and `shadowed-rule` (an earlier or higher-priority rule always answers
 * first), `window-ended`, `regex-not-normalized` (a pattern with characters that normalized
 * messages never contain), `unused-reward`, `stock-without-sold-out` (a stocked reward that
 * leaves late users with silence).
 *
 * @example
 * ```ts
 * for (const issue of lintRules(parseRuleSet(text))) console.log(formatIssue(issue));
 * ```
 */
export function lintRules(ruleSet: RuleSet, options: LintOptions = {}): RuleSetIssue[] {
  const at = toEpoch(options.at);
  // A set built in code may not have the shape at all: then that is all there is to say.
  const shapeIssues = shapeIssuesOf(ruleSet);
  if (shapeIssues) return shapeIssues;
  const errors = checkRuleSet(ruleSet, { shapeChecked: true });
  const warnings: RuleSetIssue[] = [];
  const warn = (code: RuleSetIssue["code"], path: string, message: string) =>
    warnings.push({ severity: "warning", code, path, message });
  const index = new KeywordIndex(ruleSet);

  const entriesOf = new Map<IndexedRule, KeywordEntry[]>();
  for (const entry of index.entries) {
    const list = entriesOf.get(entry.rule);
    if (list) list.push(entry);
    else entriesOf.set(entry.rule, [entry]);
  }

  for (const rule of index.rules) {
    // A window that never opens is already an error; warnings about the rule would only add noise.
    if (rule.from >= rule.until) continue;
    const rulePath = `rules[${rule.index}]`;
    const entries = entriesOf.get(rule) ?? [];
    const seen = new Map<string, number>();
    const blockers = new Set<IndexedRule>();
    let unreachable = 0;
    const unreachableWarnings: [string, string][] = [];
    for (const entry of entries) {
      const path = `${rulePath}.keywords[${entry.keywordIndex}]`;
      const twin = seen.get(entry.normalized);
      if (twin !== undefined) {
        warn(
          "duplicate-keyword",
          path,
          `same as keywords[${twin}] after normalization (${JSON.stringify(entry.normalized)})`,
        );
        unreachable++;
        continue;
      }
      seen.set(entry.normalized, entry.keywordIndex);
      if (entry.kind === "regex") {
        const folded = normalizeResolved(entry.keyword, {
          ...index.options,
          edgeSymbols: false,
          whitespace: false,
          case: false,
        });
        if (folded !== entry.keyword) {
          warn(
            "regex-not-normalized",
            path,
            `messages are normalized before matching, so this pattern's ${describeFolds(entry.keyword, folded)} never appear in them; write ${JSON.stringify(folded)}`,
          );
        }
      }
      const blocker = coveringRule(index, entry);
      if (blocker) {
        unreachable++;
        blockers.add(blocker);
        unreachableWarnings.push([
          path,
          `never answers: ${describeRule(ruleSet, blocker)} matches every message this keyword matches and is tried first`,
        ]);
      }
    }
    if (entries.length > 0 && unreachable === entries.length && blockers.size > 0) {
      const names = [...blockers].map((b) => describeRule(ruleSet, b)).join(", ");
      warn("shadowed-rule", rulePath, `can never answer: every keyword is caught first by ${names}`);
    } else {
      for (const [path, message] of unreachableWarnings) warn("unreachable-keyword", path, message);
    }

    if (rule.until <= at) {
      warn(
        "window-ended",
        `${rulePath}.window.until`,
        `the window ended ${formatInstant(rule.until, ruleSet.timezone)}; the rule no longer answers`,
      );
    }
  }

  const used = new Set(ruleSet.rules.map((r) => r.reward));
  for (const id of Object.keys(ruleSet.rewards)) {
    if (!used.has(id)) warn("unused-reward", `rewards.${id}`, "no rule gives this reward");
  }
  for (const [id, reward] of Object.entries(ruleSet.rewards)) {
    if (reward.stock !== undefined && reward.soldOut === undefined) {
      warn(
        "stock-without-sold-out",
        `rewards.${id}`,
        `once the ${reward.stock} are given, users who send the keyword get no answer: add soldOut: [messages] to tell them`,
      );
    }
  }
  return [...errors, ...warnings];
}

function describeRule(ruleSet: RuleSet, rule: IndexedRule): string {
  return `rules[${rule.index}] (${ruleSet.rules[rule.index]?.id})`;
}

function describeFolds(original: string, folded: string): string {
  return /[\u3041-\u309f]/.test(original) && /[\u30a1-\u30ff]/.test(folded)
    ? "hiragana"
    : "full-width or variant characters";
}

/**
 * A rule tried before `entry`'s that answers every message `entry` would answer, whenever
 * `entry`'s rule could: its keyword covers this one, its window contains this window, and it
 * allows every source this rule allows.
 *
 * Coverage between keywords, with t any normalized message:
 * - exact k: the only message is k itself, so any rule that matches the text k covers it;
 * - prefix k: messages start with k, so a prefix or contains keyword found in k covers it;
 * - contains k: messages contain k, so only a contains keyword found in k covers it;
 * - regex: only the same pattern covers it (regex inclusion is not decided).
 */
function coveringRule(index: KeywordIndex, entry: KeywordEntry): IndexedRule | undefined {
  const alwaysBefore = (other: KeywordEntry) => {
    const a = other.rule;
    const b = entry.rule;
    return a.rank < b.rank && a.from <= b.from && a.until >= b.until && (a.sourceMask & b.sourceMask) === b.sourceMask;
  };
  if (entry.kind === "regex") {
    return index.entries.find(
      (other) => other.kind === "regex" && other.normalized === entry.normalized && alwaysBefore(other),
    )?.rule;
  }
  for (const { entry: other, start } of index.hits(entry.normalized)) {
    if (!alwaysBefore(other)) continue;
    if (entry.kind === "exact") return other.rule;
    if (entry.kind === "prefix" && (other.kind === "contains" || (other.kind === "prefix" && start === 0)))
      return other.rule;
    if (entry.kind === "contains" && other.kind === "contains") return other.rule;
  }
  return undefined;
}
