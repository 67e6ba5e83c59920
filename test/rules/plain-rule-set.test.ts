import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseRuleSet, RuleSetError } from "../../src/index.js";
import { parsePlainRuleSet } from "../../src/rules/plain-rule-set.js";
import { RuleSetSchema } from "../../src/rules/schema.js";

// Values close to what the schema accepts: mostly valid (so whole rule sets pass often), each
// field now and then one the schema refuses, so both sides of every check are tried.
const mostly = <T>(valid: fc.Arbitrary<T>, ...invalid: unknown[]): fc.Arbitrary<unknown> =>
  fc.oneof(
    { weight: 30, arbitrary: valid as fc.Arbitrary<unknown> },
    { weight: 1, arbitrary: fc.constantFrom(...invalid) },
  );
const nonEmpty = fc.constantFrom("a", "プレゼント", "r1", "gift", " ");
const stringish = mostly(nonEmpty, "", 1, null, undefined, ["a"], {});
const keywordList = mostly(fc.array(nonEmpty, { minLength: 1, maxLength: 3 }), [], ["a", ""], ["a", 1], "a", null);
const textMessage = fc.record(
  {
    type: mostly(fc.constant("text"), "Text", undefined, 1),
    text: mostly(nonEmpty, "", "x".repeat(5000), "x".repeat(5001), 42, undefined),
    quickReply: fc.constantFrom({ items: [] }, undefined),
    sender: fc.constantFrom({ name: "bot" }),
  },
  { requiredKeys: ["type", "text"] },
);
const otherMessage = fc.constantFrom(
  { type: "sticker", packageId: "446", stickerId: "1988" },
  { type: "sticker", packageId: "", stickerId: "1988" },
  { type: "image", originalContentUrl: "https://example.com/a.png", previewImageUrl: "https://example.com/b.png" },
  { type: "image", originalContentUrl: "http://example.com/a.png", previewImageUrl: "https://example.com/b.png" },
  { type: "textV2", text: "{a}", substitution: { a: { type: "mention" } } },
  { type: "coupon", couponId: "c1", extra: [1, 2] },
  JSON.parse('{"type":"text","text":"x","__proto__":1}'),
  { type: "video" },
  [{ type: "text", text: "in an array" }],
  null,
);
const messages = mostly(
  fc.array(fc.oneof({ weight: 8, arbitrary: textMessage }, otherMessage), { minLength: 1, maxLength: 5 }),
  [],
  Array(6).fill({ type: "text", text: "six" }),
  undefined,
  "ok",
  {},
);
const instant = mostly(fc.constantFrom("2024-01-01", "2024-01-02T10:00", undefined), "2024-02-30", "soon", 20240101);
const window = mostly(fc.record({ from: instant, until: instant }, { requiredKeys: [] }), null, "2024-01-01", {
  from: "2024-01-01",
  after: 1,
});
const rule = fc
  .record(
    {
      id: stringish,
      match: mostly(fc.constantFrom("exact", "prefix", "contains", "regex", undefined), "fuzzy", null),
      keywords: keywordList,
      answer: fc.oneof(
        { weight: 10, arbitrary: fc.record({ reward: stringish }) },
        { weight: 10, arbitrary: fc.record({ reply: messages }) },
        fc.record({ reward: stringish, reply: messages }),
        fc.constant({}),
      ),
      window,
      priority: mostly(fc.integer({ min: -3, max: 3 }), 1.5, 2 ** 53, Number.NaN, "1", undefined),
      sources: mostly(fc.subarray(["user", "group", "room"] as const), [], ["user", "chat"], "user", undefined),
      answeredBy: mostly(fc.constantFrom("bot", "native"), "human", undefined),
      guard: mostly(fc.boolean(), "no", undefined),
      unknownKey: fc.nat(30),
    },
    { requiredKeys: ["id", "keywords", "answer", "unknownKey"] },
  )
  .map(({ answer, unknownKey, ...r }) => ({ ...r, ...answer, ...(unknownKey === 0 ? { keyword: "a" } : {}) }));
const ruleSet = fc
  .record(
    {
      version: mostly(fc.constant(1), 2, "1", undefined),
      timezone: mostly(fc.constantFrom("Asia/Tokyo", "UTC", undefined), "Mars/Olympus", 9),
      normalize: mostly(
        fc.record({ kana: fc.boolean(), width: fc.boolean() }, { requiredKeys: [] }),
        { wide: true },
        null,
      ),
      rewards: mostly(
        fc.dictionary(
          nonEmpty,
          fc.record(
            {
              messages,
              limit: mostly(fc.constantFrom("once-per-user", "unlimited", { perUser: 2 }), { perUser: 0 }, "daily"),
              stock: mostly(fc.constantFrom(1, 100), 0, -1, 1.5),
            },
            { requiredKeys: ["messages"] },
          ),
          { maxKeys: 2 },
        ),
        [],
        "gift",
      ),
      rules: mostly(fc.array(rule, { maxLength: 4 }), undefined, {}),
      unknownKey: fc.nat(30),
    },
    { requiredKeys: ["version", "rules", "unknownKey"] },
  )
  .map(({ unknownKey, ...set }) => (unknownKey === 0 ? { ...set, title: "a" } : set));

// The schema's output with its key order: toStrictEqual ignores the order, JSON.stringify does not.
function expectSameAsSchema(input: unknown) {
  const fast = parsePlainRuleSet(input);
  const schema = RuleSetSchema.safeParse(input);
  if (!schema.success) {
    // Whatever the schema refuses, the fast path leaves to it, so the error is the schema's.
    expect(fast).toBeUndefined();
    return fast;
  }
  if (fast !== undefined) {
    expect(fast).toStrictEqual(schema.data);
    expect(JSON.stringify(fast)).toBe(JSON.stringify(schema.data));
  }
  return fast;
}

describe("parsePlainRuleSet", () => {
  it("returns what RuleSetSchema returns, or leaves the input to it", () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(ruleSet, (input) => {
        const fast = expectSameAsSchema(input);
        if (fast !== undefined) accepted++;
        else if (!RuleSetSchema.safeParse(input).success) refused++;
      }),
      { numRuns: 2000 },
    );
    // Both branches were exercised: the generator is not all valid or all invalid.
    expect(accepted).toBeGreaterThan(100);
    expect(refused).toBeGreaterThan(100);
  });

  it("handles the usual rule file itself, with defaults filled in and fresh arrays", () => {
    const keywords = ["プレゼント"];
    const reply = [{ type: "text", text: "🎁", quickReply: { items: [] } }];
    const input = { version: 1, rules: [{ id: "gift", keywords, reply }] };
    const fast = expectSameAsSchema(input);
    expect(fast).toEqual({
      version: 1,
      timezone: "Asia/Tokyo",
      normalize: {},
      rewards: {},
      rules: [
        {
          id: "gift",
          match: "exact",
          keywords: ["プレゼント"],
          reply: [{ type: "text", text: "🎁", quickReply: { items: [] } }],
          priority: 0,
          sources: ["user"],
          answeredBy: "bot",
        },
      ],
    });
    // Like the schema's result, it does not share the caller's arrays.
    expect(fast?.rules[0]?.keywords).not.toBe(keywords);
    expect(fast?.rules[0]?.reply).not.toBe(reply);
  });

  it("leaves unusual objects to the schema", () => {
    const valid = () => ({ id: "a", keywords: ["a"], reward: "r" });
    const nullPrototype = Object.assign(Object.create(null), valid());
    const hiddenUndefined = valid();
    Object.defineProperty(hiddenUndefined, "window", { value: undefined, enumerable: false });
    const cases: unknown[] = [
      { version: 1, rules: [{ ...valid(), reply: undefined }] },
      { version: 1, rules: [hiddenUndefined] },
      { version: 1, rules: [Object.assign(new (class Rule {})(), valid())] },
      JSON.parse('{"version":1,"rules":[{"id":"a","keywords":["a"],"reward":"r","__proto__":{}}]}'),
      { version: 1, rules: new Set([valid()]) },
    ];
    for (const input of cases) {
      expect(parsePlainRuleSet(input)).toBeUndefined();
      expectSameAsSchema(input);
    }
    // A null prototype is still a plain object, for both.
    expect(expectSameAsSchema({ version: 1, rules: [nullPrototype] })).toBeDefined();
  });

  it("steps aside while Object.prototype is polluted", () => {
    const input = { version: 1, rules: [{ id: "a", keywords: ["a"], reward: "r" }] };
    expect(parsePlainRuleSet(input)).toBeDefined();
    Object.defineProperty(Object.prototype, "window", { value: "2024", configurable: true });
    try {
      expect(parsePlainRuleSet(input)).toBeUndefined();
    } finally {
      delete (Object.prototype as { window?: unknown }).window;
    }
  });

  it("leaves parseRuleSet's error messages as the schema words them", () => {
    const input = {
      version: 1,
      rules: [
        { id: "ok", keywords: ["a"], reply: [{ type: "text", text: "ok" }] },
        { id: "", keywords: ["a"], reply: [{ type: "text", text: "" }] },
      ],
    };
    expect(parsePlainRuleSet(input)).toBeUndefined();
    expect(() => parseRuleSet(input)).toThrow(RuleSetError);
    expect(() => parseRuleSet(input)).toThrow(/rules\[1\]\.id: must not be empty/);
  });
});
