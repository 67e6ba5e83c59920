/**
 * `modes simulate` steps: `SWITCH_MODE:chat`, `SET_WEBHOOK:off`, `SET_RESPONSE_METHOD:inside=manual`,
 * `OBSERVE:chatMode=chat,webhookActive=false`, `SET_RESPONSE_HOURS:none` or `SET_RESPONSE_HOURS:{json}`.
 */
import type { ModeEvent } from "../guards/events.js";
import type { ResponseHours } from "../guards/state.js";
import { ResponseHoursSchema } from "../guards/state-schema.js";
import { closest } from "../validation/closest.js";
import { UsageError } from "./io.js";

const TOGGLES = ["SET_CHAT", "SET_WEBHOOK", "SET_AUTO_RESPONSE", "SET_GREETING"] as const;
const STEP_TYPES = [...TOGGLES, "SWITCH_MODE", "SET_RESPONSE_HOURS", "SET_RESPONSE_METHOD", "OBSERVE"];

/** Reads one step; a wrong one is a {@link UsageError} naming the step and what to write. */
export function parseStep(step: string): ModeEvent {
  const colon = step.indexOf(":");
  const type = colon === -1 ? step : step.slice(0, colon);
  const value = colon === -1 ? "" : step.slice(colon + 1);
  const fail = (why: string): never => {
    throw new UsageError(`step "${step}": ${why}`);
  };
  if ((TOGGLES as readonly string[]).includes(type)) {
    if (value !== "on" && value !== "off") fail(`write ${type}:on or ${type}:off`);
    return { type: type as (typeof TOGGLES)[number], on: value === "on" };
  }
  switch (type) {
    case "SWITCH_MODE":
      if (value !== "bot" && value !== "chat") fail("write SWITCH_MODE:bot or SWITCH_MODE:chat");
      return { type, mode: value as "bot" | "chat" };
    case "SET_RESPONSE_HOURS":
      return { type, hours: value === "none" ? null : parseHours(value, fail) };
    case "SET_RESPONSE_METHOD": {
      const pairs = keyValues(value, fail);
      const event: ModeEvent = { type };
      for (const [key, method] of pairs) {
        if (key !== "inside" && key !== "outside") fail(`unknown band "${key}" (inside or outside)`);
        if (method !== "manual" && method !== "manual+auto")
          fail(`method must be manual or manual+auto, not "${method}"`);
        event[key as "inside" | "outside"] = method as "manual" | "manual+auto";
      }
      if (pairs.length === 0) fail("write SET_RESPONSE_METHOD:inside=manual (or outside=..., or both)");
      return event;
    }
    case "OBSERVE": {
      const pairs = new Map(keyValues(value, fail));
      const chatMode = pairs.get("chatMode");
      const webhookActive = pairs.get("webhookActive");
      for (const key of pairs.keys()) if (key !== "chatMode" && key !== "webhookActive") fail(`unknown field "${key}"`);
      if (chatMode !== "chat" && chatMode !== "bot") fail("chatMode must be chat or bot");
      if (webhookActive !== "true" && webhookActive !== "false") fail("webhookActive must be true or false");
      return { type, chatMode: chatMode as "chat" | "bot", webhookActive: webhookActive === "true" };
    }
  }
  const hint = closest(type, STEP_TYPES);
  return fail(`unknown event ${type}${hint ? ` (did you mean ${hint}?)` : ` (events: ${STEP_TYPES.join(", ")})`}`);
}

function keyValues(value: string, fail: (why: string) => never): [string, string][] {
  if (value === "") return [];
  return value.split(",").map((pair) => {
    const eq = pair.indexOf("=");
    if (eq === -1) fail(`"${pair}" is not key=value`);
    return [pair.slice(0, eq), pair.slice(eq + 1)];
  });
}

function parseHours(value: string, fail: (why: string) => never): ResponseHours {
  let data: unknown;
  try {
    data = JSON.parse(value);
  } catch {
    fail('response hours must be none or JSON: {"bands":[{"days":["mon"],"from":"09:00","until":"18:00"}]}');
  }
  const result = ResponseHoursSchema.safeParse(data);
  if (!result.success)
    fail(`invalid response hours: ${result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  return result.data as ResponseHours;
}
