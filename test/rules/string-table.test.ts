import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { StringTable } from "../../src/rules/string-table.js";

// By code unit: a string iterates by code point.
const codesOf = (text: string) => Uint16Array.from({ length: text.length }, (_, i) => text.charCodeAt(i));

describe("StringTable", () => {
  it("answers what a Map answers, from strings and from code units", () => {
    // Short keys from a small alphabet repeat often and share prefixes; lone surrogates included.
    const key = fc.string({ unit: fc.constantFrom(..."abアイ😀", "\uD83D", "\u0000"), maxLength: 6 });
    fc.assert(
      fc.property(fc.array(key, { maxLength: 200 }), fc.array(key, { maxLength: 50 }), (added, probes) => {
        const table = new StringTable(added.length);
        const map = new Map<string, number>();
        added.forEach((k, i) => {
          if (!map.has(k)) map.set(k, i);
          expect(table.addIfAbsent(k, i)).toBe(map.get(k));
        });
        expect(table.size).toBe(map.size);
        for (const k of [...added, ...probes]) {
          expect(table.get(k)).toBe(map.get(k) ?? -1);
          // A longer buffer than the key: only `length` code units count.
          const codes = new Uint16Array(k.length + 3).fill(0x61);
          codes.set(codesOf(k));
          expect(table.getCodes(codes, k.length)).toBe(map.get(k) ?? -1);
        }
      }),
    );
  });

  it("holds as many keys as it was made for, and says so past that", () => {
    const table = new StringTable(3);
    for (const k of ["a", "b", "c"]) table.addIfAbsent(k, table.size);
    expect(table.addIfAbsent("a", 9)).toBe(0); // present: no room needed
    expect(() => table.addIfAbsent("d", 3)).toThrow(/full \(3 keys\)/);
    expect(new StringTable(0).get("")).toBe(-1);
  });

  it("finds each of 50,000 keys that differ only in their last characters", () => {
    const keys = Array.from({ length: 50_000 }, (_, i) => `プレゼントキャンペーン${i.toString(36)}`);
    const table = new StringTable(keys.length);
    const ids = keys.map((_, i) => i);
    expect(keys.map((k, i) => table.addIfAbsent(k, i))).toEqual(ids);
    expect(keys.map((k) => table.get(k))).toEqual(ids);
  });
});
