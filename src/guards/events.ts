/**
 * Operator actions and API observations, as typed events (XState style: `{ type, ...payload }`).
 */
import type { Profile, ResponseHours, ResponseMethod } from "./state.js";

/** What the Messaging API shows: `GET /v2/bot/info` `chatMode` and the webhook endpoint's `active`. */
export interface ObserveEvent {
  type: "OBSERVE";
  chatMode: "chat" | "bot";
  webhookActive: boolean;
}

/** Operator actions on today's settings, and observations. */
export type CurrentEvent =
  | { type: "SET_CHAT"; on: boolean }
  | { type: "SET_WEBHOOK"; on: boolean }
  | { type: "SET_AUTO_RESPONSE"; on: boolean }
  | { type: "SET_GREETING"; on: boolean }
  | { type: "SET_RESPONSE_HOURS"; hours: ResponseHours | null }
  | { type: "SET_RESPONSE_METHOD"; inside?: ResponseMethod; outside?: ResponseMethod }
  | ObserveEvent;

/** Operator actions on the pre-2022 settings, and observations. */
export type LegacyEvent =
  | { type: "SWITCH_MODE"; mode: "bot" | "chat" }
  | { type: "SET_WEBHOOK"; on: boolean }
  | { type: "SET_AUTO_RESPONSE"; on: boolean }
  | { type: "SET_GREETING"; on: boolean }
  | ObserveEvent;

/** Any event of either profile. */
export type ModeEvent = CurrentEvent | LegacyEvent;

/**
 * The events of a profile. Observations belong to both, said outright so that code generic in the
 * profile (the drift monitor) can pass one without a cast.
 */
export type EventOf<P extends Profile> = ObserveEvent | (P extends "current" ? CurrentEvent : LegacyEvent);
