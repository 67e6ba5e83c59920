/**
 * The fast path of body parsing must never change a result: whatever it accepts, zod accepts too,
 * and gives the very same value, key order included. Checked on generated bodies that mix LINE's
 * shapes with wrong types, missing fields, extra keys, `__proto__` keys and duplicate keys.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseEnvelope, WebhookEnvelopeSchema } from "../../src/webhook/envelope.js";
import { EVENT_TYPES } from "../../src/webhook/events.js";
import { MESSAGE_TYPES } from "../../src/webhook/message-content.js";
import { parseWellFormed } from "../../src/webhook/well-formed.js";

type Text = fc.Arbitrary<string>;
const json = (value: unknown) => JSON.stringify(value);
const noise: Text = fc.jsonValue({ maxDepth: 2 }).map(json);
const string: Text = fc
  .oneof(fc.constantFrom("", "U4af4980629e0d9c3e2f5d8a5b1c2d3e4", "プレゼント🎁"), fc.string())
  .map(json);

/** Mostly `valid`, sometimes any JSON value (when `noisy`). */
const field = (valid: Text, noisy: boolean): Text => (noisy ? fc.oneof({ weight: 4, arbitrary: valid }, noise) : valid);

/**
 * A JSON object's text with `fields` (each left out now and then when `noisy`), and, when `noisy`,
 * extra keys, `__proto__` and repeated keys among them, in a shuffled order.
 */
function object(fields: Record<string, Text>, noisy: boolean, optional: readonly string[] = []): Text {
  const entries = Object.entries(fields).map(([key, value]) =>
    (noisy || optional.includes(key) ? fc.option(value, { nil: undefined, freq: 4 }) : value).map(
      (text) => [key, text] as const,
    ),
  );
  const extraKey = fc.constantFrom("__proto__", "0", "7", "quoteToken", "extra", "constructor", ...Object.keys(fields));
  const extras = noisy
    ? fc.array(fc.tuple(extraKey, noise), { maxLength: 2 })
    : fc.array(fc.tuple(fc.constantFrom("0", "quoteToken", "extra"), noise), { maxLength: 2 });
  return fc
    .tuple(fc.tuple(...entries), extras)
    .chain(([own, more]) => {
      const present = [...own.filter(([, text]) => text !== undefined), ...more] as [string, string][];
      return fc.shuffledSubarray(present, { minLength: present.length, maxLength: present.length });
    })
    .map((pairs) => `{${pairs.map(([key, text]) => `${json(key)}:${text}`).join(",")}}`);
}

function body(noisy: boolean): Text {
  const oneOf = (...values: unknown[]) => fc.constantFrom(...values).map(json);
  const source = object(
    {
      type: field(oneOf("user", "group", "room", ...(noisy ? ["bot"] : [])), noisy),
      userId: field(string, noisy),
      groupId: field(string, noisy),
      roomId: field(string, noisy),
    },
    noisy,
    ["userId"],
  );
  const message = object(
    {
      type: field(oneOf(...MESSAGE_TYPES, "hologram", ...(noisy ? [""] : [])), noisy),
      id: field(string, noisy),
      text: field(string, noisy),
    },
    noisy,
  );
  const event = object(
    {
      type: field(oneOf(...EVENT_TYPES, "futureEvent", ...(noisy ? ["", "constructor"] : [])), noisy),
      timestamp: field(fc.oneof(fc.constant(1732500000000), fc.integer(), fc.constant(-0)).map(json), noisy),
      mode: field(oneOf("active", "standby"), noisy),
      webhookEventId: field(noisy ? string : oneOf("01J9ZQ7X8C3V4B5N0000000001"), noisy),
      deliveryContext: object({ isRedelivery: field(fc.boolean().map(json), noisy) }, noisy),
      source: field(source, noisy),
      replyToken: field(string, noisy),
      message: field(message, noisy),
      postback: field(object({ data: field(string, noisy) }, noisy), noisy),
    },
    noisy,
    ["source", "replyToken"],
  );
  return object(
    {
      destination: field(string, noisy),
      events: field(
        fc.array(event, { maxLength: 3 }).map((events) => `[${events.join(",")}]`),
        noisy,
      ),
    },
    noisy,
  );
}

/**
 * `value` laid out so that equal layouts mean the same value: every object's own keys in order,
 * its prototype, and numbers by `Object.is` (-0 too). (Vitest's `toStrictEqual` would not do: it
 * compares the values of keys named `constructor` as if they were classes.)
 */
function layout(value: unknown): unknown {
  if (typeof value === "number") return Object.is(value, -0) ? "-0 (number)" : value;
  if (Array.isArray(value)) return ["array", ...value.map(layout)];
  if (typeof value !== "object" || value === null) return value;
  const prototype = Object.getPrototypeOf(value) === Object.prototype ? "object" : "other prototype";
  return [
    prototype,
    ...Reflect.ownKeys(value).map((key) => [key, layout((value as Record<PropertyKey, unknown>)[key])]),
  ];
}

/** What zod makes of `data`, and what the fast path makes of it. */
function bothOf(text: string) {
  const data: unknown = JSON.parse(text);
  return { fast: parseWellFormed(data), zod: WebhookEnvelopeSchema.safeParse(JSON.parse(text)) };
}

describe("the well-formed fast path of body parsing", () => {
  it("accepts only what zod accepts, and gives zod's value with zod's key order", () => {
    let taken = 0;
    fc.assert(
      fc.property(body(true), (text) => {
        const { fast, zod } = bothOf(text);
        if (fast === undefined) return;
        taken++;
        expect(zod.success).toBe(true);
        expect(layout(fast)).toEqual(layout(zod.data));
      }),
      { numRuns: 3000 },
    );
    // Noisy bodies are mostly broken somewhere; some must still go through the fast path.
    expect(taken).toBeGreaterThan(50);
  });

  it("takes every body of LINE's shapes, with any extra fields", () => {
    fc.assert(
      fc.property(body(false), (text) => {
        const { fast, zod } = bothOf(text);
        expect(zod.success).toBe(true);
        expect(fast).toBeDefined();
        expect(layout(fast)).toEqual(layout(zod.data));
      }),
      { numRuns: 1000 },
    );
  });

  it("leaves every broken body to zod, so the errors stay zod's", () => {
    const broken = `{"destination":"U1","events":[{"type":"message","message":{"type":"text","id":"1"},"webhookEventId":"e","deliveryContext":{"isRedelivery":false},"timestamp":1,"mode":"active"}]}`;
    expect(parseWellFormed(JSON.parse(broken))).toBeUndefined();
    expect(parseEnvelope(new TextEncoder().encode(broken))).toEqual({
      ok: false,
      reason: "not a LINE webhook body: events[0].message.text: a text message needs text",
    });
  });

  it("does not copy a __proto__ key, as zod does not", () => {
    const text = `{"destination":"U1","__proto__":{"polluted":true},"events":[]}`;
    const { fast, zod } = bothOf(text);
    expect(layout(fast)).toEqual(layout(zod.data));
    expect(Object.hasOwn(fast ?? {}, "__proto__")).toBe(false);
    expect(Object.getPrototypeOf(fast)).toBe(Object.prototype);
  });
});
