/**
 * The account's response settings (応答設定) in the two eras LINE has had, as plain JSON-able
 * objects. See LINE-FACTS: today's toggles are independent (since 2022-11-30); before that,
 * 応答モード was Bot or Chat.
 */

/** Response method in a time band: manual chat only, or manual chat plus auto-response messages. */
export type ResponseMethod = "manual" | "manual+auto";

/** Days of the week, in the account's time zone. */
export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
/** A day of the week. */
export type Weekday = (typeof WEEKDAYS)[number];

/** One weekly band of response hours: these days, from (inclusive) until (exclusive), local time. */
export interface ResponseBand {
  days: Weekday[];
  /** `HH:MM`, 24-hour. */
  from: string;
  /** `HH:MM`, 24-hour, after `from`; `24:00` for the end of the day. */
  until: string;
}

/** Response hours (応答時間): weekly bands in the account's time zone. */
export interface ResponseHours {
  /** IANA time zone of the bands; default `Asia/Tokyo`. */
  timezone?: string;
  bands: ResponseBand[];
}

/** The settings since 2022-11-30: independent toggles, plus chat's response hours and methods. */
export interface CurrentState {
  /** チャット: manual chat on; messages are then marked read manually. */
  chat: boolean;
  /** Webhook: events are sent to the bot. */
  webhook: boolean;
  /** 応答メッセージ: the Official Account Manager's keyword auto-responses. */
  autoResponse: boolean;
  /** あいさつメッセージ: sent on friend-add and unblock. */
  greeting: boolean;
  /** 応答時間; `null` or absent: no hours, the `inside` method applies all the time. */
  responseHours?: ResponseHours | null;
  /** 応答方法 inside and outside the response hours; only meaningful while chat is on. Default both `manual+auto`. */
  responseMethod?: { inside: ResponseMethod; outside: ResponseMethod };
}

/** The settings until 2022-11-29: 応答モード Bot or Chat, mutually exclusive. */
export interface LegacyState {
  mode: "bot" | "chat";
  webhook: boolean;
  /** 自動応答 (auto-response messages). */
  autoResponse: boolean;
  greeting: boolean;
}

/** Which era of settings a state belongs to. */
export type Profile = "current" | "legacy";

/** The state type of a profile. */
export type StateOf<P extends Profile> = P extends "current" ? CurrentState : LegacyState;

/** The default response method: chat plus auto-responses, in and out of hours. */
export const DEFAULT_RESPONSE_METHOD = Object.freeze({ inside: "manual+auto", outside: "manual+auto" } as const);

/** The response method of a current-profile state, default filled in. */
export function responseMethodOf(state: CurrentState): { inside: ResponseMethod; outside: ResponseMethod } {
  return state.responseMethod ?? DEFAULT_RESPONSE_METHOD;
}

/** Webhook, auto-response and greeting all off: LINE refuses it, since nothing automatic could reach users. */
export function allOutputsOff(state: { webhook: boolean; autoResponse: boolean; greeting: boolean }): boolean {
  return !state.webhook && !state.autoResponse && !state.greeting;
}

/** "on" or "off", as the settings screens say it. */
export const onOff = (on: boolean): string => (on ? "on" : "off");

/** The four switches of a state, in the words of LINE's screens (`Bot mode, Webhook on, 自動応答 off, greeting on`). */
export function describeSwitches(state: CurrentState | LegacyState): string {
  if ("mode" in state) {
    return `${state.mode === "bot" ? "Bot" : "Chat"} mode, Webhook ${onOff(state.webhook)}, 自動応答 ${onOff(state.autoResponse)}, greeting ${onOff(state.greeting)}`;
  }
  return `Chat ${onOff(state.chat)}, Webhook ${onOff(state.webhook)}, 応答メッセージ ${onOff(state.autoResponse)}, greeting ${onOff(state.greeting)}`;
}
