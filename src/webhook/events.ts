/**
 * Webhook events (webhook.yml `Event` and its mapping), one member per event type, discriminated
 * on `type`. The schemas check what the pipeline relies on: the fields every event has, the
 * source, the reply token, a message's type and text, a postback's data. The other fields LINE
 * documents are typed as documented and passed through unchecked, like any field LINE adds later,
 * and an event type this library does not know is kept as {@link UnknownEvent}: a change on LINE's
 * side never breaks a bot.
 */
import * as z from "zod/mini";
import { type MessageContent, MessageContentSchema } from "./message-content.js";
import { type OtherType, otherType } from "./other-type.js";

/** The event types LINE documents (webhook.yml `Event` mapping). */
export const EVENT_TYPES = [
  "message",
  "unsend",
  "follow",
  "unfollow",
  "join",
  "leave",
  "memberJoined",
  "memberLeft",
  "postback",
  "videoPlayComplete",
  "beacon",
  "accountLink",
  "membership",
  "module",
  "activated",
  "deactivated",
  "botSuspended",
  "botResumed",
  "delivery",
] as const;

/** `source` of an event: a user, or a group or room (with the sender's `userId` on message events). */
export const SourceSchema = z.discriminatedUnion("type", [
  z.looseObject({ type: z.literal("user"), userId: z.optional(z.string()) }),
  z.looseObject({ type: z.literal("group"), groupId: z.string(), userId: z.optional(z.string()) }),
  z.looseObject({ type: z.literal("room"), roomId: z.string(), userId: z.optional(z.string()) }),
]);

/** The fields every event has (webhook.yml `Event`), and the reply token of those that carry one. */
const base = {
  timestamp: z.int(),
  mode: z.enum(["active", "standby"]),
  webhookEventId: z.string().check(z.minLength(1)),
  deliveryContext: z.looseObject({ isRedelivery: z.boolean() }),
  source: z.optional(SourceSchema),
  // LINE leaves it out in standby mode and on events that cannot be answered.
  replyToken: z.optional(z.string()),
};

function needs(what: string) {
  return { error: (issue: { input: unknown }) => (issue.input === undefined ? what : undefined) };
}

const MessageEventSchema = z.looseObject({
  type: z.literal("message"),
  ...base,
  message: z.union(MessageContentSchema.def.options, needs("a message event needs message")),
});
const PostbackEventSchema = z.looseObject({
  type: z.literal("postback"),
  ...base,
  postback: z.looseObject({ data: z.string() }, needs("a postback event needs postback")),
});
const UnsendEventSchema = z.looseObject({ type: z.literal("unsend"), ...base });
const FollowEventSchema = z.looseObject({ type: z.literal("follow"), ...base });
const UnfollowEventSchema = z.looseObject({ type: z.literal("unfollow"), ...base });
const JoinEventSchema = z.looseObject({ type: z.literal("join"), ...base });
const LeaveEventSchema = z.looseObject({ type: z.literal("leave"), ...base });
const MemberJoinedEventSchema = z.looseObject({ type: z.literal("memberJoined"), ...base });
const MemberLeftEventSchema = z.looseObject({ type: z.literal("memberLeft"), ...base });
const VideoPlayCompleteEventSchema = z.looseObject({ type: z.literal("videoPlayComplete"), ...base });
const BeaconEventSchema = z.looseObject({ type: z.literal("beacon"), ...base });
const AccountLinkEventSchema = z.looseObject({ type: z.literal("accountLink"), ...base });
const MembershipEventSchema = z.looseObject({ type: z.literal("membership"), ...base });
const ModuleEventSchema = z.looseObject({ type: z.literal("module"), ...base });
const ActivatedEventSchema = z.looseObject({ type: z.literal("activated"), ...base });
const DeactivatedEventSchema = z.looseObject({ type: z.literal("deactivated"), ...base });
const BotSuspendedEventSchema = z.looseObject({ type: z.literal("botSuspended"), ...base });
const BotResumedEventSchema = z.looseObject({ type: z.literal("botResumed"), ...base });
const DeliveryEventSchema = z.looseObject({ type: z.literal("delivery"), ...base });
const UnknownEventSchema = z.looseObject({ type: otherType<"event">(EVENT_TYPES, "type"), ...base });

/**
 * One webhook event: a type LINE documents, checked as described above, or an unknown type kept
 * as sent. Known types are looked up by `type`, so a broken known event is reported as such.
 */
export const WebhookEventSchema = z.union([
  z.discriminatedUnion("type", [
    MessageEventSchema,
    PostbackEventSchema,
    UnsendEventSchema,
    FollowEventSchema,
    UnfollowEventSchema,
    JoinEventSchema,
    LeaveEventSchema,
    MemberJoinedEventSchema,
    MemberLeftEventSchema,
    VideoPlayCompleteEventSchema,
    BeaconEventSchema,
    AccountLinkEventSchema,
    MembershipEventSchema,
    ModuleEventSchema,
    ActivatedEventSchema,
    DeactivatedEventSchema,
    BotSuspendedEventSchema,
    BotResumedEventSchema,
    DeliveryEventSchema,
  ]),
  UnknownEventSchema,
]);

/** Where an event comes from: `user` (a one-to-one chat), `group` or `room`. */
export type Source = z.output<typeof SourceSchema>;
/** A member of a group or room, as `memberJoined` and `memberLeft` list them. */
export interface UserSource {
  type: "user";
  userId?: string;
}

/** A message (webhook.yml `MessageEvent`); `message` is discriminated on its `type`. */
export type MessageEvent = Without<z.output<typeof MessageEventSchema>, "message"> & { message: MessageContent };

/** `Omit` that keeps an index signature (`Omit` on a loose object would drop every named field). */
export type Without<T, K extends PropertyKey> = { [P in keyof T as P extends K ? never : P]: T[P] };
/** A button's postback. */
export type PostbackEvent = z.output<typeof PostbackEventSchema> & {
  postback: { data: string; params?: Record<string, string> };
};
/** A message the user unsent. */
export type UnsendEvent = z.output<typeof UnsendEventSchema> & { unsend: { messageId: string } };
/** A user added the account as a friend, or unblocked it. */
export type FollowEvent = z.output<typeof FollowEventSchema> & { follow: { isUnblocked: boolean } };
/** A user blocked the account. */
export type UnfollowEvent = z.output<typeof UnfollowEventSchema>;
/** The account joined a group or room. */
export type JoinEvent = z.output<typeof JoinEventSchema>;
/** The account was removed from a group or room. */
export type LeaveEvent = z.output<typeof LeaveEventSchema>;
/** Users joined a group or room the account is in. */
export type MemberJoinedEvent = z.output<typeof MemberJoinedEventSchema> & { joined: { members: UserSource[] } };
/** Users left a group or room the account is in. */
export type MemberLeftEvent = z.output<typeof MemberLeftEventSchema> & { left: { members: UserSource[] } };
/** A user watched a video message to the end. */
export type VideoPlayCompleteEvent = z.output<typeof VideoPlayCompleteEventSchema> & {
  videoPlayComplete: { trackingId: string };
};
/** A user came near a LINE Beacon. */
export type BeaconEvent = z.output<typeof BeaconEventSchema> & {
  beacon: { hwid: string; type: "enter" | "banner" | "stay"; dm?: string };
};
/** A user linked (or failed to link) their account. */
export type AccountLinkEvent = z.output<typeof AccountLinkEventSchema> & {
  link: { result: "ok" | "failed"; nonce: string };
};
/** A user joined, left or renewed a membership. */
export type MembershipEvent = z.output<typeof MembershipEventSchema> & {
  membership: { type: "joined" | "left" | "renewed"; membershipId: number };
};
/** The bot was attached to or detached from a module channel. */
export type ModuleEvent = z.output<typeof ModuleEventSchema> & {
  module:
    | { type: "attached"; botId: string; scopes: string[] }
    | { type: "detached"; botId: string; reason: "bot_deleted" };
};
/** A module channel took over the chat (became active). */
export type ActivatedEvent = z.output<typeof ActivatedEventSchema> & { chatControl: { expireAt: number } };
/** A module channel handed the chat back. */
export type DeactivatedEvent = z.output<typeof DeactivatedEventSchema>;
/** A module channel was suspended. */
export type BotSuspendedEvent = z.output<typeof BotSuspendedEventSchema>;
/** A suspended module channel was resumed. */
export type BotResumedEvent = z.output<typeof BotResumedEventSchema>;
/** A LINE notification message (PNP) was delivered. */
export type DeliveryEvent = z.output<typeof DeliveryEventSchema> & { delivery: { data: string } };
/**
 * An event of a type LINE added after this version, kept as sent. Its `type` is a string at
 * runtime, typed apart from the known types so that `event.type === "message"` still narrows.
 */
export type UnknownEvent = z.output<typeof UnknownEventSchema>;
/** The type of an event this library does not know: a string at runtime (`String(event.type)`). */
export type OtherEventType = OtherType<"event">;

/**
 * A webhook event, discriminated on `type`: checking `event.type === "message"` (or registering
 * `responder.on("message", ...)`) gives a {@link MessageEvent}. Fields the pipeline relies on are
 * checked; the others are typed as LINE documents them and passed through unchecked.
 */
export type WebhookEvent =
  | MessageEvent
  | PostbackEvent
  | UnsendEvent
  | FollowEvent
  | UnfollowEvent
  | JoinEvent
  | LeaveEvent
  | MemberJoinedEvent
  | MemberLeftEvent
  | VideoPlayCompleteEvent
  | BeaconEvent
  | AccountLinkEvent
  | MembershipEvent
  | ModuleEvent
  | ActivatedEvent
  | DeactivatedEvent
  | BotSuspendedEvent
  | BotResumedEvent
  | DeliveryEvent
  | UnknownEvent;

/** One of the event types LINE documents. */
export type EventType = (typeof EVENT_TYPES)[number];

/** The event of a documented type: `WebhookEventOf<"follow">` is {@link FollowEvent}. */
export type WebhookEventOf<T extends EventType> = Extract<WebhookEvent, { type: T }>;

/**
 * Checks one event. The result is typed as {@link WebhookEvent}: the checked fields are what the
 * schema says, and the rest is LINE's documented shape, passed through as sent.
 */
export function parseEvent(
  raw: unknown,
): { success: true; data: WebhookEvent } | { success: false; error: z.core.$ZodError } {
  return WebhookEventSchema.safeParse(raw) as ReturnType<typeof parseEvent>;
}
