/**
 * The fast path of body parsing: a hand-written check of the webhook body shapes LINE sends every
 * day, giving exactly what `WebhookEnvelopeSchema` (zod) gives for them, at a fraction of zod's
 * cost per request. It only ever says "this is well-formed, here is the value" or "not sure":
 * anything it does not recognise as plainly valid (a wrong type, a missing field, an odd key) goes
 * to zod, so every accepted value and every error message stays zod's.
 *
 * The output is built the way zod builds it: a new object per checked level, the schema's keys
 * first in the schema's order, then the other keys in the input's order, `__proto__` left out.
 * test/webhook/well-formed.test.ts holds it to zod's result on generated bodies.
 */
type Json = Record<string, unknown>;

/** The keys each object schema declares, in its order (the order zod writes them out). */
const ENVELOPE_KEYS = new Set(["destination", "events"]);
const BASE_KEYS = ["type", "timestamp", "mode", "webhookEventId", "deliveryContext", "source", "replyToken"];
const EVENT_KEYS = new Set(BASE_KEYS);
const MESSAGE_EVENT_KEYS = new Set([...BASE_KEYS, "message"]);
const POSTBACK_EVENT_KEYS = new Set([...BASE_KEYS, "postback"]);
const DELIVERY_CONTEXT_KEYS = new Set(["isRedelivery"]);
const POSTBACK_KEYS = new Set(["data"]);
const MESSAGE_KEYS = new Set(["type", "id"]);
const TEXT_MESSAGE_KEYS = new Set(["type", "id", "text"]);
const USER_SOURCE_KEYS = new Set(["type", "userId"]);
const GROUP_SOURCE_KEYS = new Set(["type", "groupId", "userId"]);
const ROOM_SOURCE_KEYS = new Set(["type", "roomId", "userId"]);

/**
 * `WebhookEnvelopeSchema`'s result for `data` (what `JSON.parse` made of a body), or `undefined`
 * when the body is not one of the well-formed shapes this path knows: then ask zod.
 */
export function parseWellFormed(data: unknown): Json | undefined {
  if (!isObject(data) || typeof data.destination !== "string" || !Array.isArray(data.events)) return undefined;
  const input = data.events as unknown[];
  const events: unknown[] = [];
  for (const item of input) {
    const event = wellFormedEvent(item);
    if (event === undefined) return undefined;
    events.push(event);
  }
  return rest({ destination: data.destination, events }, data, ENVELOPE_KEYS);
}

function wellFormedEvent(event: unknown): Json | undefined {
  if (!isObject(event)) return undefined;
  const type = event.type;
  if (typeof type !== "string" || type === "") return undefined;
  const out = base(event);
  if (out === undefined) return undefined;
  if (type === "message") {
    const message = wellFormedMessage(event.message);
    if (message === undefined) return undefined;
    out.message = message;
    return rest(out, event, MESSAGE_EVENT_KEYS);
  }
  if (type === "postback") {
    const postback = event.postback;
    if (!isObject(postback) || typeof postback.data !== "string") return undefined;
    out.postback = rest({ data: postback.data }, postback, POSTBACK_KEYS);
    return rest(out, event, POSTBACK_EVENT_KEYS);
  }
  // Every other type, known or not (an unknown type is kept as sent), has the base fields only.
  return rest(out, event, EVENT_KEYS);
}

/** The fields every event has, in the schema's order; `undefined` if one is not plainly valid. */
function base(event: Json): Json | undefined {
  const { timestamp, mode, webhookEventId, deliveryContext } = event;
  if (!Number.isSafeInteger(timestamp)) return undefined;
  if (mode !== "active" && mode !== "standby") return undefined;
  if (typeof webhookEventId !== "string" || webhookEventId === "") return undefined;
  if (!isObject(deliveryContext) || typeof deliveryContext.isRedelivery !== "boolean") return undefined;
  const out: Json = {
    type: event.type,
    timestamp,
    mode,
    webhookEventId,
    deliveryContext: rest({ isRedelivery: deliveryContext.isRedelivery }, deliveryContext, DELIVERY_CONTEXT_KEYS),
  };
  if ("source" in event) {
    const source = wellFormedSource(event.source);
    if (source === undefined) return undefined;
    out.source = source;
  }
  if ("replyToken" in event) {
    if (typeof event.replyToken !== "string") return undefined;
    out.replyToken = event.replyToken;
  }
  return out;
}

function wellFormedSource(source: unknown): Json | undefined {
  if (!isObject(source)) return undefined;
  const userId = source.userId;
  const hasUser = "userId" in source;
  if (hasUser && typeof userId !== "string") return undefined;
  let out: Json;
  let keys: ReadonlySet<string>;
  if (source.type === "user") {
    out = { type: "user" };
    keys = USER_SOURCE_KEYS;
  } else if (source.type === "group" && typeof source.groupId === "string") {
    out = { type: "group", groupId: source.groupId };
    keys = GROUP_SOURCE_KEYS;
  } else if (source.type === "room" && typeof source.roomId === "string") {
    out = { type: "room", roomId: source.roomId };
    keys = ROOM_SOURCE_KEYS;
  } else {
    return undefined;
  }
  if (hasUser) out.userId = userId;
  return rest(out, source, keys);
}

function wellFormedMessage(message: unknown): Json | undefined {
  if (!isObject(message)) return undefined;
  const { type, id } = message;
  if (typeof type !== "string" || type === "" || typeof id !== "string") return undefined;
  if (type === "text") {
    if (typeof message.text !== "string") return undefined;
    return rest({ type, id, text: message.text }, message, TEXT_MESSAGE_KEYS);
  }
  // The other known types and the unknown ones alike: `type` and `id` only.
  return rest({ type, id }, message, MESSAGE_KEYS);
}

/** A JSON object (zod's `isObject`: not null, not an array). */
function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Copies the keys `declared` does not hold onto `out`, in the input's order, as zod's loose objects do (never `__proto__`). */
function rest(out: Json, input: Json, declared: ReadonlySet<string>): Json {
  for (const key in input) {
    if (declared.has(key) || key === "__proto__") continue;
    out[key] = input[key];
  }
  return out;
}
