import { describe, expect, it } from "vitest";
import { formatGoDuration } from "./go-duration.js";

describe("formatGoDuration", () => {
  // Expected values are what Go prints for time.Duration(n) * time.Second.
  it.each([
    [0, "0s"],
    [1, "1s"],
    [59, "59s"],
    [60, "1m0s"],
    [90, "1m30s"],
    [3599, "59m59s"],
    [3600, "1h0m0s"],
    [3661, "1h1m1s"],
    [90061, "25h1m1s"],
    [-90, "-1m30s"],
    [-5, "-5s"],
  ])("formats %i seconds as %s", (seconds, expected) => {
    expect(formatGoDuration(seconds)).toBe(expected);
  });

  it("drops fractions of a second toward zero", () => {
    expect(formatGoDuration(90.9)).toBe("1m30s");
    expect(formatGoDuration(-0.5)).toBe("0s");
  });
});
