import { describe, expect, it } from "vitest";
import { parseByteSize } from "./parse-byte-size.js";

describe("parseByteSize", () => {
  it.each([
    [8388608, 8388608],
    ["8388608", 8388608],
    ["8MiB", 8 * 1024 * 1024],
    ["8 mib", 8 * 1024 * 1024],
    ["16MB", 16_000_000],
    ["512KiB", 512 * 1024],
    ["1.5GiB", 1.5 * 1024 ** 3],
    ["100b", 100],
    [" 4 KB ", 4000],
  ])("%j → %d bytes", (input, bytes) => {
    expect(parseByteSize(input)).toBe(bytes);
  });

  it.each([[0], [-1], [1.5], ["0"], ["8 parsecs"], ["MiB"], [""], ["-3MB"], ["1e3"]])(
    "refuses %j",
    (input) => {
      expect(parseByteSize(input)).toBeUndefined();
    },
  );
});
