import { describe, expect, it } from "vitest";
import { formatGoTime, isKnownTimeZone } from "./go-time-format.js";

// 2019-01-01 11:00:00 UTC, the timestamp drone-slack's own tests use.
const newYear = 1546340400;
// 2006-01-02 22:04:05 UTC = Go's reference time 15:04:05 in MST (-0700).
const reference = 1136239445;

describe("formatGoTime", () => {
  it("formats Go's reference layout back into the reference time", () => {
    expect(formatGoTime(reference, "Mon Jan 2 15:04:05 -0700 2006", "America/Phoenix")).toBe(
      "Mon Jan 2 15:04:05 -0700 2006",
    );
  });

  // Expected values are what Go's time.Unix(ts, 0).In(loc).Format(layout) prints.
  it.each([
    ["2006-01-02 15:04:05", "UTC", "2019-01-01 11:00:00"],
    ["2006-01-02T15:04:05Z07:00", "UTC", "2019-01-01T11:00:00Z"],
    ["2006-01-02T15:04:05Z07:00", "Europe/Berlin", "2019-01-01T12:00:00+01:00"],
    ["2006-01-02T15:04:05-0700", "UTC", "2019-01-01T11:00:00+0000"],
    ["-07 -07:00:00 -070000 Z070000", "Asia/Kolkata", "+05 +05:30:00 +053000 +053000"],
    ["Z07", "America/New_York", "-05"],
    ["Monday, 02-Jan-06 15:04:05 MST", "America/New_York", "Tuesday, 01-Jan-19 06:00:00 EST"],
    ["Mon Jan _2 3:04PM", "America/New_York", "Tue Jan  1 6:00AM"],
    ["January 2, 2006 03:04 pm", "UTC", "January 1, 2019 11:00 am"],
    ["1/2/06", "UTC", "1/1/19"],
    ["002 __2", "UTC", "001   1"],
    ["15:04:05.000", "UTC", "11:00:00.000"],
    ["15:04:05,00", "UTC", "11:00:00,00"],
    ["15:04:05.999", "UTC", "11:00:00"],
    ["MST", "UTC", "UTC"],
    ["MST", "Europe/Berlin", "CET"],
    ["Month Monthly", "UTC", "Month Monthly"],
    ["_2006", "UTC", "_2019"],
    ["literal text", "UTC", "literal text"],
  ])("formats %j in %s as %j", (layout, zone, expected) => {
    expect(formatGoTime(newYear, layout, zone)).toBe(expected);
  });

  it("prints 12 for noon and midnight on the 12-hour clock", () => {
    expect(formatGoTime(Date.UTC(2020, 5, 1, 12, 0, 0) / 1000, "3PM 03", "UTC")).toBe("12PM 12");
    expect(formatGoTime(Date.UTC(2020, 5, 1, 0, 0, 0) / 1000, "3PM", "UTC")).toBe("12AM");
  });

  it("follows daylight saving time", () => {
    const summer = Date.UTC(2019, 6, 1, 12, 0, 0) / 1000;
    expect(formatGoTime(summer, "15:04 -07:00 MST", "Europe/Berlin")).toBe("14:00 +02:00 CEST");
    expect(formatGoTime(summer, "15:04 MST", "America/Los_Angeles")).toBe("05:00 PDT");
  });

  it("prints a numeric abbreviation where Intl knows no name", () => {
    expect(formatGoTime(newYear, "MST", "Asia/Dubai")).toMatch(/^(\+04|GST)$/);
  });
});

describe("isKnownTimeZone", () => {
  it("accepts IANA names and rejects others", () => {
    expect(isKnownTimeZone("Europe/Berlin")).toBe(true);
    expect(isKnownTimeZone("UTC")).toBe(true);
    expect(isKnownTimeZone("Mars/Olympus_Mons")).toBe(false);
  });
});
