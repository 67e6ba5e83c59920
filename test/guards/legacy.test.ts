import { describe, expect, it } from "vitest";
import { type Campaign, createModeMachine, type LegacyState } from "../../src/modes.js";

const botAllOn: LegacyState = { mode: "bot", webhook: true, autoResponse: true, greeting: true };
const jst = (iso: string) => Date.parse(`${iso}+09:00`);
const during = jst("2019-08-05T12:00:00");

// The seed incident's week: the voice gift through our webhook, the coupon as an OA Manager auto-response.
const campaigns: Campaign[] = [
  { id: "voice-gift", answeredBy: "bot", from: jst("2019-08-04T00:00:00"), until: jst("2019-08-11T00:00:00") },
  {
    id: "coupon-autoresponse",
    answeredBy: "native",
    from: jst("2019-08-04T00:00:00"),
    until: jst("2019-08-11T00:00:00"),
  },
];

describe("legacy profile: every event", () => {
  const machine = createModeMachine({ profile: "legacy" });

  it("SWITCH_MODE:chat turns Webhook and 自動応答 off, as side effects", () => {
    const result = machine.transition(botAllOn, { type: "SWITCH_MODE", mode: "chat" }, { at: during });
    expect(result).toMatchObject({
      ok: true,
      state: { mode: "chat", webhook: false, autoResponse: false, greeting: true },
      effects: [
        { kind: "side-effect", field: "webhook", from: true, to: false },
        { kind: "side-effect", field: "autoResponse", from: true, to: false },
      ],
      repairs: [],
    });
  });

  it("SWITCH_MODE:bot restores neither", () => {
    const chat: LegacyState = { mode: "chat", webhook: false, autoResponse: false, greeting: true };
    expect(machine.transition(chat, { type: "SWITCH_MODE", mode: "bot" }, { at: during })).toEqual({
      ok: true,
      state: { mode: "bot", webhook: false, autoResponse: false, greeting: true },
      effects: [],
      repairs: [],
      findings: [],
    });
  });

  it("SWITCH_MODE to the mode it is in changes nothing", () => {
    expect(machine.transition(botAllOn, { type: "SWITCH_MODE", mode: "bot" })).toMatchObject({
      ok: true,
      state: botAllOn,
      effects: [],
    });
  });

  it.each([
    ["SET_WEBHOOK", "webhook"],
    ["SET_AUTO_RESPONSE", "autoResponse"],
    ["SET_GREETING", "greeting"],
  ] as const)("%s in Bot mode sets %s both ways", (type, field) => {
    const off = machine.transition(botAllOn, { type, on: false });
    expect(off).toMatchObject({ ok: true, state: { ...botAllOn, [field]: false }, effects: [] });
    if (off.ok) expect(machine.transition(off.state, { type, on: true })).toMatchObject({ ok: true, state: botAllOn });
  });

  it("UNAVAILABLE_IN_CHAT_MODE: Webhook and 自動応答 cannot be turned on in Chat mode", () => {
    const chat: LegacyState = { mode: "chat", webhook: false, autoResponse: false, greeting: true };
    expect(machine.transition(chat, { type: "SET_WEBHOOK", on: true })).toMatchObject({
      ok: false,
      code: "UNAVAILABLE_IN_CHAT_MODE",
    });
    expect(machine.transition(chat, { type: "SET_AUTO_RESPONSE", on: true })).toMatchObject({
      ok: false,
      code: "UNAVAILABLE_IN_CHAT_MODE",
      message: "自動応答 cannot be turned on in Chat mode; switch to Bot mode first",
    });
    expect(machine.transition(chat, { type: "SET_WEBHOOK", on: false })).toMatchObject({ ok: true, state: chat });
    expect(machine.transition(chat, { type: "SET_GREETING", on: true })).toMatchObject({ ok: true, state: chat });
  });

  it("ALL_OUTPUTS_OFF: greeting off in Chat mode, or Chat mode with greeting off", () => {
    const chat: LegacyState = { mode: "chat", webhook: false, autoResponse: false, greeting: true };
    expect(machine.transition(chat, { type: "SET_GREETING", on: false })).toMatchObject({
      ok: false,
      code: "ALL_OUTPUTS_OFF",
    });
    const noGreeting: LegacyState = { ...botAllOn, greeting: false };
    const refused = machine.transition(noGreeting, { type: "SWITCH_MODE", mode: "chat" });
    expect(refused).toMatchObject({ ok: false, code: "ALL_OUTPUTS_OFF" });
    if (!refused.ok) expect(refused.message).toContain("SWITCH_MODE:chat");
    const onlyWebhook: LegacyState = { mode: "bot", webhook: true, autoResponse: false, greeting: false };
    expect(machine.transition(onlyWebhook, { type: "SET_WEBHOOK", on: false })).toMatchObject({
      ok: false,
      code: "ALL_OUTPUTS_OFF",
    });
  });

  it("NOT_IN_PROFILE: today's events", () => {
    expect(machine.transition(botAllOn, { type: "SET_CHAT", on: true } as never)).toMatchObject({
      ok: false,
      code: "NOT_IN_PROFILE",
    });
    expect(machine.transition(botAllOn, { type: "SET_RESPONSE_METHOD", inside: "manual" } as never)).toMatchObject({
      ok: false,
      code: "NOT_IN_PROFILE",
    });
  });

  it("OBSERVE: Chat mode seen on an account declared in Bot mode", () => {
    const result = machine.transition(botAllOn, { type: "OBSERVE", chatMode: "chat", webhookActive: false });
    expect(result).toMatchObject({
      ok: true,
      state: { mode: "chat", webhook: false, autoResponse: false, greeting: true },
      effects: [{ kind: "drift", field: "mode", declared: "bot", observed: "chat" }],
    });
  });

  it("OBSERVE: Webhook off on an account declared with it on", () => {
    const result = machine.transition(botAllOn, { type: "OBSERVE", chatMode: "bot", webhookActive: false });
    expect(result).toMatchObject({
      ok: true,
      state: { ...botAllOn, webhook: false },
      effects: [
        {
          kind: "drift",
          field: "webhook",
          declared: true,
          observed: false,
          message: "Webhook is off, not on as declared",
        },
      ],
    });
  });

  it("OBSERVE: what matches the declared state finds nothing", () => {
    expect(machine.transition(botAllOn, { type: "OBSERVE", chatMode: "bot", webhookActive: true })).toMatchObject({
      ok: true,
      state: botAllOn,
      effects: [],
    });
  });

  it("OBSERVE that contradicts LINE's own rule is refused, not believed", () => {
    const onlyWebhook: LegacyState = { mode: "bot", webhook: true, autoResponse: false, greeting: false };
    expect(machine.transition(onlyWebhook, { type: "OBSERVE", chatMode: "bot", webhookActive: false })).toMatchObject({
      ok: false,
      code: "IMPOSSIBLE_OBSERVATION",
    });
  });
});

describe("the seed incident: Bot -> Chat -> Bot during a live campaign", () => {
  it("strict: the switch to Chat is refused, naming every campaign it would silence, the time and the repairs", () => {
    const machine = createModeMachine({ profile: "legacy", campaigns, strict: true });
    const result = machine.transition(botAllOn, { type: "SWITCH_MODE", mode: "chat" }, { at: during });
    const window = "2019-08-04T00:00:00+09:00 to 2019-08-11T00:00:00+09:00";
    expect(result).toEqual({
      ok: false,
      code: "CAMPAIGN_WOULD_GO_SILENT",
      message: `SWITCH_MODE:chat refused: 2 live rules would go unanswered: "voice-gift" (${window}) from 2019-08-05T12:00:00+09:00: the webhook would no longer receive messages; "coupon-autoresponse" (${window}) from 2019-08-05T12:00:00+09:00: OA Manager's auto-responses would not fire; had it happened, it would need: switch 応答モード to Bot, turn Webhook on, turn 自動応答 on`,
      silenced: [
        { campaign: campaigns[0], at: during, window, reason: "the webhook would no longer receive messages" },
        { campaign: campaigns[1], at: during, window, reason: "OA Manager's auto-responses would not fire" },
      ],
      repairs: [
        { event: { type: "SWITCH_MODE", mode: "bot" }, action: "switch 応答モード to Bot" },
        { event: { type: "SET_WEBHOOK", on: true }, action: "turn Webhook on" },
        { event: { type: "SET_AUTO_RESPONSE", on: true }, action: "turn 自動応答 on" },
      ],
    });
  });

  it("non-strict: allowed, with the side effects and both repairs after switching back", () => {
    const machine = createModeMachine({ profile: "legacy", campaigns });
    const toChat = machine.transition(botAllOn, { type: "SWITCH_MODE", mode: "chat" }, { at: during });
    expect(toChat.ok && toChat.effects.map((e) => e.kind === "side-effect" && [e.field, e.to])).toEqual([
      ["webhook", false],
      ["autoResponse", false],
    ]);
    expect(toChat.ok && toChat.repairs.map((r) => r.action)).toEqual([
      "switch 応答モード to Bot",
      "turn Webhook on",
      "turn 自動応答 on",
    ]);
    if (!toChat.ok) return;
    const backToBot = machine.transition(toChat.state, { type: "SWITCH_MODE", mode: "bot" }, { at: during });
    expect(backToBot).toMatchObject({
      ok: true,
      state: { mode: "bot", webhook: false, autoResponse: false, greeting: true },
      effects: [],
      repairs: [
        { event: { type: "SET_WEBHOOK", on: true }, action: "turn Webhook on" },
        { event: { type: "SET_AUTO_RESPONSE", on: true }, action: "turn 自動応答 on" },
      ],
    });
    // Warn mode reports the step as critical, naming both campaigns.
    expect(
      backToBot.ok && backToBot.findings.map((f) => [f.severity, f.code, f.silenced.map((s) => s.campaign.id)]),
    ).toEqual([["critical", "CAMPAIGN_SILENT", ["voice-gift", "coupon-autoresponse"]]]);
    // Applying the repairs makes both campaigns answered again.
    let state = backToBot.ok ? backToBot.state : botAllOn;
    for (const repair of backToBot.ok ? backToBot.repairs : []) {
      const applied = machine.transition(state, repair.event, { at: during });
      if (applied.ok) state = applied.state;
    }
    expect(machine.silentCampaigns(state, during)).toEqual([]);
  });

  it("strict, after the campaign ended: the switch is allowed", () => {
    const machine = createModeMachine({ profile: "legacy", campaigns, strict: true });
    expect(
      machine.transition(botAllOn, { type: "SWITCH_MODE", mode: "chat" }, { at: jst("2019-08-11T00:00:00") }),
    ).toMatchObject({
      ok: true,
    });
  });

  it("strict, before the campaign starts: still refused, since it would be unanswered once it starts", () => {
    const machine = createModeMachine({ profile: "legacy", campaigns, strict: true });
    const result = machine.transition(
      botAllOn,
      { type: "SET_AUTO_RESPONSE", on: false },
      { at: jst("2019-08-01T00:00:00") },
    );
    expect(result).toMatchObject({ ok: false, code: "CAMPAIGN_WOULD_GO_SILENT" });
    if (!result.ok)
      expect(result.message).toContain(
        '"coupon-autoresponse" (2019-08-04T00:00:00+09:00 to 2019-08-11T00:00:00+09:00) from 2019-08-04T00:00:00+09:00',
      );
  });
});
