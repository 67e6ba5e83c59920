import { compileRules, type MatchExplanation } from "../rules/compile.js";
import type { CliIO } from "./io.js";
import { loadRuleFile } from "./load-rules.js";
import { parseAtOption, parseSourceOption } from "./options.js";

/**
 * `line-responder explain <file> <text...>`: for each text, its normalized form and the rule that
 * answers it, with the rules that lost and why. `--json` prints one object per text per line.
 */
export async function explainCommand(
  file: string,
  texts: readonly string[],
  flags: { json: boolean; at?: string; source?: string },
  io: CliIO,
): Promise<number> {
  const { ruleSet } = await loadRuleFile(file, io);
  const matcher = compileRules(ruleSet);
  // The bot never matches `answeredBy: native` rules (OA Manager answers them): explain them apart,
  // so a native keyword is not reported as matching nothing.
  const native = compileRules({
    ...ruleSet,
    rules: ruleSet.rules.filter((r) => r.answeredBy === "native").map((r) => ({ ...r, answeredBy: "bot" as const })),
  });
  const options = { at: parseAtOption(flags.at, ruleSet.timezone), source: parseSourceOption(flags.source) };
  for (const text of texts) {
    const explanation = matcher.explain(text, options);
    const nativeExplanation = native.explain(text, options);
    io.stdout(
      flags.json
        ? `${JSON.stringify(toJson(explanation, nativeExplanation))}\n`
        : describe(explanation, nativeExplanation),
    );
  }
  return 0;
}

function toJson({ text, normalized, match, candidates }: MatchExplanation, native: MatchExplanation) {
  return {
    text,
    normalized,
    match: match && { ruleId: match.ruleId, keyword: match.keyword, kind: match.kind },
    candidates,
    native: native.match && { ruleId: native.match.ruleId, keyword: native.match.keyword, kind: native.match.kind },
    nativeCandidates: native.candidates,
  };
}

const OUTCOME_WORDS = {
  matched: "answers",
  outranked: "outranked by the rule above",
  "window-not-open": "window not open yet",
  "window-ended": "window ended",
  "source-not-allowed": "not allowed for this source",
} as const;

function describe({ text, normalized, match, candidates }: MatchExplanation, native: MatchExplanation): string {
  const lines = [`${JSON.stringify(text)} -> ${JSON.stringify(normalized)}`];
  if (candidates.length === 0 && native.candidates.length === 0) lines.push("  no keyword matches");
  for (const c of candidates) {
    const mark = c.outcome === "matched" ? "=>" : "  ";
    lines.push(`  ${mark} ${c.ruleId} (${c.kind} ${JSON.stringify(c.keyword)}): ${OUTCOME_WORDS[c.outcome]}`);
  }
  for (const c of native.candidates) {
    const mark = c.outcome === "matched" ? "=>" : "  ";
    const words =
      c.outcome === "matched"
        ? "answered by OA Manager's auto-response (answeredBy: native), not by the bot"
        : `${OUTCOME_WORDS[c.outcome]} (answeredBy: native)`;
    lines.push(`  ${mark} ${c.ruleId} (${c.kind} ${JSON.stringify(c.keyword)}): ${words}`);
  }
  if (match === null && native.match === null && candidates.length + native.candidates.length > 0) {
    lines.push("  no rule answers");
  }
  return `${lines.join("\n")}\n`;
}
