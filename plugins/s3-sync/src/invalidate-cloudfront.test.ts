import { describe, expect, it } from "vitest";
import { invalidationPath } from "./invalidate-cloudfront.js";

describe("invalidationPath", () => {
  it("invalidates everything under the target, as plugins/s3-sync does", () => {
    expect(invalidationPath("")).toBe("/*");
    expect(invalidationPath("/")).toBe("/*");
    expect(invalidationPath("site")).toBe("/site/*");
    expect(invalidationPath("/site/v2/")).toBe("/site/v2/*");
    expect(invalidationPath("a//b")).toBe("/a/b/*");
  });

  it("percent-encodes non-ASCII and unsafe characters in each segment", () => {
    expect(invalidationPath("docs/é t")).toBe("/docs/%C3%A9%20t/*");
    expect(invalidationPath("a?b#c")).toBe("/a%3Fb%23c/*");
  });
});
