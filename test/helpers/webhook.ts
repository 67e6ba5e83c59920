/** Webhook bodies as LINE sends them: emoji escaped as UTF-16 surrogate pairs, Japanese as UTF-8. */
import { randomUUID } from "node:crypto";

export const SECRET = "channel-secret-for-tests";
export const OLD_SECRET = "previous-channel-secret";

let counter = 0;
/** A ULID-shaped id, unique per call. */
export function eventId(): string {
  counter++;
  return `01J${String(counter).padStart(6, "0")}${randomUUID().replace(/-/g, "").slice(0, 17).toUpperCase()}`;
}

/** A text message event, written as JSON text the way LINE writes it (emoji as \uXXXX escapes). */
export function textEventJson(
  text: string,
  options: { id?: string; redelivery?: boolean; replyToken?: string } = {},
): string {
  const escaped = JSON.stringify(text).replace(/[\u{10000}-\u{10FFFF}]/gu, (c) => {
    const code = c.codePointAt(0) as number;
    const high = Math.floor((code - 0x10000) / 0x400) + 0xd800;
    const low = ((code - 0x10000) % 0x400) + 0xdc00;
    return `\\u${high.toString(16).toUpperCase()}\\u${low.toString(16).toUpperCase()}`;
  });
  return `{"type":"message","message":{"type":"text","id":"468789577898262530","quoteToken":"q3Plxr4AgKd","text":${escaped}},"webhookEventId":"${options.id ?? eventId()}","deliveryContext":{"isRedelivery":${options.redelivery ? "true" : "false"}},"timestamp":${Date.now()},"source":{"type":"user","userId":"U4af4980629e0d9c3e2f5d8a5b1c2d3e4"},"replyToken":"${options.replyToken ?? "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA"}","mode":"active"}`;
}

/** An envelope around event JSON texts. */
export function envelope(...events: string[]): string {
  return `{"destination":"Uxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx","events":[${events.join(",")}]}`;
}

/** A text message event as an object (what `handleEvents` takes), from a given user. */
export function textEvent(
  text: string,
  options: { userId: string; replyToken?: string; id?: string; timestamp?: number; mode?: "active" | "standby" },
) {
  return {
    type: "message",
    message: { type: "text", id: "468789577898262530", quoteToken: "q3Plxr4AgKd", text },
    webhookEventId: options.id ?? eventId(),
    deliveryContext: { isRedelivery: false },
    timestamp: options.timestamp ?? Date.now(),
    source: { type: "user", userId: options.userId },
    ...(options.mode === "standby" ? {} : { replyToken: options.replyToken ?? "nHuyWiB7yP5Zw52FIkcQobQuGDXCTA" }),
    mode: options.mode ?? "active",
  };
}
