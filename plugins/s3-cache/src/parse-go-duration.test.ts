import { describe, expect, it } from "vitest";
import { parseGoDuration } from "./parse-go-duration.js";

describe("parseGoDuration", () => {
  it.each([
    ["10m", 600_000],
    ["1h30m", 5_400_000],
    ["1.5h", 5_400_000],
    ["90s", 90_000],
    ["500ms", 500],
    ["2m500ms", 120_500],
    ["600", 600_000],
    [45, 45_000],
  ])("reads %j", (text, milliseconds) => {
    expect(parseGoDuration(text)).toBe(milliseconds);
  });

  it.each(["", "ten minutes", "10 m", "-5m", "5d", "m", -1])("refuses %j", (text) => {
    expect(parseGoDuration(text)).toBeUndefined();
  });
});
