import { describe, expect, it } from "vitest";
import { z } from "zod";
import { parseCommandLine } from "./command-line.js";
import { readSettingKind } from "./setting-kind.js";
import { UsageError } from "./settings-error.js";

const kinds = new Map([
  ["channel", readSettingKind(z.string())],
  ["dry_run", readSettingKind(z.boolean())],
  ["tags", readSettingKind(z.array(z.string()))],
  ["retries", readSettingKind(z.int())],
]);

describe("parseCommandLine", () => {
  it("reads settings as flags in both spellings", () => {
    const { action, flags } = parseCommandLine(
      ["--channel", "#ci", "--dry-run", "--tags", "a,b", "--tags=c", "--retries", "007"],
      kinds,
    );
    expect(action).toBe("run");
    expect(Object.fromEntries(flags)).toEqual({
      channel: ["#ci"],
      dry_run: true,
      tags: ["a,b", "c"],
      // kept as text: the decoder, not minimist, types values
      retries: ["007"],
    });
    expect(parseCommandLine(["--dry_run=false"], kinds).flags.get("dry_run")).toBe(false);
    expect(parseCommandLine(["--no-dry-run"], kinds).flags.get("dry_run")).toBe(false);
  });

  it("leaves settings that were not given out", () => {
    expect(parseCommandLine([], kinds).flags.size).toBe(0);
  });

  it("recognises help, version and print-settings", () => {
    expect(parseCommandLine(["--help"], kinds).action).toBe("help");
    expect(parseCommandLine(["-h"], kinds).action).toBe("help");
    expect(parseCommandLine(["--version"], kinds).action).toBe("version");
    expect(parseCommandLine(["--print-settings"], kinds).action).toBe("print-settings");
  });

  it("refuses unknown flags and stray arguments", () => {
    expect(() => parseCommandLine(["--chanel", "x"], kinds)).toThrow(UsageError);
    expect(() => parseCommandLine(["--chanel", "x"], kinds)).toThrow(/unknown option --chanel/);
    expect(() => parseCommandLine(["deploy"], kinds)).toThrow(/unexpected argument "deploy"/);
  });
});
