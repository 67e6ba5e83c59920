import { describe, expect, it } from "vitest";
import { type Campaign, type CurrentState, createModeMachine, type ResponseHours } from "../../src/modes.js";

const jst = (iso: string) => Date.parse(`${iso}+09:00`);
const base: CurrentState = { chat: false, webhook: true, autoResponse: true, greeting: true };
const officeHours: ResponseHours = {
  timezone: "Asia/Tokyo",
  bands: [{ days: ["mon", "tue", "wed", "thu", "fri"], from: "09:00", until: "18:00" }],
};
// 2024-06-03 is a Monday.
const mondayNoon = jst("2024-06-03T12:00:00");
const mondayNight = jst("2024-06-03T21:00:00");

describe("current profile: every event", () => {
  const machine = createModeMachine({ profile: "current" });

  it.each([
    ["SET_CHAT", "chat"],
    ["SET_WEBHOOK", "webhook"],
    ["SET_AUTO_RESPONSE", "autoResponse"],
    ["SET_GREETING", "greeting"],
  ] as const)("%s sets %s alone, with no side effects", (type, field) => {
    const value = !base[field];
    expect(machine.transition(base, { type, on: value })).toEqual({
      ok: true,
      state: { ...base, [field]: value },
      effects: [],
      repairs: [],
      findings: [],
    });
  });

  it("SET_RESPONSE_HOURS sets and clears the hours", () => {
    const set = machine.transition(base, { type: "SET_RESPONSE_HOURS", hours: officeHours });
    expect(set).toMatchObject({ ok: true, state: { ...base, responseHours: officeHours } });
    if (set.ok)
      expect(machine.transition(set.state, { type: "SET_RESPONSE_HOURS", hours: null })).toMatchObject({
        state: { responseHours: null },
      });
  });

  it("SET_RESPONSE_METHOD sets one band and keeps the other", () => {
    const result = machine.transition(base, { type: "SET_RESPONSE_METHOD", inside: "manual" });
    expect(result).toMatchObject({ ok: true, state: { responseMethod: { inside: "manual", outside: "manual+auto" } } });
  });

  it("ALL_OUTPUTS_OFF: the last of Webhook, auto-response and greeting cannot be turned off", () => {
    const onlyGreeting: CurrentState = { ...base, webhook: false, autoResponse: false };
    const result = machine.transition(onlyGreeting, { type: "SET_GREETING", on: false });
    expect(result).toEqual({
      ok: false,
      code: "ALL_OUTPUTS_OFF",
      message:
        "SET_GREETING:off would leave Webhook, auto-response and greeting all off, which LINE does not allow: keep one of them on",
      silenced: [],
      repairs: [],
    });
  });

  it("NOT_IN_PROFILE: the legacy mode switch", () => {
    expect(machine.transition(base, { type: "SWITCH_MODE", mode: "chat" } as never)).toMatchObject({
      ok: false,
      code: "NOT_IN_PROFILE",
    });
  });

  it("Chat and Webhook can both be on (since 2022-11-30)", () => {
    const result = machine.transition(base, { type: "SET_CHAT", on: true });
    expect(result.ok && machine.capabilities(result.state)).toMatchObject({
      webhookDelivered: true,
      manualChat: true,
      markAsRead: "manual",
    });
  });

  it("OBSERVE reconciles chat and webhook and reports each difference", () => {
    const result = machine.transition(base, { type: "OBSERVE", chatMode: "chat", webhookActive: false });
    expect(result).toMatchObject({
      ok: true,
      state: { ...base, chat: true, webhook: false },
      effects: [
        { kind: "drift", field: "chat", declared: false, observed: true },
        { kind: "drift", field: "webhook", declared: true, observed: false },
      ],
    });
  });

  it("OBSERVE that contradicts LINE's own rule is refused", () => {
    const onlyWebhook: CurrentState = { ...base, autoResponse: false, greeting: false };
    expect(machine.transition(onlyWebhook, { type: "OBSERVE", chatMode: "bot", webhookActive: false })).toMatchObject({
      ok: false,
      code: "IMPOSSIBLE_OBSERVATION",
    });
  });
});

describe("capabilities", () => {
  const machine = createModeMachine({ profile: "current" });
  const chatWithHours: CurrentState = {
    ...base,
    chat: true,
    responseHours: officeHours,
    responseMethod: { inside: "manual", outside: "manual+auto" },
  };

  it("auto-responses follow the response method of the band the moment falls in", () => {
    expect(machine.capabilities(chatWithHours, mondayNoon).nativeKeywordReplies).toBe(false);
    expect(machine.capabilities(chatWithHours, mondayNight).nativeKeywordReplies).toBe(true);
    // Saturday is outside the weekday bands.
    expect(machine.capabilities(chatWithHours, jst("2024-06-08T12:00:00")).nativeKeywordReplies).toBe(true);
  });

  it("response method does not matter while chat is off", () => {
    expect(machine.capabilities({ ...chatWithHours, chat: false }, mondayNoon)).toEqual({
      webhookDelivered: true,
      nativeKeywordReplies: true,
      manualChat: false,
      greetingOnFollow: true,
      markAsRead: "auto",
    });
  });

  it("with no response hours the inside method applies all the time", () => {
    const manualAlways: CurrentState = {
      ...base,
      chat: true,
      responseMethod: { inside: "manual", outside: "manual+auto" },
    };
    expect(machine.capabilities(manualAlways, mondayNight).nativeKeywordReplies).toBe(false);
  });
});

describe("campaign guard (current)", () => {
  const native: Campaign = {
    id: "coupon",
    answeredBy: "native",
    from: jst("2024-06-01T00:00:00"),
    until: jst("2024-06-30T00:00:00"),
  };
  const bot: Campaign = {
    id: "voice-gift",
    answeredBy: "bot",
    from: jst("2024-06-01T00:00:00"),
    until: jst("2024-06-30T00:00:00"),
  };
  const strict = createModeMachine({ profile: "current", campaigns: [native, bot], strict: true });
  const warn = createModeMachine({ profile: "current", campaigns: [native, bot] });

  it("refuses turning the webhook off during a bot campaign", () => {
    expect(strict.transition(base, { type: "SET_WEBHOOK", on: false }, { at: mondayNight })).toMatchObject({
      ok: false,
      code: "CAMPAIGN_WOULD_GO_SILENT",
      message:
        'SET_WEBHOOK:off refused: 1 live rule would go unanswered: "voice-gift" (2024-06-01T00:00:00+09:00 to 2024-06-30T00:00:00+09:00) from 2024-06-03T21:00:00+09:00: the webhook would no longer receive messages; had it happened, it would need: turn Webhook on',
      silenced: [{ campaign: bot, at: mondayNight, reason: "the webhook would no longer receive messages" }],
      repairs: [{ event: { type: "SET_WEBHOOK", on: true }, action: "turn Webhook on" }],
    });
  });

  it("refuses manual-only chat inside hours, naming the first moment inside them", () => {
    const chatWithHours: CurrentState = { ...base, chat: true, responseHours: officeHours };
    const result = strict.transition(
      chatWithHours,
      { type: "SET_RESPONSE_METHOD", inside: "manual" },
      { at: mondayNight },
    );
    // Monday 21:00: the next moment inside the hours is Tuesday 09:00.
    expect(result).toMatchObject({
      ok: false,
      code: "CAMPAIGN_WOULD_GO_SILENT",
      message:
        'SET_RESPONSE_METHOD:inside=manual refused: 1 live rule would go unanswered: "coupon" (2024-06-01T00:00:00+09:00 to 2024-06-30T00:00:00+09:00) from 2024-06-04T09:00:00+09:00: OA Manager\'s auto-responses would not fire; had it happened, it would need: set the response method inside response hours to 手動チャット＋応答メッセージ (it is manual)',
      silenced: [{ campaign: native, at: jst("2024-06-04T09:00:00") }],
    });
  });

  it("allows manual-only chat where the campaign's window has no such band", () => {
    const weekend: Campaign = { ...native, from: jst("2024-06-08T00:00:00"), until: jst("2024-06-10T00:00:00") };
    const machine = createModeMachine({ profile: "current", campaigns: [weekend], strict: true });
    const chatWithHours: CurrentState = { ...base, chat: true, responseHours: officeHours };
    expect(
      machine.transition(chatWithHours, { type: "SET_RESPONSE_METHOD", inside: "manual" }, { at: mondayNight }),
    ).toMatchObject({
      ok: true,
      repairs: [],
    });
  });

  it("warn mode allows it and lists the repair that makes the campaign answered again", () => {
    const chatWithHours: CurrentState = { ...base, chat: true, responseHours: officeHours };
    const result = warn.transition(
      chatWithHours,
      { type: "SET_RESPONSE_METHOD", inside: "manual" },
      { at: mondayNight },
    );
    expect(result).toMatchObject({
      ok: true,
      repairs: [
        {
          event: { type: "SET_RESPONSE_METHOD", inside: "manual+auto" },
          action: "set the response method inside response hours to 手動チャット＋応答メッセージ (it is manual)",
        },
      ],
    });
  });

  it("repairs for a state that silences both kinds of campaign", () => {
    const silent: CurrentState = { ...base, webhook: false, autoResponse: false };
    expect(warn.repairs(silent, mondayNoon).map((r) => r.action)).toEqual([
      "turn Webhook on",
      "turn 応答メッセージ on",
    ]);
    expect(warn.silentCampaigns(silent, mondayNoon).map((s) => [s.campaign.id, s.at])).toEqual([
      ["coupon", mondayNoon],
      ["voice-gift", mondayNoon],
    ]);
  });

  it("a change that does not silence anything is allowed in strict mode", () => {
    expect(strict.transition(base, { type: "SET_CHAT", on: true }, { at: mondayNoon })).toMatchObject({
      ok: true,
      repairs: [],
    });
    expect(strict.transition(base, { type: "SET_GREETING", on: false }, { at: mondayNoon })).toMatchObject({
      ok: true,
    });
  });

  it("a change that keeps an already silent campaign silent is not refused (the state was already wrong)", () => {
    const silent: CurrentState = { ...base, webhook: false };
    const result = strict.transition(silent, { type: "SET_GREETING", on: false }, { at: mondayNoon });
    expect(result).toMatchObject({ ok: true, repairs: [{ action: "turn Webhook on" }] });
  });
});
