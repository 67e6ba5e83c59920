import { describe, expect, it } from "vitest";
import { type Capabilities, type CurrentState, createModeMachine, type LegacyState } from "../../src/modes.js";
import { exploreStates, SAMPLE_RESPONSE_HOURS } from "../../src/testing/index.js";

const jst = (iso: string) => Date.parse(`${iso}+09:00`);
// Monday noon and night, Friday just before and at 18:00, Saturday noon (2024-06-03 is a Monday).
const moments = [
  "2024-06-03T12:00:00",
  "2024-06-03T21:00:00",
  "2024-06-07T17:59:59",
  "2024-06-07T18:00:00",
  "2024-06-08T12:00:00",
].map(jst);

// Written from LINE-FACTS, without the library's code: what each setting lets through.
function insideSampleHours(at: number): boolean {
  const tokyo = new Date(at + 9 * 3_600_000); // Asia/Tokyo has no daylight saving
  const day = tokyo.getUTCDay();
  const hour = tokyo.getUTCHours();
  return day >= 1 && day <= 5 && hour >= 9 && hour < 18;
}

function currentOracle(s: CurrentState, at: number): Capabilities {
  const method = s.responseMethod ?? { inside: "manual+auto", outside: "manual+auto" };
  const inside = s.responseHours ? insideSampleHours(at) : true;
  const autoAllowedByChat = !s.chat || (inside ? method.inside : method.outside) === "manual+auto";
  return {
    webhookDelivered: s.webhook,
    nativeKeywordReplies: s.autoResponse && autoAllowedByChat,
    manualChat: s.chat,
    greetingOnFollow: s.greeting,
    markAsRead: s.chat ? "manual" : "auto",
  };
}

function legacyOracle(s: LegacyState): Capabilities {
  const bot = s.mode === "bot";
  return {
    webhookDelivered: bot && s.webhook,
    nativeKeywordReplies: bot && s.autoResponse,
    manualChat: !bot,
    greetingOnFollow: s.greeting,
    markAsRead: bot ? "auto" : "manual",
  };
}

const flags = (s: { webhook: boolean; autoResponse: boolean; greeting: boolean }) => [
  s.webhook,
  s.autoResponse,
  s.greeting,
];

describe("every reachable state", () => {
  it("current: all toggle combinations, hours on and off, every method pair; never all outputs off", () => {
    const machine = createModeMachine({ profile: "current" });
    const { states } = exploreStates(
      machine,
      { chat: false, webhook: true, autoResponse: true, greeting: true },
      { depth: 12 },
    );
    const combos = new Set(
      states.map(({ state: s }) =>
        JSON.stringify([
          s.chat,
          ...flags(s),
          s.responseHours ? "hours" : "none",
          s.responseMethod?.inside ?? "manual+auto",
          s.responseMethod?.outside ?? "manual+auto",
        ]),
      ),
    );
    // 2 chat x 7 output combinations (8 minus all off) x 2 hours x 2 x 2 methods.
    expect(combos.size).toBe(2 * 7 * 2 * 2 * 2);
    for (const { state, path } of states) {
      expect(flags(state), JSON.stringify(path)).not.toEqual([false, false, false]);
      for (const at of moments) expect(machine.capabilities(state, at)).toEqual(currentOracle(state, at));
    }
  });

  it("legacy: seven Bot-mode states and one Chat-mode state; never all outputs off, never Webhook in Chat mode", () => {
    const machine = createModeMachine({ profile: "legacy" });
    const { states } = exploreStates(
      machine,
      { mode: "bot", webhook: true, autoResponse: true, greeting: true },
      { depth: 12 },
    );
    expect(states).toHaveLength(8);
    for (const { state } of states) {
      expect(flags(state)).not.toEqual([false, false, false]);
      if (state.mode === "chat") expect([state.webhook, state.autoResponse]).toEqual([false, false]);
      expect(machine.capabilities(state, moments[0])).toEqual(legacyOracle(state));
    }
  });

  it("the oracle's hours are the sample hours the exploration used", () => {
    expect(SAMPLE_RESPONSE_HOURS.bands).toEqual([
      { days: ["mon", "tue", "wed", "thu", "fri"], from: "09:00", until: "18:00" },
    ]);
  });

  it("paths are shortest and replay to their state", () => {
    const machine = createModeMachine({ profile: "legacy" });
    const start: LegacyState = { mode: "bot", webhook: true, autoResponse: true, greeting: true };
    for (const { state, path } of exploreStates(machine, start).states) {
      let replayed = start;
      for (const event of path) {
        const result = machine.transition(replayed, event);
        if (!result.ok) throw new Error(result.message);
        replayed = result.state;
      }
      expect(replayed).toEqual(state);
    }
  });

  it("with a strict machine, a consumer can prove no reachable state leaves a campaign silent", () => {
    const campaign = {
      id: "gift",
      answeredBy: "bot" as const,
      from: jst("2024-06-01T00:00:00"),
      until: jst("2024-07-01T00:00:00"),
    };
    const machine = createModeMachine({ profile: "current", campaigns: [campaign], strict: true });
    const { states } = exploreStates(
      machine,
      { chat: false, webhook: true, autoResponse: true, greeting: true },
      { at: moments[0] },
    );
    expect(states.length).toBeGreaterThan(10);
    for (const { state } of states) expect(machine.silentCampaigns(state, moments[0])).toEqual([]);
  });
});
