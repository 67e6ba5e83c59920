/**
 * English messages for the zod issues our schemas leave unworded. `zod/mini` loads no locale (its
 * messages are all "Invalid input"), and `z.config(z.locales.en())` would change the messages of
 * every other `zod/mini` schema in the user's process; passing this to `safeParse` changes ours only.
 */
import type * as z from "zod/mini";

/** A zod error map: the message for an issue whose schema gave none. */
export function issueMessage(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return `Invalid input: expected ${issue.expected}, received ${typeName(issue.input)}`;
    case "invalid_value":
      return issue.values.length === 1
        ? `Invalid input: expected ${shown(issue.values[0])}`
        : `Invalid option: expected one of ${issue.values.map(shown).join("|")}`;
    case "too_small":
      return `Too small: expected ${bound(issue.origin, issue.inclusive ? ">=" : ">", issue.minimum)}`;
    case "too_big":
      return `Too big: expected ${bound(issue.origin, issue.inclusive ? "<=" : "<", issue.maximum)}`;
    case "unrecognized_keys":
      return `Unrecognized key${issue.keys.length > 1 ? "s" : ""}: ${issue.keys.map(shown).join(", ")}`;
    default:
      return "Invalid input";
  }
}

function bound(origin: string, comparison: string, limit: number | bigint): string {
  if (origin === "string") return `string to have ${comparison}${limit} characters`;
  if (origin === "array" || origin === "set") return `${origin} to have ${comparison}${limit} items`;
  return `${origin} to be ${comparison}${limit}`;
}

function typeName(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number" && Number.isNaN(value)) return "NaN";
  return typeof value;
}

function shown(value: unknown): string {
  return typeof value === "string" ? JSON.stringify(value) : String(value);
}
