// Issue #12: for every reachable state of both profiles and every event, strict mode never reaches
// a state where a live rule is unanswered, and warn mode reports every such step as critical with
// repairs that restore answering. Then the same over random rule sets and times (fast-check).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  type Campaign,
  createModeMachine,
  type EventOf,
  type ModeMachine,
  type Profile,
  type StateOf,
} from "../../src/modes.js";
import { exploreStates, operatorEvents } from "../../src/testing/index.js";

const jst = (iso: string) => Date.parse(`${iso}+09:00`);
const DAY = 86_400_000;
// Monday noon (inside the sample response hours), Monday night and Saturday noon (outside).
const moments = ["2024-06-03T12:00:00", "2024-06-03T21:00:00", "2024-06-08T12:00:00"].map(jst);
const always = { from: Number.NEGATIVE_INFINITY, until: Number.POSITIVE_INFINITY };
const rules: Campaign[] = [
  { id: "always-bot", answeredBy: "bot", ...always },
  { id: "always-native", answeredBy: "native", ...always },
  { id: "windowed", answeredBy: "native", from: jst("2024-06-03T00:00:00"), until: jst("2024-06-10T00:00:00") },
];
const START = {
  current: { chat: false, webhook: true, autoResponse: true, greeting: true },
  legacy: { mode: "bot", webhook: true, autoResponse: true, greeting: true },
} as const;
const observations = [true, false].flatMap((webhookActive) =>
  (["bot", "chat"] as const).map((chatMode) => ({ type: "OBSERVE" as const, chatMode, webhookActive })),
);
const eventsOf = <P extends Profile>(profile: P) =>
  [...operatorEvents(profile), ...observations] as unknown as EventOf<P>[];

/** Applies the repairs in order; each must be accepted (they are what an operator would click). */
function applyRepairs<P extends Profile>(
  machine: ModeMachine<P>,
  state: StateOf<P>,
  at: number,
  repairs: { event: EventOf<P> }[],
) {
  let repaired = state;
  for (const { event } of repairs) {
    const result = machine.transition(repaired, event, { at });
    if (!result.ok) throw new Error(`repair ${JSON.stringify(event)} refused: ${result.message}`);
    repaired = result.state;
  }
  return repaired;
}

/** Warn mode: a step that leaves a live rule unanswered is reported critical, and its repairs restore answering. */
function checkWarnStep<P extends Profile>(machine: ModeMachine<P>, state: StateOf<P>, event: EventOf<P>, at: number) {
  const result = machine.transition(state, event, { at });
  if (!result.ok) return;
  const silent = machine.silentCampaigns(result.state, at).map((s) => s.campaign.id);
  const critical = result.findings.filter((f) => f.severity === "critical");
  const where = `${JSON.stringify(state)} + ${JSON.stringify(event)}`;
  if (silent.length === 0) {
    expect(critical, where).toEqual([]);
    return;
  }
  expect(
    critical.map((f) => [f.code, f.silenced.map((s) => s.campaign.id)]),
    where,
  ).toEqual([["CAMPAIGN_SILENT", silent]]);
  const repaired = applyRepairs(machine, result.state, at, critical[0]?.repairs ?? []);
  expect(machine.silentCampaigns(repaired, at), where).toEqual([]);
}

// Legacy answers the same at every moment (no response hours): one moment covers it.
const momentsOf = { current: moments, legacy: moments.slice(0, 1) };

describe.each(["current", "legacy"] as const)("%s: every reachable state, every event", (profile) => {
  it.each(momentsOf[profile])("strict never reaches a state where a live rule is unanswered (at %s)", (at) => {
    const strict = createModeMachine({ profile, campaigns: rules, strict: true });
    const start = START[profile] as StateOf<typeof profile>;
    const { states } = exploreStates(strict, start, { depth: 16, at });
    expect(states.length).toBeGreaterThan(1);
    for (const { state } of states) {
      expect(strict.silentCampaigns(state, at)).toEqual([]);
      for (const event of operatorEvents(profile) as EventOf<typeof profile>[]) {
        const result = strict.transition(state, event, { at });
        if (result.ok) expect(strict.silentCampaigns(result.state, at), JSON.stringify(event)).toEqual([]);
        else if (result.code === "CAMPAIGN_WOULD_GO_SILENT") expect(result.silenced.length).toBeGreaterThan(0);
      }
    }
  });

  it.each(momentsOf[profile])(
    "warn reports every silencing step as critical, with repairs that restore answering (at %s)",
    (at) => {
      const warn = createModeMachine({ profile, campaigns: rules });
      const { states } = exploreStates(warn, START[profile] as StateOf<typeof profile>, { depth: 16, at });
      // Warn mode reaches every state LINE allows, silent ones included.
      expect(states.some(({ state }) => warn.silentCampaigns(state, at).length === 3)).toBe(true);
      for (const { state } of states) for (const event of eventsOf(profile)) checkWarnStep(warn, state, event, at);
    },
  );
});

describe("random rule sets and times (fast-check)", () => {
  const campaign = fc.record({
    id: fc.constantFrom("a", "b", "c", "d"),
    answeredBy: fc.constantFrom("bot" as const, "native" as const),
    from: fc.option(fc.integer({ min: -10, max: 10 }), { nil: undefined }),
    length: fc.option(fc.integer({ min: 1, max: 10 }), { nil: undefined }),
  });
  const scenario = (profile: Profile) =>
    fc.record({
      campaigns: fc.uniqueArray(campaign, { minLength: 1, maxLength: 4, selector: (c) => c.id }),
      at: fc.integer({ min: jst("2024-06-01T00:00:00"), max: jst("2024-06-30T00:00:00") }),
      steps: fc.array(fc.constantFrom(...eventsOf(profile)), { minLength: 1, maxLength: 8 }),
    });
  const toCampaigns = (
    list: { id: string; answeredBy: "bot" | "native"; from?: number; length?: number }[],
    at: number,
  ) =>
    list.map(({ id, answeredBy, from, length }) => {
      const start = from === undefined ? Number.NEGATIVE_INFINITY : at + from * DAY;
      const base = Number.isFinite(start) ? start : at;
      return {
        id,
        answeredBy,
        from: start,
        until: length === undefined ? Number.POSITIVE_INFINITY : base + length * DAY,
      };
    });

  it.each(["current", "legacy"] as const)("%s", (profile) => {
    fc.assert(
      fc.property(scenario(profile), ({ campaigns: list, at, steps }) => {
        const campaigns = toCampaigns(list, at);
        const strict = createModeMachine({ profile, campaigns, strict: true });
        const warn = createModeMachine({ profile, campaigns });
        let strictState = START[profile] as StateOf<typeof profile>;
        let warnState = strictState;
        for (const event of steps) {
          const isObservation = event.type === "OBSERVE";
          const before = strict.silentCampaigns(strictState, at).length;
          const result = strict.transition(strictState, event, { at });
          // Strict: an operator action never makes an answered rule unanswered.
          if (result.ok) {
            if (!isObservation) expect(strict.silentCampaigns(result.state, at).length).toBeLessThanOrEqual(before);
            if (!isObservation && before === 0) expect(strict.silentCampaigns(result.state, at)).toEqual([]);
            strictState = result.state;
          }
          checkWarnStep(warn, warnState, event, at);
          const next = warn.transition(warnState, event, { at });
          if (next.ok) warnState = next.state;
        }
      }),
      { numRuns: 300 },
    );
  });
});
