/**
 * zod schemas for response states written as JSON (CLI `--from`, `--declared`, API input), so a
 * wrong state gets one message per problem with its path, like a wrong rule file.
 */
import { z } from "zod";
import { isValidTimeZone } from "../rules/time.js";
import { type DescribedIssue, describeIssues } from "../validation/describe-issues.js";
import { allOutputsOff, type CurrentState, type LegacyState, type Profile, type StateOf, WEEKDAYS } from "./state.js";

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
    from: clock,
    until: clock,
  })
  .refine((band) => band.from < band.until, { error: "from must be before until", path: ["until"] });

/** Response hours. */
export const ResponseHoursSchema = z.strictObject({
  timezone: z
    .string()
    .refine(isValidTimeZone, { error: "is not a time zone this runtime knows (try Asia/Tokyo)" })
    .optional(),
  bands: z.array(ResponseBandSchema).min(1, "needs at least 1 band (use null for no response hours)"),
});

/** A current-profile state. */
export const CurrentStateSchema = z.strictObject({
  chat: flag,
  webhook: flag,
  autoResponse: flag,
  greeting: flag,
  responseHours: ResponseHoursSchema.nullable().optional(),
  responseMethod: z.strictObject({ inside: method, outside: method }).optional(),
});

/** A legacy-profile state. */
export const LegacyStateSchema = z.strictObject({
  mode: chatOrBot,
  webhook: flag,
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

/** A state that is not valid JSON for its profile; `issues` says where. */
export class StateError extends Error {
  override readonly name = "StateError";
  constructor(
    message: string,
    readonly issues: readonly DescribedIssue[] = [],
  ) {
    super(message);
  }
}

/**
 * Reads a state of `profile` from JSON text or an object.
 * @throws {@link StateError} naming each wrong or unknown field.
 */
export function parseState<P extends Profile>(profile: P, input: unknown): StateOf<P>;
export function parseState(profile: Profile, input: unknown): CurrentState | LegacyState {
  let data = input;
  if (typeof input === "string") {
    try {
      data = JSON.parse(input);
    } catch (error) {
      throw new StateError(`state is not valid JSON: ${(error as Error).message}`);
    }
  }
  const schema = profile === "current" ? CurrentStateSchema : LegacyStateSchema;
  const result = schema.safeParse(data);
  if (result.success) {
    const state = result.data as CurrentState | LegacyState;
    const impossible = impossibility(state);
    if (impossible)
      throw new StateError(`invalid ${profile} state: ${impossible}`, [
        { code: "invalid-value", path: "", message: impossible },
      ]);
    return state;
  }
  const issues = describeIssues(result.error.issues, data, (path) =>
    path.length === 0 ? Object.keys(schema.shape) : [],
  );
  const text = issues.map((i) => `${i.path || "(state)"}: ${i.message}`).join("; ");
  throw new StateError(`invalid ${profile} state: ${text}`, issues);
}

/** Why LINE could never be in `state`, or undefined. */
function impossibility(state: CurrentState | LegacyState): string | undefined {
  if (allOutputsOff(state)) {
    return "webhook, autoResponse and greeting are all off, which LINE does not allow";
  }
  if ("mode" in state && state.mode === "chat" && (state.webhook || state.autoResponse)) {
    return "Chat mode has Webhook and 自動応答 off; set webhook and autoResponse to false";
  }
  return undefined;
}
