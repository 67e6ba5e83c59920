// Issue #12: the guard protects the tutorial's own bot. The rule file is read from
// docs/en/getting-started.md, so this is the bot a new user builds by following it literally.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseRuleSet } from "../../src/index.js";
import {
  type Campaign,
  type CurrentState,
  campaignsFromRules,
  createModeMachine,
  type LegacyState,
} from "../../src/modes.js";

const guide = readFileSync(new URL("../../docs/en/getting-started.md", import.meta.url), "utf8");
const gettingStartedYaml = /`rules.yaml`[\s\S]*?```yaml\n([\s\S]*?)```/.exec(guide)?.[1] ?? "";
const tutorial = parseRuleSet(gettingStartedYaml);
const at = Date.parse("2026-12-02T12:00:00+09:00");
const always = { from: Number.NEGATIVE_INFINITY, until: Number.POSITIVE_INFINITY };

const currentOn: CurrentState = { chat: false, webhook: true, autoResponse: true, greeting: true };
const legacyOn: LegacyState = { mode: "bot", webhook: true, autoResponse: true, greeting: true };

describe("1. a rule without a window is live all the time", () => {
  it("the getting-started rules are both guarded, always", () => {
    expect(gettingStartedYaml).toContain("reward: voice-gift");
    expect(campaignsFromRules(tutorial)).toEqual([
      { id: "gift", answeredBy: "bot", ...always },
      { id: "coupon", answeredBy: "bot", ...always },
    ]);
  });

  it("reply rules and native rules count; guard: false opts a rule out", () => {
    const rules = parseRuleSet(`
version: 1
rules:
  - { id: hello, keywords: [こんにちは], reply: [{ type: text, text: "こんにちは" }], guard: false }
  - { id: menu, answeredBy: native, keywords: [メニュー], reply: [{ type: text, text: "menu" }] }
  - { id: sale, keywords: [セール], reply: [{ type: text, text: "sale" }], window: { until: "2026-12-31T00:00:00" } }
`);
    expect(campaignsFromRules(rules)).toEqual([
      { id: "menu", answeredBy: "native", ...always },
      { id: "sale", answeredBy: "bot", from: Number.NEGATIVE_INFINITY, until: Date.parse("2026-12-31T00:00:00+09:00") },
    ]);
  });

  it("current, strict: turning the Webhook off is refused", () => {
    const machine = createModeMachine({ profile: "current", campaigns: campaignsFromRules(tutorial), strict: true });
    expect(machine.transition(currentOn, { type: "SET_WEBHOOK", on: false }, { at })).toMatchObject({
      ok: false,
      code: "CAMPAIGN_WOULD_GO_SILENT",
    });
  });

  it("legacy, strict: switching to Chat and turning the Webhook off are refused", () => {
    const machine = createModeMachine({ profile: "legacy", campaigns: campaignsFromRules(tutorial), strict: true });
    for (const event of [
      { type: "SWITCH_MODE", mode: "chat" },
      { type: "SET_WEBHOOK", on: false },
    ] as const) {
      expect(machine.transition(legacyOn, event, { at })).toMatchObject({
        ok: false,
        code: "CAMPAIGN_WOULD_GO_SILENT",
      });
    }
  });
});

describe("2. strict mode applies observations, with a critical finding and the repairs", () => {
  it("current", () => {
    const machine = createModeMachine({ profile: "current", campaigns: campaignsFromRules(tutorial), strict: true });
    const result = machine.transition(currentOn, { type: "OBSERVE", chatMode: "bot", webhookActive: false }, { at });
    expect(result).toMatchObject({ ok: true, state: { ...currentOn, webhook: false } });
    if (!result.ok) return;
    expect(result.findings.map((f) => [f.severity, f.code])).toEqual([
      ["warning", "DRIFT"],
      ["critical", "CAMPAIGN_SILENT"],
    ]);
    const silent = result.findings[1];
    expect(silent?.silenced.map((s) => [s.campaign.id, s.window, s.at])).toEqual([
      ["gift", "always", at],
      ["coupon", "always", at],
    ]);
    expect(silent?.repairs.map((r) => r.event)).toEqual([{ type: "SET_WEBHOOK", on: true }]);
  });

  it("legacy: the account is found in Chat mode", () => {
    const machine = createModeMachine({ profile: "legacy", campaigns: campaignsFromRules(tutorial), strict: true });
    const result = machine.transition(legacyOn, { type: "OBSERVE", chatMode: "chat", webhookActive: false }, { at });
    expect(result).toMatchObject({ ok: true, state: { mode: "chat", webhook: false, autoResponse: false } });
    if (!result.ok) return;
    const critical = result.findings.filter((f) => f.severity === "critical");
    expect(critical).toHaveLength(1);
    expect(critical[0]?.repairs.map((r) => r.action)).toEqual(["switch 応答モード to Bot", "turn Webhook on"]);
  });
});

describe("4. a refusal lists every rule it would silence, bot and native, as data and in the message", () => {
  const campaigns: Campaign[] = [
    { id: "gift", answeredBy: "bot", ...always },
    { id: "menu", answeredBy: "native", ...always },
    { id: "sale", answeredBy: "bot", from: at - 86_400_000, until: at + 86_400_000 },
  ];

  it("legacy: Bot -> Chat names all three, each with its window, and the repairs", () => {
    const machine = createModeMachine({ profile: "legacy", campaigns, strict: true });
    const result = machine.transition(legacyOn, { type: "SWITCH_MODE", mode: "chat" }, { at });
    if (result.ok) throw new Error("the switch should be refused");
    expect(result.silenced.map((s) => [s.campaign.id, s.window])).toEqual([
      ["gift", "always"],
      ["menu", "always"],
      ["sale", "2026-12-01T12:00:00+09:00 to 2026-12-03T12:00:00+09:00"],
    ]);
    expect(result.repairs.map((r) => r.action)).toEqual([
      "switch 応答モード to Bot",
      "turn Webhook on",
      "turn 自動応答 on",
    ]);
    for (const text of [
      '"gift" (always)',
      '"menu" (always)',
      '"sale" (2026-12-01T12:00:00+09:00 to',
      "turn 自動応答 on",
    ]) {
      expect(result.message).toContain(text);
    }
  });

  it("current: chat on with manual-only replies silences the native rule alone", () => {
    const machine = createModeMachine({ profile: "current", campaigns, strict: true });
    const chatOn: CurrentState = { ...currentOn, chat: true };
    const result = machine.transition(chatOn, { type: "SET_RESPONSE_METHOD", inside: "manual" }, { at });
    if (result.ok) throw new Error("the change should be refused");
    expect(result.silenced.map((s) => s.campaign.id)).toEqual(["menu"]);
    expect(result.message).toContain('"menu" (always)');
    expect(result.repairs.map((r) => r.event)).toEqual([{ type: "SET_RESPONSE_METHOD", inside: "manual+auto" }]);
  });
});
