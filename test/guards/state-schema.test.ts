import { describe, expect, it } from "vitest";
import { parseState, StateError } from "../../src/schema.js";

function errorOf(fn: () => unknown): StateError {
  try {
    fn();
  } catch (error) {
    if (error instanceof StateError) return error;
    throw error;
  }
  throw new Error("expected a StateError");
}

describe("parseState", () => {
  it("reads the documented JSON of both profiles", () => {
    expect(
      parseState(
        "current",
        '{"chat":false,"webhook":true,"autoResponse":true,"greeting":true,"responseHours":null,"responseMethod":{"inside":"manual+auto","outside":"manual+auto"}}',
      ),
    ).toMatchObject({ chat: false, responseHours: null });
    expect(parseState("legacy", { mode: "bot", webhook: true, autoResponse: true, greeting: true })).toEqual({
      mode: "bot",
      webhook: true,
      autoResponse: true,
      greeting: true,
    });
  });

  it("names unknown and missing fields", () => {
    const error = errorOf(() =>
      parseState("current", { chat: false, webhook: true, autoResponse: true, greting: true }),
    );
    expect(error.message).toBe(
      'invalid current state: greeting: is required; greting: unknown field "greting" (did you mean "greeting"?)',
    );
  });

  it("a legacy field in a current state", () => {
    expect(
      errorOf(() =>
        parseState("current", { mode: "bot", chat: false, webhook: true, autoResponse: true, greeting: true }),
      ).message,
    ).toContain('unknown field "mode"');
  });

  it("bad JSON", () => {
    expect(errorOf(() => parseState("legacy", "{mode: bot}")).message).toMatch(/^state is not valid JSON: /);
  });

  it("states LINE would never be in", () => {
    expect(
      errorOf(() => parseState("current", { chat: true, webhook: false, autoResponse: false, greeting: false }))
        .message,
    ).toBe("invalid current state: webhook, autoResponse and greeting are all off, which LINE does not allow");
    expect(
      errorOf(() => parseState("legacy", { mode: "chat", webhook: true, autoResponse: false, greeting: true })).message,
    ).toContain("Chat mode has Webhook and 自動応答 off");
  });

  it("wrong response hours", () => {
    const withBand = (band: object) => ({
      chat: true,
      webhook: true,
      autoResponse: true,
      greeting: true,
      responseHours: { bands: [band] },
    });
    expect(
      errorOf(() => parseState("current", withBand({ days: ["monday"], from: "09:00", until: "18:00" }))).issues,
    ).toEqual([
      {
        code: "invalid-value",
        path: "responseHours.bands[0].days[0]",
        message: "must be one of sun, mon, tue, wed, thu, fri, sat",
      },
    ]);
    expect(
      errorOf(() => parseState("current", withBand({ days: ["mon"], from: "18:00", until: "09:00" }))).issues,
    ).toEqual([{ code: "invalid-value", path: "responseHours.bands[0].until", message: "from must be before until" }]);
    expect(
      errorOf(() => parseState("current", withBand({ days: ["mon"], from: "9:00", until: "18:00" }))).issues[0]
        ?.message,
    ).toBe('must be a time like "09:00" (00:00 to 24:00)');
  });
});
