import type { Profile } from "../guards/state.js";
import { SOURCE_TYPES, type SourceType } from "../rules/schema.js";
import { parseInstant } from "../rules/time.js";
import { UsageError } from "./io.js";

/** Reads `--at`: an ISO 8601 time, in the rule set's zone when written without offset. */
export function parseAtOption(value: string | undefined, timeZone: string): number | undefined {
  if (value === undefined) return undefined;
  const at = parseInstant(value, timeZone);
  if (at === undefined) {
    throw new UsageError(`--at ${JSON.stringify(value)} is not an ISO 8601 time (try 2019-08-05T12:00:00+09:00)`);
  }
  return at;
}

/** Reads `--source`: user, group or room. */
export function parseSourceOption(value: string | undefined): SourceType | undefined {
  if (value === undefined) return undefined;
  if (!(SOURCE_TYPES as readonly string[]).includes(value)) {
    throw new UsageError(`--source must be one of ${SOURCE_TYPES.join(", ")}, not ${JSON.stringify(value)}`);
  }
  return value as SourceType;
}

/** Reads `--profile`: current or legacy; required unless a fallback is given. */
export function parseProfileOption(value: string | undefined, fallback?: Profile): Profile {
  if (value === undefined && fallback) return fallback;
  if (value !== "current" && value !== "legacy") {
    throw new UsageError(
      value === undefined
        ? "--profile is required (current or legacy)"
        : `--profile must be current or legacy, not ${JSON.stringify(value)}`,
    );
  }
  return value;
}
