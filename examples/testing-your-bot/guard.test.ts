// Unit-testing the response-mode guard for your own rule file, with public exports only: no
// account, no network. The campaign here has no window, so it is live all the time.

import { parseRuleSet } from "line-responder";
import { type CurrentState, campaignsFromRules, createModeMachine } from "line-responder/modes";
import { exploreStates } from "line-responder/testing";
import { describe, expect, it } from "vitest";

const rules = parseRuleSet(`
version: 1
rewards:
  thanks:
    messages: [{ type: text, text: "ありがとう！クーポン: SURVEY2026" }]
rules:
  - id: survey-thanks
    keywords: [プレゼント]
    reward: thanks
  - id: menu
    answeredBy: native
    keywords: [メニュー]
    reply: [{ type: text, text: "メニューはこちら" }]
  - id: small-talk
    keywords: [こんにちは]
    reply: [{ type: text, text: "こんにちは！" }]
    guard: false
`);
const campaigns = campaignsFromRules(rules);
const allOn: CurrentState = { chat: false, webhook: true, autoResponse: true, greeting: true };
const now = Date.parse("2026-12-03T12:00:00+09:00");

describe("my always-on campaign and the response settings", () => {
  it("guards the keyword rules, not the small talk I opted out", () => {
    expect(campaigns.map((c) => [c.id, c.answeredBy])).toEqual([
      ["survey-thanks", "bot"],
      ["menu", "native"],
    ]);
  });

  it("no operator action from the usual settings can silence them in strict mode", () => {
    const machine = createModeMachine({ profile: "current", campaigns, strict: true });
    const { states } = exploreStates(machine, allOn, { at: now, depth: 12 });
    for (const { state, path } of states) {
      expect(machine.silentCampaigns(state, now), JSON.stringify(path)).toEqual([]);
    }
  });

  it("turning the webhook off is refused, naming the campaign and the repair", () => {
    const machine = createModeMachine({ profile: "current", campaigns, strict: true });
    const result = machine.transition(allOn, { type: "SET_WEBHOOK", on: false }, { at: now });
    if (result.ok) throw new Error("turning the webhook off should be refused");
    expect(result.code).toBe("CAMPAIGN_WOULD_GO_SILENT");
    expect(result.silenced.map((s) => [s.campaign.id, s.window])).toEqual([["survey-thanks", "always"]]);
    expect(result.repairs.map((r) => r.action)).toEqual(["turn Webhook on"]);
  });

  it("what the API shows is applied even in strict mode, as a critical finding", () => {
    const machine = createModeMachine({ profile: "current", campaigns, strict: true });
    const observed = machine.transition(allOn, { type: "OBSERVE", chatMode: "bot", webhookActive: false }, { at: now });
    if (!observed.ok) throw new Error(observed.message);
    expect(observed.state.webhook).toBe(false);
    const critical = observed.findings.filter((f) => f.severity === "critical");
    expect(critical.map((f) => f.silenced.map((s) => s.campaign.id))).toEqual([["survey-thanks"]]);
  });
});
