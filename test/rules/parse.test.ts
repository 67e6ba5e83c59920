import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseRuleSet, RuleSetError, type RuleSetIssue } from "../../src/index.js";

function issuesOf(input: unknown): RuleSetIssue[] {
  try {
    parseRuleSet(input);
  } catch (error) {
    if (error instanceof RuleSetError) return [...error.issues];
    throw error;
  }
  throw new Error("expected the rule set to be refused");
}

const yaml = (body: string) => `version: 1\n${body}`;

describe("parseRuleSet: valid files", () => {
  it("reads the example campaign in YAML and fills in defaults", () => {
    const ruleSet = parseRuleSet(readFileSync(new URL("../../examples/rules/campaign.yaml", import.meta.url), "utf8"));
    expect(ruleSet.timezone).toBe("Asia/Tokyo");
    expect(ruleSet.rewards["voice-gift"]).toMatchObject({ limit: "once-per-user", stock: 100 });
    expect(ruleSet.rules.map((r) => r.id)).toEqual(["survey-gift", "coupon", "help"]);
    expect(ruleSet.rules[1]).toMatchObject({ priority: 0, sources: ["user"] });
  });

  it("reads JSON the same way", () => {
    const json = JSON.stringify({
      version: 1,
      rewards: { gift: { messages: [{ type: "text", text: "🎁" }], limit: { perUser: 3 } } },
      rules: [{ id: "a", keywords: ["プレゼント"], reward: "gift" }],
    });
    const ruleSet = parseRuleSet(json);
    expect(ruleSet.rules[0]).toMatchObject({ match: "exact", priority: 0, sources: ["user"] });
    expect(ruleSet.rewards.gift?.limit).toEqual({ perUser: 3 });
  });

  it("accepts an object built in code", () => {
    expect(parseRuleSet({ version: 1, rules: [] }).rules).toEqual([]);
  });
});

describe("parseRuleSet: bad input names the problem, its path and its line", () => {
  it("invalid YAML", () => {
    const [issue] = issuesOf("version: 1\nrules: [ {id: a");
    expect(issue).toMatchObject({ code: "invalid-syntax", line: 2 });
    expect(issue?.message).toMatch(/^not valid YAML or JSON: /);
    expect(issue?.message).not.toMatch(/\n/);
  });

  it("invalid JSON", () => {
    const [issue] = issuesOf('{"version": 1, "rules": [}');
    expect(issue).toMatchObject({ code: "invalid-syntax", line: 1 });
  });

  it("JSON text: the issue's line, found in the text only when there is an issue", () => {
    const json = JSON.stringify(
      { version: 1, rules: [{ id: "a", keywords: ["x"], reply: [{ type: "text", text: "hi" }], priorty: 1 }] },
      null,
      2,
    );
    const [issue] = issuesOf(json);
    expect(issue).toMatchObject({ code: "unknown-field", path: "rules[0].priorty", line: 15 });
    expect(issue?.message).toContain('did you mean "priority"');
  });

  it("a field of the wrong type, in plain words", () => {
    expect(issuesOf({ version: 1, normalize: { kana: "yes" }, rules: [] })).toEqual([
      { severity: "error", code: "invalid-value", path: "normalize.kana", message: "must be true or false" },
    ]);
    const [location] = issuesOf({
      version: 1,
      rules: [
        {
          id: "a",
          keywords: ["x"],
          reply: [{ type: "location", title: "t", address: "a", latitude: 95, longitude: 0 }],
        },
      ],
    });
    expect(location).toMatchObject({
      path: "rules[0].reply[0].latitude",
      message: "must be between -90 and 90",
    });
  });

  it("duplicate keys", () => {
    expect(issuesOf("version: 1\nversion: 1\nrules: []")[0]).toMatchObject({ code: "invalid-syntax", line: 2 });
  });

  it("duplicate keys in JSON text, which JSON.parse alone would drop without a word", () => {
    const rule = '{"id": "a", "keywords": ["x"], "reply": [{"type": "text", "text": "one"}]';
    const twice = `{"version": 1,\n "rules": [\n  ${rule},\n   "reply": [{"type": "text", "text": "two"}]}]}`;
    expect(issuesOf(twice)[0]).toMatchObject({ code: "invalid-syntax", line: 4 });
    // The same key written with an escape is the same key.
    expect(issuesOf('{"version": 1, "rules": [], "\\u0076ersion": 1}')[0]).toMatchObject({ code: "invalid-syntax" });
    // Equal keys in sibling objects, and equal strings as values, are fine.
    const siblings = `{"version": 1, "rules": [${rule}}, ${rule.replace('"a"', '"b"').replace('"x"', '"a"')}}]}`;
    expect(parseRuleSet(siblings).rules.map((r) => r.id)).toEqual(["a", "b"]);
  });

  it("unknown fields, with the field they probably meant", () => {
    const issues = issuesOf(yaml("rules:\n  - id: a\n    keyword: [x]\n    reply: [{type: text, text: hi}]\n"));
    expect(issues).toContainEqual(
      expect.objectContaining({
        code: "unknown-field",
        path: "rules[0].keyword",
        line: 4,
        message: expect.stringContaining('did you mean "keywords"'),
      }),
    );
    expect(issues).toContainEqual(expect.objectContaining({ path: "rules[0].keywords", message: "is required" }));
  });

  it("unknown top-level and nested fields", () => {
    const issues = issuesOf(yaml("timezome: Asia/Tokyo\nnormalize: { kanaa: false }\nrules: []\n"));
    expect(issues).toHaveLength(2);
    expect(issues.map((i) => [i.path, i.code])).toEqual(
      expect.arrayContaining([
        ["normalize.kanaa", "unknown-field"],
        ["timezome", "unknown-field"],
      ]),
    );
    expect(issues.find((i) => i.path === "timezome")?.message).toContain('did you mean "timezone"');
  });

  it("empty keyword", () => {
    expect(
      issuesOf(yaml('rules:\n  - id: a\n    keywords: ["ok", ""]\n    reply: [{type: text, text: hi}]\n')),
    ).toEqual([
      { severity: "error", code: "invalid-value", path: "rules[0].keywords[1]", message: "must not be empty", line: 4 },
    ]);
  });

  it("a keyword that normalizes to nothing", () => {
    const [issue] = issuesOf(yaml('rules:\n  - id: a\n    keywords: ["！！"]\n    reply: [{type: text, text: hi}]\n'));
    expect(issue).toMatchObject({ code: "empty-keyword", path: "rules[0].keywords[0]", line: 4 });
  });

  it("duplicate rule id", () => {
    const issues = issuesOf(
      yaml(
        "rules:\n  - { id: a, keywords: [x], reply: [{type: text, text: hi}] }\n  - { id: a, keywords: [y], reply: [{type: text, text: hi}] }\n",
      ),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        code: "duplicate-rule-id",
        path: "rules[1].id",
        line: 4,
        message: expect.stringContaining("rules[0]"),
      }),
    ]);
  });

  it("bad regex", () => {
    const [issue] = issuesOf(
      yaml('rules:\n  - { id: a, match: regex, keywords: ["(unclosed"], reply: [{type: text, text: hi}] }\n'),
    );
    expect(issue).toMatchObject({ code: "invalid-regex", path: "rules[0].keywords[0]", line: 3 });
    expect(issue?.message).toContain("missing closing )");
  });

  it("unknown reward, with a suggestion", () => {
    const issues = issuesOf(
      yaml(
        "rewards:\n  voice-gift: { messages: [{type: text, text: hi}] }\nrules:\n  - { id: a, keywords: [x], reward: voice-gfit }\n",
      ),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        code: "unknown-reward",
        path: "rules[0].reward",
        message: expect.stringContaining('did you mean "voice-gift"'),
      }),
    ]);
  });

  it("a rule with neither or both of reward and reply", () => {
    expect(issuesOf(yaml("rules:\n  - { id: a, keywords: [x] }\n"))[0]?.message).toMatch(/either reward/);
    expect(
      issuesOf(
        yaml(
          "rewards: { g: { messages: [{type: text, text: hi}] } }\nrules:\n  - { id: a, keywords: [x], reward: g, reply: [{type: text, text: hi}] }\n",
        ),
      )[0]?.message,
    ).toMatch(/both reward and reply/);
  });

  it("wrong values say what is expected", () => {
    const issues = issuesOf(
      yaml(
        "timezone: Mars/Olympus\nrewards:\n  g: { messages: [], limit: twice, stock: 0 }\nrules:\n  - { id: a, match: fuzzy, keywords: [777], reward: g, priority: 1.5, sources: [channel], window: { from: '2019-02-30' } }\n",
      ),
    );
    const byPath = Object.fromEntries(issues.map((i) => [i.path, i.message]));
    expect(byPath).toMatchObject({
      timezone: expect.stringContaining("time zone"),
      "rewards.g.messages": "needs at least 1 message",
      "rewards.g.limit": 'must be "once-per-user", "unlimited" or { perUser: N }',
      "rewards.g.stock": "must be at least 1",
      "rules[0].match": "must be one of exact, prefix, contains, regex",
      "rules[0].keywords[0]": 'must be a string; write it in quotes: "777"',
      "rules[0].priority": "must be a whole number",
      "rules[0].sources[0]": "must be one of user, group, room",
      "rules[0].window.from": expect.stringContaining("not a valid ISO 8601 time"),
    });
  });

  it("more than 5 messages", () => {
    const messages = Array.from({ length: 6 }, () => ({ type: "text", text: "x" }));
    expect(issuesOf({ version: 1, rules: [{ id: "a", keywords: ["x"], reply: messages }] })[0]).toMatchObject({
      path: "rules[0].reply",
      message: "LINE sends at most 5 messages at once",
    });
  });

  it("wrong version, and a file that is not a mapping", () => {
    expect(issuesOf("version: 2\nrules: []")[0]).toMatchObject({
      path: "version",
      message: "must be 1 (the only rule file version)",
    });
    expect(issuesOf("- just a list")[0]).toMatchObject({ path: "", code: "invalid-value" });
  });

  it("the error message lists every problem, one per line", () => {
    try {
      parseRuleSet(yaml("rules:\n  - { id: a, keywords: [''], reply: [{type: text, text: hi}], colour: red }\n"));
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).toBe(
        'invalid rule set (2 problems):\n  rules[0].keywords[0] (line 3): must not be empty\n  rules[0].colour (line 3): unknown field "colour" (allowed here: id, match, keywords, reward, reply, window, priority, sources, answeredBy, guard)',
      );
    }
  });
});
