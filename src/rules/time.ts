/**
 * Campaign windows are written as ISO 8601 times; a time without an offset is read in the rule
 * set's time zone, so "2019-08-04T00:00" means midnight in Tokyo for a Tokyo campaign.
 */

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?)?(Z|[+-]\d{2}:\d{2})?$/;

/** An `at` option as epoch milliseconds: now when it is left out. */
export function toEpoch(at: Date | number | undefined): number {
  return at === undefined ? Date.now() : typeof at === "number" ? at : at.getTime();
}

/** Whether `timeZone` is an IANA zone this runtime knows (`Asia/Tokyo`, `UTC`). */
export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads an ISO 8601 date or date-time as epoch milliseconds, or `undefined` when it is not one
 * (wrong shape, or a date that does not exist such as February 30).
 */
export function parseInstant(text: string, timeZone: string): number | undefined {
  const m = ISO_TIME.exec(text);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) =>
    m[i] === undefined ? 0 : Number(m[i]),
  ) as [number, number, number, number, number, number];
  const fraction = m[7] === undefined ? 0 : Number(m[7].padEnd(3, "0"));
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const wall = utc(year, month - 1, day, hour, minute, second, fraction);
  if (new Date(wall).getUTCDate() !== day) return undefined;
  const offset = m[8];
  if (offset === "Z") return wall;
  if (offset !== undefined) {
    const sign = offset[0] === "-" ? -1 : 1;
    const hours = Number(offset.slice(1, 3));
    const minutes = Number(offset.slice(4, 6));
    if (hours > 23 || minutes > 59) return undefined;
    return wall - sign * (hours * 60 + minutes) * 60_000;
  }
  return zonedToEpoch(wall, timeZone);
}

/** Date.UTC without its two-digit-year rule, which reads years 0 to 99 as 1900 to 1999. */
function utc(year: number, month0: number, day: number, hour: number, minute: number, second: number, ms = 0): number {
  const date = new Date(Date.UTC(2000, month0, day, hour, minute, second, ms));
  date.setUTCFullYear(year);
  return date.getTime();
}

const formatters = new Map<string, Intl.DateTimeFormat>();

// Building a DateTimeFormat costs far more than using one; rule sets use one or two zones.
function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      weekday: "short",
      era: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/** The wall clock in `timeZone` at `epoch` (whole seconds; `weekday` 0 is Sunday). */
export function wallClock(
  epoch: number,
  timeZone: string,
): { year: number; month: number; day: number; hour: number; minute: number; second: number; weekday: number } {
  const parts = formatterFor(timeZone).formatToParts(epoch);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return {
    // Intl counts years before 1 AD as 1 BC, 2 BC...; astronomical years (0, -1...) are what Date uses.
    year: get("era") === "BC" ? 1 - Number(get("year")) : Number(get("year")),
    month: Number(get("month")),
    day: Number(get("day")),
    hour: Number(get("hour")),
    minute: Number(get("minute")),
    second: Number(get("second")),
    weekday: ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"].indexOf(get("weekday")),
  };
}

/** Offset of `timeZone` from UTC at `epoch`, in milliseconds (Tokyo: +9 h). */
function offsetAt(epoch: number, timeZone: string): number {
  const { year, month, day, hour, minute, second } = wallClock(epoch, timeZone);
  const asUtc = utc(year, month - 1, day, hour, minute, second);
  return asUtc - (epoch - (((epoch % 1000) + 1000) % 1000));
}

// A wall-clock time read as UTC, shifted by the zone's offset; the second pass settles times
// next to a daylight-saving change. Times that a DST gap skips resolve to the later offset.
function zonedToEpoch(wall: number, timeZone: string): number {
  const first = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(first, timeZone);
  return second;
}

/** Formats epoch milliseconds as ISO 8601 in `timeZone` with its offset: `2019-08-11T00:00:00+09:00`. */
export function formatInstant(epoch: number, timeZone: string): string {
  const offset = offsetAt(epoch, timeZone);
  const local = new Date(epoch + offset).toISOString().slice(0, 19);
  if (offset === 0) return `${local}Z`;
  const sign = offset < 0 ? "-" : "+";
  // Zones before standard time kept local mean time, whose offsets have seconds (Tokyo: +09:18:59).
  const abs = Math.round(Math.abs(offset) / 1000);
  const hh = String(Math.floor(abs / 3600)).padStart(2, "0");
  const mm = String(Math.floor(abs / 60) % 60).padStart(2, "0");
  const ss = abs % 60 === 0 ? "" : `:${String(abs % 60).padStart(2, "0")}`;
  return `${local}${sign}${hh}:${mm}${ss}`;
}
