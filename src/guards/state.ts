/**
 * The account's response settings (応答設定) in the two eras LINE has had, as plain JSON-able
 * objects. See LINE-FACTS: today's toggles are independent (since 2022-11-30); before that,
 * 応答モード was Bot or Chat. The types are derived from the schemas in state-schema.ts; importing
 * them as types keeps zod out of the code that only runs the machine.
 */
import type { z } from "zod";
import type { CurrentStateSchema, LegacyStateSchema, ResponseBandSchema, ResponseHoursSchema } from "./state-schema.js";

/** Response method in a time band: manual chat only, or manual chat plus auto-response messages. */
export type ResponseMethod = "manual" | "manual+auto";

export { WEEKDAYS, type Weekday } from "./weekdays.js";

/** One weekly band of response hours: these days, from (inclusive) until (exclusive), local time. */
export type ResponseBand = z.output<typeof ResponseBandSchema>;

/** Response hours (応答時間): weekly bands in the account's time zone. */
export type ResponseHours = z.output<typeof ResponseHoursSchema>;

/** The settings since 2022-11-30: independent toggles, plus chat's response hours and methods. */
export type CurrentState = z.output<typeof CurrentStateSchema>;

/** The settings until 2022-11-29: 応答モード Bot or Chat, mutually exclusive. */
export type LegacyState = z.output<typeof LegacyStateSchema>;

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
