/**
 * What the types promise a bot author, checked by the compiler (vitest's typecheck runs this file):
 * narrowing on `type`, handler keys, the SDK's webhook types both ways, and the status unions.
 */
import type { webhook } from "@line/bot-sdk";
import { describe, expectTypeOf, it } from "vitest";
import type {
  EventContext,
  EventOutcome,
  FollowEvent,
  MessageContent,
  MessageEvent,
  Responder,
  RewardResult,
  StickerMessageContent,
  TextMessageContent,
  UnknownEvent,
  UnknownMessageContent,
  WebhookEvent,
  Without,
} from "../../src/index.js";

declare const responder: Responder;
declare const event: WebhookEvent;

/** `ours` with the reply token LINE omits in standby, which the SDK marks required on these events. */
type Replyable<E> = E & { replyToken: string };

describe("WebhookEvent", () => {
  it("narrows on type, though unknown event types are kept", () => {
    expectTypeOf<UnknownEvent>().toExtend<WebhookEvent>();
    if (event.type === "message") {
      expectTypeOf(event).toEqualTypeOf<MessageEvent>();
      if (event.message.type === "text") expectTypeOf(event.message).toEqualTypeOf<TextMessageContent>();
    }
    if (event.type === "follow") expectTypeOf(event.follow.isUnblocked).toEqualTypeOf<boolean>();
  });

  it("has no text on a sticker message", () => {
    const sticker = {} as StickerMessageContent;
    // @ts-expect-error a sticker's text is optional (message stickers only), never a string to rely on
    expectTypeOf(sticker.text).toEqualTypeOf<string>();
    if (event.type === "message" && event.message.type === "sticker") {
      // @ts-expect-error reading message.text on a sticker message as a string does not compile
      const text: string = event.message.text;
      void text;
    }
  });

  it("takes the SDK's events, every member", () => {
    expectTypeOf<webhook.Event>().toExtend<WebhookEvent>();
    expectTypeOf<webhook.MessageEvent>().toExtend<MessageEvent>();
  });

  it("fits the SDK's events, member by member", () => {
    type Ours<T extends string> = Extract<WebhookEvent, { type: T }>;
    type Sdk<T extends string> = Extract<webhook.Event, { type: T }>;
    // Message content of a type LINE adds later has no SDK counterpart: the shared ones fit.
    type SharedMessage = Without<MessageEvent, "message"> & { message: Exclude<MessageContent, UnknownMessageContent> };
    expectTypeOf<SharedMessage>().toExtend<Sdk<"message">>();
    expectTypeOf<MessageEvent>().not.toExtend<Sdk<"message">>();
    expectTypeOf<Ours<"postback">>().toExtend<Sdk<"postback">>();
    expectTypeOf<Ours<"unsend">>().toExtend<Sdk<"unsend">>();
    expectTypeOf<Ours<"unfollow">>().toExtend<Sdk<"unfollow">>();
    expectTypeOf<Ours<"leave">>().toExtend<Sdk<"leave">>();
    expectTypeOf<Ours<"memberLeft">>().toExtend<Sdk<"memberLeft">>();
    expectTypeOf<Ours<"accountLink">>().toExtend<Sdk<"accountLink">>();
    expectTypeOf<Ours<"module">>().toExtend<Sdk<"module">>();
    expectTypeOf<Ours<"activated">>().toExtend<Sdk<"activated">>();
    expectTypeOf<Ours<"deactivated">>().toExtend<Sdk<"deactivated">>();
    expectTypeOf<Ours<"botSuspended">>().toExtend<Sdk<"botSuspended">>();
    expectTypeOf<Ours<"botResumed">>().toExtend<Sdk<"botResumed">>();
    expectTypeOf<Ours<"delivery">>().toExtend<Sdk<"delivery">>();
    expectTypeOf<Replyable<Ours<"follow">>>().toExtend<Sdk<"follow">>();
    expectTypeOf<Replyable<Ours<"join">>>().toExtend<Sdk<"join">>();
    expectTypeOf<Replyable<Ours<"memberJoined">>>().toExtend<Sdk<"memberJoined">>();
    expectTypeOf<Replyable<Ours<"videoPlayComplete">>>().toExtend<Sdk<"videoPlayComplete">>();
    expectTypeOf<Replyable<Ours<"beacon">>>().toExtend<Sdk<"beacon">>();
    expectTypeOf<Replyable<Ours<"membership">>>().toExtend<Sdk<"membership">>();
    // The one difference: LINE leaves the reply token out in standby, so ours has it optional.
    expectTypeOf<FollowEvent>().not.toExtend<webhook.FollowEvent>();
  });
});

describe("responder.on", () => {
  it("narrows ctx.event by the key", () => {
    responder.on("message", (ctx) => expectTypeOf(ctx.event).toEqualTypeOf<MessageEvent>());
    responder.on("message:text", (ctx) => expectTypeOf(ctx.event.message).toEqualTypeOf<TextMessageContent>());
    responder.on("message:sticker", (ctx) => {
      expectTypeOf(ctx.event.message.stickerId).toEqualTypeOf<string>();
      // @ts-expect-error a sticker handler's message has no text to read as a string
      const text: string = ctx.event.message.text;
      void text;
    });
    responder.on("follow", (ctx) => expectTypeOf(ctx.event).toEqualTypeOf<FollowEvent>());
    responder.on("*", (ctx) => expectTypeOf(ctx).toEqualTypeOf<EventContext<WebhookEvent>>());
  });

  it("refuses a misspelt key and takes a handler returning anything", () => {
    // @ts-expect-error "mesage" is no event type
    responder.on("mesage", () => {});
    const seen: string[] = [];
    responder.on("postback", (ctx) => seen.push(ctx.event.postback.data));
    responder.on("message", async (ctx) => ctx.match?.groups?.named.code);
  });
});

describe("status unions", () => {
  it("RewardResult carries each status's own fields", () => {
    const result = {} as RewardResult;
    // @ts-expect-error via exists on sent results only
    void result.via;
    if (result.status === "sent") expectTypeOf(result.via).toEqualTypeOf<"reply" | "push">();
    if (result.status === "deferred") expectTypeOf(result.reason).toEqualTypeOf<string>();
    if (result.status === "out-of-stock") expectTypeOf(result.answered).toEqualTypeOf<"sold-out" | undefined>();
  });

  it("EventOutcome carries each status's own fields", () => {
    const outcome = {} as EventOutcome;
    if (outcome.status === "failed") expectTypeOf(outcome.error).toEqualTypeOf<string>();
    if (outcome.status === "processed") expectTypeOf(outcome.sent).toEqualTypeOf<"reply" | "push" | null>();
    if (outcome.status === "duplicate") expectTypeOf(outcome.reward).toEqualTypeOf<undefined>();
  });
});
