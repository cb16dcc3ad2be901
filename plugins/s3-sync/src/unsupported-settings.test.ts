import { describe, expect, it } from "vitest";
import { rejectUnsupportedSettings } from "./unsupported-settings.js";

describe("rejectUnsupportedSettings", () => {
  it("fails on cloudfront_distribution in Woodpecker's and Drone's spelling, saying what to do", () => {
    for (const variable of ["PLUGIN_CLOUDFRONT_DISTRIBUTION", "PLUGIN_CLOUDFRONT-DISTRIBUTION"]) {
      expect(() => rejectUnsupportedSettings({ [variable]: "E1ABCDEF" })).toThrow(
        `${variable} (cloudfront_distribution): CloudFront invalidation is not supported yet`,
      );
    }
  });

  it("accepts a step without it, or with it empty", () => {
    expect(() => rejectUnsupportedSettings({})).not.toThrow();
    expect(() => rejectUnsupportedSettings({ PLUGIN_CLOUDFRONT_DISTRIBUTION: "" })).not.toThrow();
  });
});
