import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { hasDuplicateKey } from "../../src/rules/json-duplicate-keys.js";

describe("hasDuplicateKey", () => {
  it("finds none in what JSON.stringify writes (it cannot write a key twice)", () => {
    fc.assert(fc.property(fc.jsonValue(), (value) => !hasDuplicateKey(JSON.stringify(value, null, 1) ?? "null")));
  });

  it("finds a key written twice in any object, at any depth, escaped or not", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1 }), fc.nat(), (object, pick) => {
        const keys = Object.keys(object);
        const key = keys[pick % keys.length] as string;
        const text = JSON.stringify(object);
        const withDuplicate = `${text.slice(0, -1)},${JSON.stringify(key)}:0}`;
        const nested = `{"outer":[1,${withDuplicate}]}`;
        return hasDuplicateKey(withDuplicate) && hasDuplicateKey(nested);
      }),
    );
    expect(hasDuplicateKey('{"a":1,"\\u0061":2}')).toBe(true);
  });

  it("tells keys from values and from strings that hold colons or quotes", () => {
    expect(hasDuplicateKey('{"a":"a","b":["a","a"],"c":{"a":"x:\\"a\\":"}}')).toBe(false);
    expect(hasDuplicateKey('{"a":{"b":1},"c":{"b":2}}')).toBe(false);
    expect(hasDuplicateKey('{"a":{"b":1,"b":2}}')).toBe(true);
  });
});
