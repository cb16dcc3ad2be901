import { parseEnv } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readGodotenv } from "./dotenv-parser.js";
import { formatDotenvEntry } from "./format-dotenv-entry.js";

describe("formatDotenvEntry", () => {
  it.each([
    // godotenv's TestWrite: values are double-quoted, integers are not.
    ["value", 'KEY="value"'],
    ["va'lu'e", `KEY="va'lu'e"`],
    ["10", "KEY=10"],
    ["-3", "KEY=-3"],
    ["", 'KEY=""'],
    ["x=y#z", 'KEY="x=y#z"'],
    [" padded ", 'KEY=" padded "'],
    ["ünïcödé 😀", 'KEY="ünïcödé 😀"'],
    ["line 1\nline 2", 'KEY="line 1\\nline 2"'],
    ["crlf\r\nline", 'KEY="crlf\\r\\nline"'],
  ])("writes %j as godotenv's Marshal does: %s", (value, line) => {
    expect(formatDotenvEntry("KEY", value)).toBe(line);
  });

  it.each([
    // Marshal would write 7 and 5, which read back differently.
    ["007", 'KEY="007"'],
    ["+5", 'KEY="+5"'],
    // Marshal's \! \$ \` \" are read literally by godotenv v4 and Node, single quotes are not.
    ["hello!", "KEY='hello!'"],
    ["$HOME and ${PATH}", "KEY='$HOME and ${PATH}'"],
    ["`date`", "KEY='`date`'"],
    ['say "hi"', `KEY='say "hi"'`],
    ["C:\\temp\\", "KEY=C:\\temp\\"],
    ["a\\nb", "KEY='a\\nb'"],
  ])("writes %j in the form most readers agree on: %s", (value, line) => {
    expect(formatDotenvEntry("KEY", value)).toBe(line);
  });

  it("refuses the values godotenv v3 cannot read back in any form", () => {
    // Double quotes lose a final \" or \\, single quotes cannot hold ' and a bare value one line.
    expect(formatDotenvEntry("KEY", "two\nlines\\")).toBeUndefined();
    expect(formatDotenvEntry("KEY", `'quoted"`)).toBeUndefined();
  });

  it("writes every other value so that godotenv v3 reads it back", () => {
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 40 }), (value) => {
        const line = formatDotenvEntry("KEY", value);
        if (line === undefined) {
          expect(value.endsWith("\\") || value.endsWith('"')).toBe(true);
          return;
        }
        expect(readGodotenv(`${line}\n`, "v3").get("KEY")).toBe(value);
      }),
      { numRuns: 1000 },
    );
  });

  it("writes a one-line value without quotes or backslashes so that every reader agrees", () => {
    fc.assert(
      fc.property(
        fc.stringMatching(/^[A-Za-zé0-9 .,:;/@%^&*()_+=?<>{}[\]|~#!$`-]{0,30}$/),
        (value) => {
          const line = formatDotenvEntry("KEY", value) ?? "";
          expect(readGodotenv(`${line}\n`, "v3").get("KEY")).toBe(value);
          expect(readGodotenv(`${line}\n`, "v4").get("KEY")).toBe(value);
          expect(readGodotenv(`${line}\n`, "v2").get("KEY")).toBe(value);
          expect(parseEnv(`${line}\n`).KEY).toBe(value);
        },
      ),
      { numRuns: 1000 },
    );
  });

  it("writes a multi-line value so that the godotenv versions that read several lines agree", () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z0-9 #=!$`\n-]{0,30}$/), (value) => {
        const line = formatDotenvEntry("KEY", value) ?? "";
        expect(readGodotenv(`${line}\n`, "v3").get("KEY")).toBe(value);
        expect(readGodotenv(`${line}\n`, "v4").get("KEY")).toBe(value);
      }),
      { numRuns: 1000 },
    );
  });
});
