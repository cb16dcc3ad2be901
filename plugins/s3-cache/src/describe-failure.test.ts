import { SpotkitError } from "@spotkit/runtime";
import { describe, expect, it } from "vitest";
import { describeFailure } from "./describe-failure.js";

describe("describeFailure", () => {
  it("uses a spotkit error's message, without its final period", () => {
    expect(describeFailure(new SpotkitError("E_X", "The stream ends early; recreate it."))).toBe(
      "The stream ends early; recreate it",
    );
  });

  it("adds the code of a system error, and prints anything else as text", () => {
    const error = Object.assign(new Error("connect refused"), { code: "ECONNREFUSED" });
    expect(describeFailure(error)).toBe("connect refused (ECONNREFUSED)");
    expect(describeFailure("plain")).toBe("plain");
  });
});
