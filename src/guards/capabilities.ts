/**
 * What the account does with a user's message, derived from the settings and never stored:
 * whether our webhook hears it, whether OA Manager's keyword auto-responses answer it.
 */
import { isInsideHours } from "./response-hours.js";
import { type CurrentState, type LegacyState, responseMethodOf } from "./state.js";

/** What the account can do at a given moment. */
export interface Capabilities {
  /** Messages reach the bot's webhook. */
  webhookDelivered: boolean;
  /** OA Manager's keyword auto-responses (応答メッセージ / 自動応答) fire at that moment. */
  nativeKeywordReplies: boolean;
  /** Staff can chat with users by hand. */
  manualChat: boolean;
  /** The greeting message is sent on friend-add and unblock. */
  greetingOnFollow: boolean;
  /** How messages are marked read: automatically (chat off / Bot mode) or by staff. */
  markAsRead: "auto" | "manual";
}

/** The capabilities of a current-profile state at `at` (epoch ms). */
export function currentCapabilities(state: CurrentState, at: number): Capabilities {
  const method = responseMethodOf(state);
  // Response hours and methods are chat settings: they matter only while chat is on. Operators
  // report that auto-responses do not fire in a band whose method is manual chat only.
  const inside = state.responseHours ? isInsideHours(state.responseHours, at) : true;
  const bandAllowsAuto = (inside ? method.inside : method.outside) === "manual+auto";
  return {
    webhookDelivered: state.webhook,
    nativeKeywordReplies: state.autoResponse && (!state.chat || bandAllowsAuto),
    manualChat: state.chat,
    greetingOnFollow: state.greeting,
    markAsRead: state.chat ? "manual" : "auto",
  };
}

/** The capabilities of a legacy-profile state. Chat mode had no webhook and no auto-response. */
export function legacyCapabilities(state: LegacyState): Capabilities {
  const bot = state.mode === "bot";
  return {
    webhookDelivered: bot && state.webhook,
    nativeKeywordReplies: bot && state.autoResponse,
    manualChat: !bot,
    // An assumption (LINE-FACTS lists greeting under Bot mode and says nothing of Chat mode):
    // the greeting message was an account setting sent in both modes.
    greetingOnFollow: state.greeting,
    markAsRead: bot ? "auto" : "manual",
  };
}
