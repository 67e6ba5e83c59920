/**
 * The `type` of an event or message this library does not know yet. At runtime it is the string
 * LINE sent. Its static type is kept apart from `string` on purpose: a union member whose `type`
 * is `string` would survive every `event.type === "message"` check and undo the narrowing of the
 * known members, so a bot could no longer read `event.message` after that check.
 */
import * as z from "zod/mini";

declare const other: unique symbol;

/** A `type` string this version does not know (`String(value)` to compare it with a string). */
// biome-ignore lint/complexity/noBannedTypes: String, not string: a primitive would be comparable to every literal and undo narrowing (see above).
export interface OtherType<Of extends string> extends String {
  /** Never present at runtime: it only keeps this type apart from the known type names. */
  readonly [other]: Of;
}

/** @internal Accepts a string that is not one of `known`; `where` names the field in the message. */
export function otherType<Of extends string>(known: readonly string[], where: string) {
  const knownSet = new Set(known);
  return z.custom<OtherType<Of>>((value) => typeof value === "string" && value !== "" && !knownSet.has(value), {
    error: (issue) =>
      typeof issue.input === "string" && issue.input !== ""
        ? `${where} "${issue.input}" is known, but its fields do not fit it`
        : `${where} must be a non-empty string`,
  });
}
