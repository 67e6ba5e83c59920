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
