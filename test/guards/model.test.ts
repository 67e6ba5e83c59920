import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type CurrentEvent,
  type CurrentState,
  createModeMachine,
  type LegacyEvent,
  type LegacyState,
  type ModeMachine,
} from "../../src/modes.js";
import { SAMPLE_RESPONSE_HOURS } from "../../src/testing/index.js";

// The model: the rules of LINE-FACTS written as plainly as possible, one flag at a time.
type Model<S> = { state: S };
type Real<S> = { state: S };

const allOff = (s: { webhook: boolean; autoResponse: boolean; greeting: boolean }) =>
  !s.webhook && !s.autoResponse && !s.greeting;

class CurrentCommand implements fc.Command<Model<CurrentState>, Real<CurrentState>> {
  constructor(
    readonly machine: ModeMachine<"current">,
    readonly event: CurrentEvent,
  ) {}
  check = () => true;
  run(model: Model<CurrentState>, real: Real<CurrentState>): void {
    const m = model.state;
    let expected: CurrentState;
    const e = this.event;
    switch (e.type) {
      case "SET_CHAT":
        expected = { ...m, chat: e.on };
        break;
      case "SET_WEBHOOK":
        expected = { ...m, webhook: e.on };
        break;
      case "SET_AUTO_RESPONSE":
        expected = { ...m, autoResponse: e.on };
        break;
      case "SET_GREETING":
        expected = { ...m, greeting: e.on };
        break;
      case "SET_RESPONSE_HOURS":
        expected = { ...m, responseHours: e.hours };
        break;
      case "SET_RESPONSE_METHOD": {
        const before = m.responseMethod ?? { inside: "manual+auto", outside: "manual+auto" };
        expected = {
          ...m,
          responseMethod: { inside: e.inside ?? before.inside, outside: e.outside ?? before.outside },
        };
        break;
      }
      case "OBSERVE":
        expected = { ...m, chat: e.chatMode === "chat", webhook: e.webhookActive };
        break;
    }
    const result = this.machine.transition(real.state, e, { at: 0 });
    expect(result.ok).toBe(!allOff(expected));
    if (result.ok) {
      expect(result.state).toEqual(expected);
      real.state = result.state;
      model.state = expected;
    }
    expect(real.state).toEqual(model.state);
  }
  toString = () => JSON.stringify(this.event);
}

class LegacyCommand implements fc.Command<Model<LegacyState>, Real<LegacyState>> {
  constructor(
    readonly machine: ModeMachine<"legacy">,
    readonly event: LegacyEvent,
  ) {}
  check = () => true;
  run(model: Model<LegacyState>, real: Real<LegacyState>): void {
    const m = model.state;
    const e = this.event;
    let expected: LegacyState | "refused";
    switch (e.type) {
      case "SWITCH_MODE":
        // Chat turns Webhook and 自動応答 off; Bot restores nothing.
        expected =
          e.mode === "chat" ? { ...m, mode: "chat", webhook: false, autoResponse: false } : { ...m, mode: "bot" };
        break;
      case "SET_WEBHOOK":
        expected = m.mode === "chat" && e.on ? "refused" : { ...m, webhook: e.on };
        break;
      case "SET_AUTO_RESPONSE":
        expected = m.mode === "chat" && e.on ? "refused" : { ...m, autoResponse: e.on };
        break;
      case "SET_GREETING":
        expected = { ...m, greeting: e.on };
        break;
      case "OBSERVE": {
        const mode = e.chatMode;
        const base = mode === "chat" ? { ...m, mode, webhook: false, autoResponse: false } : { ...m, mode };
        expected = { ...base, webhook: mode === "bot" && e.webhookActive };
        break;
      }
    }
    if (expected !== "refused" && allOff(expected)) expected = "refused";
    const result = this.machine.transition(real.state, e, { at: 0 });
    expect(result.ok).toBe(expected !== "refused");
    if (result.ok && expected !== "refused") {
      expect(result.state).toEqual(expected);
      real.state = result.state;
      model.state = expected;
    }
    expect(real.state).toEqual(model.state);
  }
  toString = () => JSON.stringify(this.event);
}

const on = fc.boolean();
const method = fc.constantFrom("manual" as const, "manual+auto" as const);

describe("random operator sessions against a model", () => {
  it("current", () => {
    const machine = createModeMachine({ profile: "current" });
    const events: fc.Arbitrary<CurrentEvent> = fc.oneof(
      fc.record({
        type: fc.constantFrom(
          "SET_CHAT" as const,
          "SET_WEBHOOK" as const,
          "SET_AUTO_RESPONSE" as const,
          "SET_GREETING" as const,
        ),
        on,
      }),
      fc.record({
        type: fc.constant("SET_RESPONSE_HOURS" as const),
        hours: fc.constantFrom(SAMPLE_RESPONSE_HOURS, null),
      }),
      fc.record(
        { type: fc.constant("SET_RESPONSE_METHOD" as const), inside: method, outside: method },
        { requiredKeys: ["type"] },
      ),
      fc.record({
        type: fc.constant("OBSERVE" as const),
        chatMode: fc.constantFrom("chat" as const, "bot" as const),
        webhookActive: on,
      }),
    );
    fc.assert(
      fc.property(fc.commands([events.map((e) => new CurrentCommand(machine, e))], { maxCommands: 40 }), (commands) => {
        const start: CurrentState = { chat: false, webhook: true, autoResponse: true, greeting: true };
        fc.modelRun(() => ({ model: { state: start }, real: { state: start } }), commands);
      }),
      { numRuns: 300 },
    );
  });

  it("legacy", () => {
    const machine = createModeMachine({ profile: "legacy" });
    const events: fc.Arbitrary<LegacyEvent> = fc.oneof(
      fc.record({ type: fc.constant("SWITCH_MODE" as const), mode: fc.constantFrom("bot" as const, "chat" as const) }),
      fc.record({
        type: fc.constantFrom("SET_WEBHOOK" as const, "SET_AUTO_RESPONSE" as const, "SET_GREETING" as const),
        on,
      }),
      fc.record({
        type: fc.constant("OBSERVE" as const),
        chatMode: fc.constantFrom("chat" as const, "bot" as const),
        webhookActive: on,
      }),
    );
    fc.assert(
      fc.property(fc.commands([events.map((e) => new LegacyCommand(machine, e))], { maxCommands: 40 }), (commands) => {
        const start: LegacyState = { mode: "bot", webhook: true, autoResponse: true, greeting: true };
        fc.modelRun(() => ({ model: { state: start }, real: { state: start } }), commands);
      }),
      { numRuns: 300 },
    );
  });
});
