import { validateSignature } from "@line/bot-sdk";
import { describe, expect, it } from "vitest";
import { createResponder } from "../../src/index.js";
import {
  followEvent,
  postbackEvent,
  signedWebhook,
  textMessageEvent,
  ulid,
  unfollowEvent,
  userId,
} from "../../src/testing/index.js";
import { WebhookEnvelopeSchema } from "../../src/webhook/envelope.js";

describe("event builders", () => {
  it("build events that pass LINE's webhook schema, for every source and mode", () => {
    const events = [
      textMessageEvent("プレゼント"),
      textMessageEvent("hi", { source: { type: "group", groupId: "Cabc", userId: userId("a") } }),
      textMessageEvent("hi", { source: { type: "room", roomId: "Rabc" }, mode: "standby" }),
      followEvent({ isUnblocked: true }),
      unfollowEvent(),
      postbackEvent("action=claim", { params: { date: "2026-12-03" }, redelivery: true }),
    ];
    expect(WebhookEnvelopeSchema.safeParse({ destination: userId("bot"), events }).success).toBe(true);
    expect(events.map((e) => "replyToken" in e)).toEqual([true, true, false, true, false, true]);
    expect(events[5]?.deliveryContext).toEqual({ isRedelivery: true });
  });

  it("webhookEventId is a ULID whose time is the event's", () => {
    const id = ulid(Date.parse("2026-11-25T00:00:00Z"));
    expect(id).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
    expect(id.slice(0, 10)).toBe(ulid(Date.parse("2026-11-25T00:00:00Z")).slice(0, 10));
    expect(ulid(1) < ulid(2)).toBe(true);
    expect(textMessageEvent("x", { timestamp: 5 }).webhookEventId.slice(0, 10)).toBe(ulid(5).slice(0, 10));
  });

  it("user ids look like LINE's and are stable per seed", () => {
    expect(userId("alice")).toMatch(/^U[0-9a-f]{32}$/);
    expect(userId("alice")).toBe(userId("alice"));
    expect(userId("alice")).not.toBe(userId("bob"));
  });

  it("signedWebhook signs as LINE does: the SDK and the responder both accept it", async () => {
    const { body, headers } = await signedWebhook("secret", [textMessageEvent("プレゼント🎁")]);
    expect(validateSignature(body, "secret", headers["x-line-signature"] as string)).toBe(true);
    const responder = createResponder({ channelSecret: "secret" });
    const result = await responder.handle({
      body,
      signature: headers["x-line-signature"],
      processBeforeResponse: true,
    });
    expect(result.status).toBe(200);
    const wrong = await responder.handle({ body: `${body} `, signature: headers["x-line-signature"] });
    expect(wrong.status).toBe(401);
  });
});
