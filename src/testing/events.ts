/**
 * Webhook events and signed requests as LINE sends them (webhook.yml), for tests in any runner.
 * Builders return plain objects: spread and override any field to make the case you need.
 */
import { signBody } from "../webhook/signature.js";

/** Where an event comes from: a one-to-one chat, or a group or room (with the sender). */
export type EventSource =
  | { type: "user"; userId: string }
  | { type: "group"; groupId: string; userId?: string }
  | { type: "room"; roomId: string; userId?: string };

/** Fields every builder accepts. */
export interface EventOptions {
  /** A user id (a one-to-one chat) or a full source; default `userId(1)`. */
  source?: string | EventSource;
  /** `standby`: another channel is active; such events carry no reply token. Default `active`. */
  mode?: "active" | "standby";
  /** Epoch ms; default now. */
  timestamp?: number;
  /** Default a fresh ULID. */
  webhookEventId?: string;
  /** `deliveryContext.isRedelivery`; default false. */
  redelivery?: boolean;
  /** Default a fresh random token (replyable events in `active` mode only). */
  replyToken?: string;
}

/** The fields every webhook event has. */
export interface BaseEvent {
  type: string;
  mode: "active" | "standby";
  timestamp: number;
  source: EventSource;
  webhookEventId: string;
  deliveryContext: { isRedelivery: boolean };
  replyToken?: string;
}

/** A text message event. */
export interface TextMessageEvent extends BaseEvent {
  type: "message";
  message: { type: "text"; id: string; quoteToken: string; text: string };
}

/** A follow (friend added or unblocked) event. */
export interface FollowEvent extends BaseEvent {
  type: "follow";
  follow: { isUnblocked: boolean };
}

/** An unfollow (blocked) event: no reply token. */
export interface UnfollowEvent extends BaseEvent {
  type: "unfollow";
}

/** A postback event. */
export interface PostbackEvent extends BaseEvent {
  type: "postback";
  postback: { data: string; params?: Record<string, string> };
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function randomChars(count: number, alphabet: string): string {
  const bytes = crypto.getRandomValues(new Uint8Array(count));
  return Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
}

/** A ULID (what LINE uses for `webhookEventId`): 48-bit time, then 80 random bits, Crockford base32. */
export function ulid(time: number = Date.now()): string {
  let stamp = "";
  let rest = Math.floor(time);
  for (let i = 0; i < 10; i++) {
    stamp = CROCKFORD[rest % 32] + stamp;
    rest = Math.floor(rest / 32);
  }
  return stamp + randomChars(16, CROCKFORD);
}

/** A LINE-shaped user id: `U` and 32 hex digits. */
export function userId(seed?: string | number): string {
  if (seed === undefined) return `U${randomChars(32, "0123456789abcdef")}`;
  const hex = Array.from(String(seed), (c) => c.charCodeAt(0).toString(16)).join("");
  return `U${hex.padStart(32, "0").slice(-32)}`;
}

let messageCounter = 0;

function base(type: string, options: EventOptions, replyable: boolean): BaseEvent {
  const source: EventSource =
    typeof options.source === "object" ? options.source : { type: "user", userId: options.source ?? userId(1) };
  const mode = options.mode ?? "active";
  const timestamp = options.timestamp ?? Date.now();
  return {
    type,
    mode,
    timestamp,
    source,
    webhookEventId: options.webhookEventId ?? ulid(timestamp),
    deliveryContext: { isRedelivery: options.redelivery ?? false },
    ...(replyable && mode === "active" ? { replyToken: options.replyToken ?? randomChars(32, CROCKFORD) } : {}),
  };
}

/** A user's text message. */
export function textMessageEvent(text: string, options: EventOptions = {}): TextMessageEvent {
  messageCounter++;
  const id = String(500_000_000_000_000_000n + BigInt(messageCounter));
  return {
    ...base("message", options, true),
    type: "message",
    message: { type: "text", id, quoteToken: randomChars(24, CROCKFORD), text },
  };
}

/** A friend add (`isUnblocked: false`) or an unblock. */
export function followEvent(options: EventOptions & { isUnblocked?: boolean } = {}): FollowEvent {
  return { ...base("follow", options, true), type: "follow", follow: { isUnblocked: options.isUnblocked ?? false } };
}

/** A block. */
export function unfollowEvent(options: EventOptions = {}): UnfollowEvent {
  return { ...base("unfollow", options, false), type: "unfollow" };
}

/** A postback (a button's `data`). */
export function postbackEvent(data: string, options: EventOptions & { params?: Record<string, string> } = {}) {
  const postback = options.params ? { data, params: options.params } : { data };
  return { ...base("postback", options, true), type: "postback", postback } satisfies PostbackEvent;
}

/** The request body LINE posts: `{ destination, events }`, as JSON text. */
export function webhookBody(events: readonly object[], destination = userId("bot")): string {
  return JSON.stringify({ destination, events });
}

/**
 * A webhook request exactly as LINE signs it: the JSON body and the headers, with
 * `x-line-signature` over the body's bytes.
 *
 * @example
 * ```ts
 * const { body, headers } = await signedWebhook(secret, [textMessageEvent("プレゼント")]);
 * const res = await fetch("http://127.0.0.1:3000/webhook", { method: "POST", body, headers });
 * ```
 */
export async function signedWebhook(
  channelSecret: string,
  events: readonly object[],
  destination?: string,
): Promise<{ body: string; headers: Record<string, string> }> {
  const body = webhookBody(events, destination);
  return {
    body,
    headers: {
      "content-type": "application/json; charset=utf-8",
      "x-line-signature": await signBody(channelSecret, body),
    },
  };
}
