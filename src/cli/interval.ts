import { UsageError } from "./io.js";

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000 } as const;

/** Reads `--interval`: `30s`, `5m`, `1h` (at least one second), in milliseconds. */
export function parseInterval(value: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)$/.exec(value);
  const ms = match ? Number(match[1]) * UNIT_MS[match[2] as keyof typeof UNIT_MS] : Number.NaN;
  if (!(ms >= 1000)) {
    throw new UsageError(
      `--interval must be a duration like 30s, 5m or 1h (at least 1s), not ${JSON.stringify(value)}`,
    );
  }
  return ms;
}
