import { describe, expect, it } from "vitest";
import { formatInstant, isValidTimeZone, parseInstant } from "../../src/rules/time.js";

describe("parseInstant", () => {
  it.each([
    ["2019-08-04T00:00:00+09:00", "UTC", "2019-08-03T15:00:00.000Z"],
    ["2019-08-04T00:00:00Z", "Asia/Tokyo", "2019-08-04T00:00:00.000Z"],
    ["2019-08-04T00:00:00", "Asia/Tokyo", "2019-08-03T15:00:00.000Z"],
    ["2019-08-04T00:00", "Asia/Tokyo", "2019-08-03T15:00:00.000Z"],
    ["2019-08-04", "Asia/Tokyo", "2019-08-03T15:00:00.000Z"],
    ["2019-08-04T10:00:00.5-05:30", "UTC", "2019-08-04T15:30:00.500Z"],
    ["2024-07-01T12:00:00", "America/New_York", "2024-07-01T16:00:00.000Z"],
    ["2024-01-01T12:00:00", "America/New_York", "2024-01-01T17:00:00.000Z"],
  ])("%s in %s", (text, zone, iso) => {
    expect(new Date(parseInstant(text, zone) as number).toISOString()).toBe(iso);
  });

  it.each(["2019-02-30", "2019-13-01", "2019-08-04T24:00", "2019-08-04T10:00+25:00", "yesterday", "2019/08/04", ""])(
    "refuses %j",
    (text) => {
      expect(parseInstant(text, "UTC")).toBeUndefined();
    },
  );
});

describe("time zones", () => {
  it("knows IANA zones and refuses made-up ones", () => {
    expect(isValidTimeZone("Asia/Tokyo")).toBe(true);
    expect(isValidTimeZone("Mars/Olympus")).toBe(false);
  });

  it("formats with the zone's offset", () => {
    expect(formatInstant(Date.parse("2019-08-10T15:00:00Z"), "Asia/Tokyo")).toBe("2019-08-11T00:00:00+09:00");
    expect(formatInstant(Date.parse("2019-08-10T15:00:00Z"), "UTC")).toBe("2019-08-10T15:00:00Z");
    expect(formatInstant(Date.parse("2024-01-01T17:00:00Z"), "America/New_York")).toBe("2024-01-01T12:00:00-05:00");
  });
});

describe("years 0000 to 0099", () => {
  // Date.UTC reads two-digit years as 19xx; a window typed with a wrong year must stay that year.
  it.each([
    ["0050-03-01T00:00:00Z", "UTC", "0050-03-01T00:00:00.000Z"],
    ["0099-12-31T23:59:59Z", "UTC", "0099-12-31T23:59:59.000Z"],
    ["0000-01-01T00:00Z", "UTC", "0000-01-01T00:00:00.000Z"],
    ["0004-02-29", "UTC", "0004-02-29T00:00:00.000Z"],
    ["0050-03-01T12:00", "Europe/London", "0050-03-01T12:01:15.000Z"],
  ])("%s in %s", (text, zone, iso) => {
    expect(new Date(parseInstant(text, zone) as number).toISOString()).toBe(iso);
  });

  it("refuses February 29 of a common year", () => {
    expect(parseInstant("0001-02-29", "UTC")).toBeUndefined();
  });

  it("formats them back with their year and the zone's offset of the time", () => {
    const at = parseInstant("0050-03-01T12:00", "Asia/Tokyo") as number;
    expect(formatInstant(at, "Asia/Tokyo")).toBe("0050-03-01T12:00:00+09:18:59");
    expect(formatInstant(parseInstant("0000-01-01T00:00Z", "UTC") as number, "UTC")).toBe("0000-01-01T00:00:00Z");
  });
});
