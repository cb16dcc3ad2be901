import { describe, expect, it } from "vitest";
import { sanitizeCacheKey } from "./sanitize-cache-key.js";

describe("sanitizeCacheKey", () => {
  it.each([
    ["main", "main"],
    ["/owner//name/./main/", "owner/name/main"],
    ["  feature/x \n", "feature/x"],
  ])("cleans %j", (key, expected) => {
    expect(sanitizeCacheKey(key)).toEqual({ ok: true, key: expected });
  });

  it("keeps a trailing / of a prefix", () => {
    expect(sanitizeCacheKey("/npm//", { prefix: true })).toEqual({ ok: true, key: "npm/" });
    expect(sanitizeCacheKey("npm-", { prefix: true })).toEqual({ ok: true, key: "npm-" });
  });

  it.each([
    ["", /empty/],
    ["//", /empty/],
    ["a/../b", /"\.\." segment/],
    ["a\u0000b", /control character/],
    ["a\nb", /control character/],
  ])("refuses %j", (key, problem) => {
    const sanitized = sanitizeCacheKey(key);
    expect(sanitized.ok).toBe(false);
    if (!sanitized.ok) expect(sanitized.problem).toMatch(problem);
  });
});
