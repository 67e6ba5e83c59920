import { describe, expect, it } from "vitest";
import { bandEdges, isInsideHours } from "../../src/guards/response-hours.js";
import type { ResponseHours } from "../../src/modes.js";

const jst = (iso: string) => Date.parse(`${iso}+09:00`);
const office: ResponseHours = { bands: [{ days: ["mon", "tue", "wed", "thu", "fri"], from: "09:00", until: "18:00" }] };

describe("response hours", () => {
  it("bands are in the account's zone (Asia/Tokyo by default), from inclusive, until exclusive", () => {
    expect(isInsideHours(office, jst("2024-06-03T09:00:00"))).toBe(true);
    expect(isInsideHours(office, jst("2024-06-03T08:59:59"))).toBe(false);
    expect(isInsideHours(office, jst("2024-06-03T17:59:59"))).toBe(true);
    expect(isInsideHours(office, jst("2024-06-03T18:00:00"))).toBe(false);
    expect(isInsideHours(office, jst("2024-06-08T12:00:00"))).toBe(false); // Saturday
  });

  it("another zone", () => {
    const ny: ResponseHours = { ...office, timezone: "America/New_York" };
    expect(isInsideHours(ny, Date.parse("2024-06-03T13:00:00Z"))).toBe(true); // 09:00 EDT
    expect(isInsideHours(ny, Date.parse("2024-06-03T12:59:59Z"))).toBe(false);
  });

  it("band edges inside a window, one week at most", () => {
    const from = jst("2024-06-03T12:00:00"); // Monday noon
    expect(bandEdges(office, from, jst("2024-06-04T12:00:00")).map((t) => new Date(t).toISOString())).toEqual([
      "2024-06-03T09:00:00.000Z", // Monday 18:00 JST
      "2024-06-04T00:00:00.000Z", // Tuesday 09:00 JST
    ]);
    expect(bandEdges(office, from, jst("2024-12-31T00:00:00"))).toHaveLength(10);
  });

  it("overlapping bands merge; a band to 24:00 meets the next day's from 00:00", () => {
    const nights: ResponseHours = {
      bands: [
        { days: ["mon"], from: "20:00", until: "24:00" },
        { days: ["tue"], from: "00:00", until: "06:00" },
        { days: ["mon"], from: "21:00", until: "22:00" },
      ],
    };
    expect(isInsideHours(nights, jst("2024-06-03T23:59:00"))).toBe(true);
    expect(isInsideHours(nights, jst("2024-06-04T05:00:00"))).toBe(true);
    expect(
      bandEdges(nights, jst("2024-06-03T12:00:00"), jst("2024-06-05T00:00:00")).map((t) => new Date(t).toISOString()),
    ).toEqual([
      "2024-06-03T11:00:00.000Z", // Monday 20:00 JST
      "2024-06-03T21:00:00.000Z", // Tuesday 06:00 JST
    ]);
  });
});
