/**
 * The LINE message objects a reward or a reply can hold, as zod schemas written from
 * `messaging-api.yml` (TextMessage, ImageMessage, AudioMessage, ... CouponMessage) and the limits
 * in LINE's reference (`zod/mini`, like the rule file schema). Checked when the rule file loads, so a campaign never starts with a reward
 * LINE would refuse. Fields the schemas do not name (quickReply, sender...) pass through to LINE.
 */
import * as z from "zod/mini";

const httpsUrl = z.string({ error: "must be an https URL" }).check(
  z.maxLength(2000, "LINE accepts URLs of at most 2,000 characters"),
  z.refine((value) => {
    try {
      return new URL(value).protocol === "https:";
    } catch {
      return false;
    }
  }, "must be an https URL (LINE fetches media over https only)"),
);

const between = (min: number, max: number) => `must be between ${min} and ${max}`;
const id = z.string({ error: "must be a string" }).check(z.minLength(1, "must not be empty"));
const altText = (max: number) =>
  z
    .string({ error: "must be a string" })
    .check(z.minLength(1, "must not be empty"), z.maxLength(max, `LINE accepts at most ${max} characters`));

/** The most UTF-16 units LINE takes in a text message. */
export const MAX_TEXT_LENGTH = 5000;

const messageText = z
  .string({ error: "must be a string" })
  .check(
    z.minLength(1, "must not be empty"),
    z.maxLength(MAX_TEXT_LENGTH, "LINE accepts at most 5,000 characters (UTF-16 units)"),
  );

export const TextMessageSchema = z.looseObject({
  type: z.literal("text"),
  text: messageText,
});
/** Text with `{placeholders}` replaced by mentions or LINE emoji (`substitution`), same length limit. */
export const TextV2MessageSchema = z.looseObject({
  type: z.literal("textV2"),
  text: messageText,
  substitution: z.optional(z.record(z.string(), z.looseObject({ type: z.enum(["mention", "emoji"]) }))),
});
export const ImageMessageSchema = z.looseObject({
  type: z.literal("image"),
  originalContentUrl: httpsUrl,
  previewImageUrl: httpsUrl,
});
export const VideoMessageSchema = z.looseObject({
  type: z.literal("video"),
  originalContentUrl: httpsUrl,
  previewImageUrl: httpsUrl,
});
export const AudioMessageSchema = z.looseObject({
  type: z.literal("audio"),
  originalContentUrl: httpsUrl,
  duration: z.number({ error: "is required: the length of the audio in milliseconds" }).check(
    z.refine((ms) => Number.isInteger(ms), "must be whole milliseconds"),
    z.positive("must be more than 0 milliseconds"),
  ),
});
export const StickerMessageSchema = z.looseObject({ type: z.literal("sticker"), packageId: id, stickerId: id });
export const LocationMessageSchema = z.looseObject({
  type: z.literal("location"),
  title: altText(100),
  address: altText(100),
  latitude: z
    .number({ error: "must be a number" })
    .check(z.minimum(-90, between(-90, 90)), z.maximum(90, between(-90, 90))),
  longitude: z
    .number({ error: "must be a number" })
    .check(z.minimum(-180, between(-180, 180)), z.maximum(180, between(-180, 180))),
});
export const ImagemapMessageSchema = z.looseObject({
  type: z.literal("imagemap"),
  baseUrl: httpsUrl,
  altText: altText(1500),
  baseSize: z.looseObject({ width: z.int().check(z.positive()), height: z.int().check(z.positive()) }),
  actions: z.array(z.looseObject({ type: z.string() })),
});
export const TemplateMessageSchema = z.looseObject({
  type: z.literal("template"),
  altText: altText(400),
  template: z.looseObject({ type: z.enum(["buttons", "confirm", "carousel", "image_carousel"]) }),
});
export const FlexMessageSchema = z.looseObject({
  type: z.literal("flex"),
  altText: altText(1500),
  contents: z.looseObject({ type: z.enum(["bubble", "carousel"], { error: 'must be a "bubble" or a "carousel"' }) }),
});
export const CouponMessageSchema = z.looseObject({
  type: z.literal("coupon"),
  couponId: id,
  deliveryTag: z.optional(z.string().check(z.maxLength(30, "LINE accepts at most 30 characters"))),
});

const MESSAGE_TYPES = [
  "text",
  "image",
  "video",
  "audio",
  "sticker",
  "location",
  "imagemap",
  "template",
  "flex",
  "coupon",
];

/** One LINE message object. */
export const LineMessageSchema = z.discriminatedUnion(
  "type",
  [
    TextMessageSchema,
    TextV2MessageSchema,
    ImageMessageSchema,
    VideoMessageSchema,
    AudioMessageSchema,
    StickerMessageSchema,
    LocationMessageSchema,
    ImagemapMessageSchema,
    TemplateMessageSchema,
    FlexMessageSchema,
    CouponMessageSchema,
  ],
  { error: `must be a message type LINE sends: ${MESSAGE_TYPES.join(", ")}` },
);

/** A LINE message object as validated: its type's fields checked, the rest kept. */
export type LineMessage = z.output<typeof LineMessageSchema>;
