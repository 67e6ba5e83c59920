/**
 * Regex rules run on RE2 (re2js), whose matching time is linear in the message length for every
 * pattern, so no rule file can stall the webhook with a catastrophic-backtracking pattern.
 * What RE2 cannot run in linear time (lookaround, backreferences) is refused when rules load.
 * re2js is loaded when the first regex compiles (see `lazy-modules.ts`).
 */
import { regexNow } from "./lazy-modules.js";

/** A regex ready to test normalized messages. */
export interface CompiledRegex {
  test(text: string): boolean;
  /** Runs the pattern on `text` and keeps what it captured (RE2JS's matcher). */
  matcher(text: string): {
    find(): boolean;
    groupCount(): number;
    group(group?: string | number): string | null;
  };
  namedGroups(): Record<string, number>;
}

/** What a regex rule's pattern captured in the message (normalized text, see {@link RuleMatch.groups}). */
export interface RegexGroups {
  /** `numbered[0]` is the whole match, `numbered[1]` the first group...; `undefined` for a group that took no part. */
  readonly numbered: readonly (string | undefined)[];
  /** Named groups (`(?P<code>\\d+)` or `(?<code>\\d+)`) by name; `undefined` for one that took no part. */
  readonly named: Readonly<Record<string, string | undefined>>;
}

/** The groups of the first match of `regex` in `text`, or `undefined` when it does not match. */
export function captureGroups(regex: CompiledRegex, text: string): RegexGroups | undefined {
  const found = regex.matcher(text);
  if (!found.find()) return undefined;
  const numbered: (string | undefined)[] = [];
  for (let i = 0; i <= found.groupCount(); i++) numbered.push(found.group(i) ?? undefined);
  const named: Record<string, string | undefined> = {};
  for (const [name, index] of Object.entries(regex.namedGroups())) named[name] = numbered[index];
  return { numbered, named };
}

/** A compiled pattern, or why it was refused: `unsafe-regex` needs backtracking, `invalid-regex` is not a regex. */
export type RegexResult =
  | { ok: true; regex: CompiledRegex }
  | { ok: false; code: "unsafe-regex" | "invalid-regex" | "needs-async-load"; reason: string };

const LOOKAROUND = /\(\?<?[=!]/;
const BACKREFERENCE = /\\[1-9]|\\k</;

/**
 * Compiles `pattern` for messages folded with `caseFold` (then the pattern ignores case too, so
 * `Coupon` in a pattern still meets the lower-cased message).
 */
export function compileRegex(pattern: string, caseFold: boolean): RegexResult {
  const engine = regexNow();
  if (!engine) {
    return {
      ok: false,
      code: "needs-async-load",
      reason:
        "needs the RE2 engine (re2js), which this runtime cannot load synchronously; load the rules with `await loadRuleSet(...)` first",
    };
  }
  const { RE2JS } = engine;
  try {
    return { ok: true, regex: RE2JS.compile(pattern, caseFold ? RE2JS.CASE_INSENSITIVE : 0) };
  } catch (error) {
    // RE2 refused it; tell apart the backtracking features people reach for from plain typos.
    if (LOOKAROUND.test(pattern)) {
      return {
        ok: false,
        code: "unsafe-regex",
        reason:
          "uses lookaround, which needs a backtracking engine; regex rules run on RE2 in linear time (use two rules, or prefix/contains)",
      };
    }
    if (BACKREFERENCE.test(pattern)) {
      return {
        ok: false,
        code: "unsafe-regex",
        reason: "uses a backreference, which needs a backtracking engine; regex rules run on RE2 in linear time",
      };
    }
    const detail = error instanceof Error ? error.message.replace(/^error parsing regexp: /, "") : String(error);
    return { ok: false, code: "invalid-regex", reason: `is not a valid RE2 regular expression: ${detail}` };
  }
}
