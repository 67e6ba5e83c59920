/**
 * The `message` of a message event (webhook.yml `MessageContent`), one member per message type.
 * The schemas check what the pipeline reads (`type`, `id`, and a text message's `text`); the
 * other fields LINE documents are typed as documented and passed through unchecked, like any
 * field LINE adds later. A message type this library does not know is kept as
 * {@link UnknownMessageContent}, so a new kind of message never breaks a bot.
 */
import * as z from "zod/mini";
import { type OtherType, otherType } from "./other-type.js";

/** The message types LINE documents (webhook.yml `MessageContent` mapping). */
export const MESSAGE_TYPES = ["text", "image", "video", "audio", "file", "location", "sticker"] as const;

/** Where an image, video or audio file is (webhook.yml `ContentProvider`). */
export interface ContentProvider {
  type: "line" | "external";
  originalContentUrl?: string;
  previewImageUrl?: string;
}

const id = z.string();

/** The schema of a text message: the only message whose content the pipeline reads. */
export const TextMessageContentSchema = z.looseObject({
  type: z.literal("text"),
  id,
  text: z.string({ error: (issue) => (issue.input === undefined ? "a text message needs text" : undefined) }),
});
const ImageMessageContentSchema = z.looseObject({ type: z.literal("image"), id });
const VideoMessageContentSchema = z.looseObject({ type: z.literal("video"), id });
const AudioMessageContentSchema = z.looseObject({ type: z.literal("audio"), id });
const FileMessageContentSchema = z.looseObject({ type: z.literal("file"), id });
const LocationMessageContentSchema = z.looseObject({ type: z.literal("location"), id });
const StickerMessageContentSchema = z.looseObject({ type: z.literal("sticker"), id });

/** The schema of a message whose type this library does not know. */
export const UnknownMessageContentSchema = z.looseObject({
  type: otherType<"message">(MESSAGE_TYPES, "message.type"),
  id,
});

/** The schema of a message event's `message`: one of LINE's message types, or an unknown one kept as sent. */
export const MessageContentSchema = z.union([
  z.discriminatedUnion("type", [
    TextMessageContentSchema,
    ImageMessageContentSchema,
    VideoMessageContentSchema,
    AudioMessageContentSchema,
    FileMessageContentSchema,
    LocationMessageContentSchema,
    StickerMessageContentSchema,
  ]),
  UnknownMessageContentSchema,
]);

/**
 * A text message. `text` is what the user typed, as sent (rules match a normalized copy of it).
 */
export type TextMessageContent = z.output<typeof TextMessageContentSchema> & {
  quoteToken: string;
  quotedMessageId?: string;
  markAsReadToken?: string;
};
/** An image message (its bytes are fetched separately with the message id). */
export type ImageMessageContent = z.output<typeof ImageMessageContentSchema> & {
  contentProvider: ContentProvider;
  imageSet?: { id: string; index?: number; total?: number };
  quoteToken: string;
  markAsReadToken?: string;
};
/** A video message. */
export type VideoMessageContent = z.output<typeof VideoMessageContentSchema> & {
  contentProvider: ContentProvider;
  duration?: number;
  quoteToken: string;
  markAsReadToken?: string;
};
/** An audio message. */
export type AudioMessageContent = z.output<typeof AudioMessageContentSchema> & {
  contentProvider: ContentProvider;
  duration?: number;
  markAsReadToken?: string;
};
/** A file message. */
export type FileMessageContent = z.output<typeof FileMessageContentSchema> & {
  fileName: string;
  fileSize: number;
  markAsReadToken?: string;
};
/** A location message. */
export type LocationMessageContent = z.output<typeof LocationMessageContentSchema> & {
  title?: string;
  address?: string;
  latitude: number;
  longitude: number;
  markAsReadToken?: string;
};
/** A sticker message. It has no `text` to match: only message stickers carry the text typed on them. */
export type StickerMessageContent = z.output<typeof StickerMessageContentSchema> & {
  packageId: string;
  stickerId: string;
  stickerResourceType:
    | "STATIC"
    | "ANIMATION"
    | "SOUND"
    | "ANIMATION_SOUND"
    | "POPUP"
    | "POPUP_SOUND"
    | "CUSTOM"
    | "MESSAGE"
    | "NAME_TEXT"
    | "PER_STICKER_TEXT";
  keywords?: string[];
  text?: string;
  quoteToken: string;
  quotedMessageId?: string;
  markAsReadToken?: string;
};
/**
 * A message of a type LINE added after this version. Its `type` is a string at runtime; it is
 * typed apart from the known types so that checking `message.type === "text"` still narrows.
 */
export type UnknownMessageContent = z.output<typeof UnknownMessageContentSchema>;
/** The type of a message this library does not know: a string at runtime (`String(message.type)`). */
export type OtherMessageType = OtherType<"message">;

/** A message event's `message`, discriminated on `type`. */
export type MessageContent =
  | TextMessageContent
  | ImageMessageContent
  | VideoMessageContent
  | AudioMessageContent
  | FileMessageContent
  | LocationMessageContent
  | StickerMessageContent
  | UnknownMessageContent;

/** One of the message types LINE documents. */
export type MessageType = (typeof MESSAGE_TYPES)[number];
