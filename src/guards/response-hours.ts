/**
 * Response hours (応答時間) as weekly bands in the account's time zone: whether a moment is inside
 * them, and where they begin and end in a campaign window (the only moments at which a campaign's
 * answerability can change).
 */
import { wallClock } from "../rules/time.js";
import type { ResponseHours } from "./state.js";
import { WEEKDAYS } from "./state.js";

const MINUTES_PER_DAY = 1440;
const MINUTES_PER_WEEK = 7 * MINUTES_PER_DAY;
const DEFAULT_TIMEZONE = "Asia/Tokyo";

/** Minutes since Sunday 00:00 local time (with fractions), at `epoch`. */
function minuteOfWeek(epoch: number, timeZone: string): number {
  const { weekday, hour, minute, second } = wallClock(epoch, timeZone);
  const seconds = second + (((epoch % 1000) + 1000) % 1000) / 1000;
  return weekday * MINUTES_PER_DAY + hour * 60 + minute + seconds / 60;
}

const toMinutes = (clock: string) => Number(clock.slice(0, 2)) * 60 + Number(clock.slice(3, 5));

/** The bands as sorted, merged minute-of-week intervals. */
function intervals(hours: ResponseHours): [number, number][] {
  const raw: [number, number][] = [];
  for (const band of hours.bands) {
    for (const day of band.days) {
      const base = WEEKDAYS.indexOf(day) * MINUTES_PER_DAY;
      raw.push([base + toMinutes(band.from), base + toMinutes(band.until)]);
    }
  }
  raw.sort((a, b) => a[0] - b[0]);
  const merged: [number, number][] = [];
  for (const [start, end] of raw) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/** Whether `at` (epoch ms) falls inside the response hours. */
export function isInsideHours(hours: ResponseHours, at: number): boolean {
  const minute = minuteOfWeek(at, hours.timezone ?? DEFAULT_TIMEZONE);
  return intervals(hours).some(([start, end]) => minute >= start && minute < end);
}

/**
 * The moments in [from, until) where the response hours begin or end, within one week of `from`
 * (the bands repeat weekly, so later edges add nothing new). Whether a moment is inside the hours
 * is constant between two edges. Edges are placed at `from`'s UTC offset: a daylight-saving change
 * in that week shifts them by its size.
 */
export function bandEdges(hours: ResponseHours, from: number, until: number): number[] {
  const minute = minuteOfWeek(from, hours.timezone ?? DEFAULT_TIMEZONE);
  const edges: number[] = [];
  for (const [start, end] of intervals(hours)) {
    for (const edge of [start, end]) {
      const ahead = (((edge - minute) % MINUTES_PER_WEEK) + MINUTES_PER_WEEK) % MINUTES_PER_WEEK;
      const t = from + Math.round(ahead * 60_000);
      if (t > from && t < until) edges.push(t);
    }
  }
  return edges.sort((a, b) => a - b);
}
