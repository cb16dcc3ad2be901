import { describe, expect, it } from "vitest";
import { encodeSettings, type SettingsEncoding } from "./encode-settings.js";

describe("encodeSettings", () => {
  const settings = { "dry-run": true, tags: ["a", "b"], password: { from_secret: "pw" } };

  it("encodes with Drone's rules", () => {
    expect(encodeSettings(settings, "drone", { secrets: { pw: "x" } })).toEqual({
      "PLUGIN_DRY-RUN": "true",
      PLUGIN_TAGS: "a,b",
      PLUGIN_PASSWORD: "x",
    });
  });

  it("encodes with Woodpecker's rules", () => {
    expect(encodeSettings(settings, "woodpecker", { secrets: { pw: "x" } })).toEqual({
      PLUGIN_DRY_RUN: "true",
      PLUGIN_TAGS: "a,b",
      PLUGIN_PASSWORD: "x",
    });
  });

  it("rejects an unknown encoding", () => {
    expect(() => encodeSettings({}, "gitlab" as SettingsEncoding)).toThrow(
      /Unknown settings encoding "gitlab"/,
    );
  });
});
