/**
 * What `responder.on(...)` handlers get: the event, narrowed by the key they were registered
 * under, what the rules made of it, and `reply`/`push` that send the way rewards are sent.
 */

import type { DirectSender, SendReceipt } from "./rewards/direct-send.js";
import type { RewardResult } from "./rewards/dispatcher.js";
import type { RuleMatch } from "./rules/compile.js";
import type { EventType, MessageEvent, WebhookEvent, Without } from "./webhook/events.js";
import type { MessageContent, MessageType } from "./webhook/message-content.js";

/**
 * What a handler is registered for: an event type (`"message"`, `"follow"`, `"postback"`...),
 * a message type (`"message:text"`, `"message:sticker"`...), or `"*"` for every event.
 */
export type HandlerKey = EventType | `message:${MessageType}` | "*";

/** The event a handler registered under `K` receives. */
export type EventFor<K extends HandlerKey> = K extends "*"
  ? WebhookEvent
  : K extends `message:${infer M}`
    ? Without<MessageEvent, "message"> & { message: Extract<MessageContent, { type: M }> }
    : Extract<WebhookEvent, { type: K }>;

/** What a handler gets: `ctx.event`, `ctx.match`, `ctx.reward`, `ctx.reply(...)`, `ctx.push(...)`. */
export interface EventContext<E extends WebhookEvent = WebhookEvent> {
  /** The event, narrowed by the key the handler was registered under. */
  readonly event: E;
  /** The rule that answered the event's text, or `null` (also for events that are not text messages). */
  readonly match: RuleMatch | null;
  /** What became of the reward the matched rule gives, if it gives one. */
  readonly reward: RewardResult | undefined;
  /**
   * Replies with the event's reply token, with the timeouts and retries of rewards (until the
   * reply window, `delivery.replyWindowMs`, ends). Rejects with a `SendError` when the event has no
   * reply token or came in standby mode, when there is no client, and when LINE refused or the
   * tries ran out; an uncaught rejection fails the event, so LINE redelivers it.
   */
  reply(messages: object | readonly object[]): Promise<SendReceipt>;
  /**
   * Pushes to the event's group, room or user, with the retries of rewards and a retry key made
   * from the event id and the push's place among this event's pushes: a redelivery that runs the
   * handler again gets LINE's 409 for a push that went out, not a second message. Rejects with a
   * `SendError` in standby mode, without a client or a target, and when LINE refused or the tries ran out.
   */
  push(messages: object | readonly object[]): Promise<SendReceipt>;
}

/**
 * A handler registered with `responder.on(...)`. It may return anything; a returned promise is
 * awaited before the event counts as processed, and a throw or rejection fails the event.
 */
export type EventHandler<E extends WebhookEvent = WebhookEvent> = (ctx: EventContext<E>) => unknown;

/** @internal The context of one event, shared by all its handlers (so pushes are numbered across them). */
export function createEventContext(
  event: WebhookEvent,
  match: RuleMatch | null,
  reward: RewardResult | undefined,
  sender: DirectSender,
  replyDeadline: number,
): EventContext {
  let pushes = 0;
  // Methods, not arrows: they use no `this` (so `const { reply } = ctx` works), and cost less to
  // make for every event when a build keeps function names.
  return {
    event,
    match,
    reward,
    reply(messages) {
      return sender.reply(event, list(messages), replyDeadline);
    },
    push(messages) {
      return sender.push(event, list(messages), pushes++);
    },
  };
}

function list(messages: object | readonly object[]): object[] {
  return Array.isArray(messages) ? [...messages] : [messages as object];
}
