/**
 * The finite set of operator actions used to explore and draw a profile: every toggle both ways,
 * both modes, response hours set and cleared, every response-method pair.
 */
import type { CurrentEvent, LegacyEvent } from "./events.js";
import type { ResponseHours, ResponseMethod } from "./state.js";

/** Weekday office hours in Tokyo: the response hours used when none are given. */
export const SAMPLE_RESPONSE_HOURS: ResponseHours = Object.freeze({
  timezone: "Asia/Tokyo",
  bands: [{ days: ["mon", "tue", "wed", "thu", "fri"], from: "09:00", until: "18:00" }],
}) as ResponseHours;

const METHODS: ResponseMethod[] = ["manual", "manual+auto"];

const toggles = (type: "SET_WEBHOOK" | "SET_AUTO_RESPONSE" | "SET_GREETING") =>
  [true, false].map((on) => ({ type, on }) as const);
const common = () => [...toggles("SET_WEBHOOK"), ...toggles("SET_AUTO_RESPONSE"), ...toggles("SET_GREETING")];

/** Every operator action of the current profile (observations excluded). */
export function currentOperatorEvents(options: { hours?: ResponseHours } = {}): CurrentEvent[] {
  return [
    { type: "SET_CHAT", on: true },
    { type: "SET_CHAT", on: false },
    ...common(),
    { type: "SET_RESPONSE_HOURS", hours: options.hours ?? SAMPLE_RESPONSE_HOURS },
    { type: "SET_RESPONSE_HOURS", hours: null },
    ...METHODS.flatMap((inside) =>
      METHODS.map((outside) => ({ type: "SET_RESPONSE_METHOD" as const, inside, outside })),
    ),
  ];
}

/** Every operator action of the legacy profile (observations excluded). */
export function legacyOperatorEvents(): LegacyEvent[] {
  return [{ type: "SWITCH_MODE", mode: "chat" }, { type: "SWITCH_MODE", mode: "bot" }, ...common()];
}
