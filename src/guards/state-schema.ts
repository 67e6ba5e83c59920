/**
 * zod schemas for response states written as JSON (CLI `--from`, `--declared`, API input), so a
 * wrong state gets one message per problem with its path, like a wrong rule file. The state types
 * (state.ts) are derived from these, so the two cannot disagree.
 */
import { z } from "zod";
import { isValidTimeZone } from "../rules/time.js";
import { WEEKDAYS } from "./weekdays.js";

const flag = z.boolean({ error: "must be true or false" });
const method = z.enum(["manual", "manual+auto"], { error: 'must be "manual" or "manual+auto"' });
const chatOrBot = z.enum(["bot", "chat"], { error: 'must be "bot" or "chat"' });
const clock = z
  .string({ error: 'must be a time like "09:00"' })
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'must be a time like "09:00" (00:00 to 24:00)');

/** A weekly band of response hours. */
export const ResponseBandSchema = z
  .strictObject({
    days: z.array(z.enum(WEEKDAYS, { error: `must be one of ${WEEKDAYS.join(", ")}` })).min(1, "needs at least 1 day"),
    /** `HH:MM`, 24-hour. */
    from: clock,
    /** `HH:MM`, 24-hour, after `from`; `24:00` for the end of the day. */
    until: clock,
  })
  .refine((band) => band.from < band.until, { error: "from must be before until", path: ["until"] });

/** Response hours. */
export const ResponseHoursSchema = z.strictObject({
  /** IANA time zone of the bands; default `Asia/Tokyo`. */
  timezone: z
    .string()
    .refine(isValidTimeZone, { error: "is not a time zone this runtime knows (try Asia/Tokyo)" })
    .optional(),
  bands: z.array(ResponseBandSchema).min(1, "needs at least 1 band (use null for no response hours)"),
});

/** A current-profile state. */
export const CurrentStateSchema = z.strictObject({
  /** チャット: manual chat on; messages are then marked read manually. */
  chat: flag,
  /** Webhook: events are sent to the bot. */
  webhook: flag,
  /** 応答メッセージ: the Official Account Manager's keyword auto-responses. */
  autoResponse: flag,
  /** あいさつメッセージ: sent on friend-add and unblock. */
  greeting: flag,
  /** 応答時間; `null` or absent: no hours, the `inside` method applies all the time. */
  responseHours: ResponseHoursSchema.nullable().optional(),
  /** 応答方法 inside and outside the response hours; only meaningful while chat is on. Default both `manual+auto`. */
  responseMethod: z.strictObject({ inside: method, outside: method }).optional(),
});

/** A legacy-profile state. */
export const LegacyStateSchema = z.strictObject({
  mode: chatOrBot,
  webhook: flag,
  /** 自動応答 (auto-response messages). */
  autoResponse: flag,
  greeting: flag,
});

/** An operator action or an observation, as JSON (the emulator's control plane takes these). */
export const ModeEventSchema = z.discriminatedUnion(
  "type",
  [
    z.strictObject({ type: z.literal("SET_CHAT"), on: flag }),
    z.strictObject({ type: z.literal("SET_WEBHOOK"), on: flag }),
    z.strictObject({ type: z.literal("SET_AUTO_RESPONSE"), on: flag }),
    z.strictObject({ type: z.literal("SET_GREETING"), on: flag }),
    z.strictObject({ type: z.literal("SET_RESPONSE_HOURS"), hours: ResponseHoursSchema.nullable() }),
    z.strictObject({ type: z.literal("SET_RESPONSE_METHOD"), inside: method.optional(), outside: method.optional() }),
    z.strictObject({ type: z.literal("SWITCH_MODE"), mode: chatOrBot }),
    z.strictObject({ type: z.literal("OBSERVE"), chatMode: chatOrBot, webhookActive: flag }),
  ],
  {
    error:
      "type must be one of SET_CHAT, SET_WEBHOOK, SET_AUTO_RESPONSE, SET_GREETING, SET_RESPONSE_HOURS, SET_RESPONSE_METHOD, SWITCH_MODE, OBSERVE",
  },
);
