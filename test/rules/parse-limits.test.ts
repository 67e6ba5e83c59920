/**
 * Rule files are text anyone with write access to a repository can change: parseRuleSet must
 * refuse what would exhaust memory or time with a RuleSetError that says what is wrong.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_MAX_RULE_FILE_BYTES, parseRuleSet, RuleSetError } from "../../src/index.js";

function issuesOf(run: () => unknown) {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RuleSetError);
    return (error as RuleSetError).issues;
  }
  throw new Error("expected a RuleSetError");
}

const rules = (keywords: string) => `version: 1
rules:
  - id: gift
    keywords: ${keywords}
    reply: [{ type: text, text: hi }]
`;

describe("parseRuleSet: limits", () => {
  it("refuses a YAML alias bomb with a RuleSetError naming the alias limit", () => {
    const bomb = [
      "a: &a [x, x, x, x, x, x, x, x, x]",
      "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]",
      "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]",
      "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]",
      "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]",
      "f: [*e, *e, *e, *e, *e, *e, *e, *e, *e]",
    ].join("\n");
    const issues = issuesOf(() => parseRuleSet(bomb));
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ code: "invalid-syntax", path: "" });
    expect(issues[0]?.message).toMatch(/aliases .* limit of 100/);
  });

  it("still reads a file that reuses a message through an alias", () => {
    const text = `version: 1
rules:
  - id: a
    keywords: [a]
    reply: &hello [{ type: text, text: hello }]
  - id: b
    keywords: [b]
    reply: *hello
`;
    expect(parseRuleSet(text).rules[1]?.reply).toEqual([{ type: "text", text: "hello" }]);
  });

  it("refuses a text over the size limit before parsing it, and says how to raise the limit", () => {
    const padding = `# ${"x".repeat(DEFAULT_MAX_RULE_FILE_BYTES)}\n`;
    const issues = issuesOf(() => parseRuleSet(padding + rules("[gift]")));
    expect(issues).toEqual([
      {
        severity: "error",
        code: "file-too-large",
        path: "",
        message: "the rule file is over 5 MiB (the limit; the maxBytes option of parseRuleSet raises it)",
      },
    ]);
  });

  it("counts UTF-8 bytes, not characters", () => {
    const text = rules(`[${"あ".repeat(100)}]`); // 300 bytes of keyword in about 200 characters
    expect(text.length).toBeLessThan(300);
    expect(issuesOf(() => parseRuleSet(text, { maxBytes: 300 }))[0]?.code).toBe("file-too-large");
    expect(parseRuleSet(text, { maxBytes: 400 }).rules).toHaveLength(1);
  });

  it("reads a bigger file when maxBytes allows it", () => {
    const padding = `# ${"x".repeat(DEFAULT_MAX_RULE_FILE_BYTES)}\n`;
    const ruleSet = parseRuleSet(padding + rules("[gift]"), { maxBytes: 2 * DEFAULT_MAX_RULE_FILE_BYTES });
    expect(ruleSet.rules[0]?.id).toBe("gift");
  });
});
