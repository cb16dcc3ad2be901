import { describe, expect, it } from "vitest";
import { parseGodotenv, readGodotenv } from "./dotenv-parser.js";
import { SpotkitError } from "./spotkit-error.js";

// The cases below are harness/godotenv's own tests (godotenv_test.go and fixtures/ at v3.0.1, the
// v4.0.2 changes, and joho/godotenv 1.4 for the line-based v2), so the port reads what Go reads.

const read = (text: string, version: "v2" | "v3" | "v4" = "v3") =>
  Object.fromEntries(readGodotenv(text, version));

describe("parseGodotenv v3 (drone-plugin-lib)", () => {
  it.each([
    ["FOO=bar", "FOO", "bar"],
    ["FOO =bar", "FOO", "bar"],
    ["FOO= bar", "FOO", "bar"],
    ['FOO="bar"', "FOO", "bar"],
    ["FOO='bar'", "FOO", "bar"],
    ['FOO="escaped\\"bar"', "FOO", 'escaped"bar'],
    [`FOO="'d'"`, "FOO", "'d'"],
    ["OPTION_A: 1", "OPTION_A", "1"],
    ["OPTION_A: Foo=bar", "OPTION_A", "Foo=bar"],
    ["OPTION_A=1:B", "OPTION_A", "1:B"],
    ["export OPTION_A=2", "OPTION_A", "2"],
    ["export OPTION_B='\\n'", "OPTION_B", "\\n"],
    ["export exportFoo=2", "exportFoo", "2"],
    ["exportFOO=2", "exportFOO", "2"],
    ["export_FOO =2", "export_FOO", "2"],
    ["export.FOO= 2", "export.FOO", "2"],
    ["export\tOPTION_A=2", "OPTION_A", "2"],
    ["  export OPTION_A=2", "OPTION_A", "2"],
    ["\texport OPTION_A=2", "OPTION_A", "2"],
    ['FOO="bar\\nbaz"', "FOO", "bar\nbaz"],
    ["FOO.BAR=foobar", "FOO.BAR", "foobar"],
    ["FOO=foobar=", "FOO", "foobar="],
    ["FOO=bar ", "FOO", "bar"],
    ["KEY=value value", "KEY", "value value"],
    ["FOO=bar # this is foo", "FOO", "bar"],
    ['FOO="bar#baz" # comment', "FOO", "bar#baz"],
    ["FOO='bar#baz' # comment", "FOO", "bar#baz"],
    ['FOO="bar#baz#bang" # comment', "FOO", "bar#baz#bang"],
    ['FOO="ba#r"', "FOO", "ba#r"],
    ["FOO='ba#r'", "FOO", "ba#r"],
    ['FOO="bar\\n\\ b\\az"', "FOO", "bar\n baz"],
    ['FOO="bar\\\\\\n\\ b\\az"', "FOO", "bar\\\n baz"],
    ['FOO="bar\\\\r\\ b\\az"', "FOO", "bar\\r baz"],
    ['="value"', "", "value"],
    [" KEY =value", "KEY", "value"],
    ["   KEY=value", "KEY", "value"],
    ["\tKEY=value", "KEY", "value"],
    // TestTrailingNewlines and TestWhitespace
    ["KEY=value value\n", "KEY", "value value"],
    ["KEY: value value", "KEY", "value value"],
    [" \t \t\n\t \t A=a\n", "A", "a"],
    [" \t\t export    A=a\n", "A", "a"],
    ["A=a \t \t\n", "A", "a"],
    ["export A=a\t \t \n", "A", "a"],
    ["A=a ", "A", "a"],
    // joho/godotenv 1.5.1 allows hyphens in names; harness/godotenv CI-10905 too.
    ["OPTION-C=123#12", "OPTION-C", "123#12"],
  ])("reads %j as %s=%j", (text, key, value) => {
    expect(readGodotenv(text).get(key)).toBe(value);
  });

  it("reads fixtures/quoted.env", () => {
    const text = [
      "OPTION_A='1'",
      "OPTION_B='2'",
      "OPTION_C=''",
      "OPTION_D='\\n'",
      'OPTION_E="1"',
      'OPTION_F="2"',
      'OPTION_G=""',
      'OPTION_H="\\n"',
      "OPTION_I = \"echo 'asd'\"",
      "OPTION_J='line 1",
      "line 2'",
      "OPTION_K='line one",
      "this is \\'quoted\\'",
      "one more line'",
      'OPTION_L="line 1',
      'line 2"',
      'OPTION_M="line one',
      'this is \\"quoted\\"',
      'one more line"',
      "",
    ].join("\n");
    expect(read(text)).toEqual({
      OPTION_A: "1",
      OPTION_B: "2",
      OPTION_C: "",
      OPTION_D: "\\n",
      OPTION_E: "1",
      OPTION_F: "2",
      OPTION_G: "",
      OPTION_H: "\n",
      OPTION_I: "echo 'asd'",
      OPTION_J: "line 1\nline 2",
      OPTION_K: "line one\nthis is \\'quoted\\'\none more line",
      OPTION_L: "line 1\nline 2",
      OPTION_M: 'line one\nthis is "quoted"\none more line',
    });
  });

  it("reads fixtures/plain.env, comments.env and substitutions.env", () => {
    expect(
      read(
        "OPTION_A=1\nOPTION_B=2\nOPTION_C= 3\nOPTION_D =4\nOPTION_E = 5\nOPTION_F = \nOPTION_G=\nOPTION_H=1 2",
      ),
    ).toEqual({
      OPTION_A: "1",
      OPTION_B: "2",
      OPTION_C: "3",
      OPTION_D: "4",
      OPTION_E: "5",
      OPTION_F: "",
      OPTION_G: "",
      OPTION_H: "1 2",
    });
    expect(read('# Full line comment\nfoo=bar # baz\nbar=foo#baz\nbaz="foo"#bar\n')).toEqual({
      foo: "bar",
      bar: "foo#baz",
      baz: "foo",
    });
    expect(
      read(
        "OPTION_A=1\nOPTION_B=${OPTION_A}\nOPTION_C=$OPTION_B\nOPTION_D=${OPTION_A}${OPTION_B}\nOPTION_E=${OPTION_NOT_DEFINED}\n",
      ),
    ).toEqual({ OPTION_A: "1", OPTION_B: "1", OPTION_C: "1", OPTION_D: "11", OPTION_E: "" });
  });

  it("expands variables as TestExpanding expects", () => {
    expect(read("FOO=test\nBAR=$FOO")).toEqual({ FOO: "test", BAR: "test" });
    expect(read("FOO=test\nBAR=${FOO}bar")).toEqual({ FOO: "test", BAR: "testbar" });
    expect(read("BAR=$FOO")).toEqual({ BAR: "" });
    expect(read('FOO=test\nBAR="quote $FOO"')).toEqual({ FOO: "test", BAR: "quote test" });
    expect(read("BAR='quote $FOO'")).toEqual({ BAR: "quote $FOO" });
    expect(read('FOO="foo\\$BAR"')).toEqual({ FOO: "foo$BAR" });
    expect(read('FOO="foo\\${BAR}"')).toEqual({ FOO: "foo${BAR}" });
    expect(read('FOO=test\nBAR="foo\\${FOO} ${FOO}"')).toEqual({
      FOO: "test",
      BAR: "foo${FOO} test",
    });
  });

  it("reads multi-line values and CRLF files", () => {
    expect(
      read(
        'TEST_URLS="stratum+tcp://stratum.antpool.com:3333\nstratum+tcp://stratum.antpool.com:443"',
      ),
    ).toEqual({
      TEST_URLS: "stratum+tcp://stratum.antpool.com:3333\nstratum+tcp://stratum.antpool.com:443",
    });
    expect(read("A=1\r\nB='x\r\ny'\r\n")).toEqual({ A: "1", B: "x\ny" });
  });

  it("keeps godotenv's quirks with values that end in an escaped quote", () => {
    // bytes.TrimRightFunc removes every quote before the closing one, escaped or not.
    expect(read('A="say \\"hi\\""')).toEqual({ A: 'say "hi\\' });
    expect(() => readGodotenv('A="a\\\\"')).toThrow(/unterminated quoted value/);
  });

  it.each([["lol$wut"], ["INVALID LINE\nfoo=bar"], ['A="unterminated'], ["A='unterminated\n"]])(
    "refuses %j with E_DOTENV_INVALID",
    (text) => {
      let caught: unknown;
      try {
        readGodotenv(text);
      } catch (error) {
        caught = error;
      }
      expect(SpotkitError.isInstance(caught)).toBe(true);
      expect((caught as SpotkitError).code).toBe("E_DOTENV_INVALID");
    },
  );

  it("reads the rest of a last line without = as the value of an empty name", () => {
    expect(read("A=1\ngarbage")).toEqual({ A: "1", "": "garbage" });
  });

  it("tells where each statement starts and ends, duplicates included", () => {
    const text = '# c\nA=1\n  B="x\ny" # note\nA=2';
    const { statements } = parseGodotenv(text);
    expect(statements.map((statement) => [statement.key, statement.value])).toEqual([
      ["A", "1"],
      ["B", "x\ny"],
      ["A", "2"],
    ]);
    expect(statements.map((statement) => text.slice(statement.start, statement.end))).toEqual([
      "A=1",
      'B="x\ny"',
      "A=2",
    ]);
  });
});

describe("parseGodotenv v4 (Harness lite-engine)", () => {
  it("decodes the escapes of godotenv v4's TestParsing", () => {
    expect(read('FOO="bar\\n\\ b\\az"', "v4")).toEqual({ FOO: "bar\n\\ b\\az" });
    expect(read('FOO="bar\\\\\\n\\ b\\az"', "v4")).toEqual({ FOO: "bar\\\\\n\\ b\\az" });
    expect(read('FOO="bar\\\\r\\ b\\az"', "v4")).toEqual({ FOO: "bar\\\\r\\ b\\az" });
    expect(read('FOO="a\\tb\\"c\\!d\\$e"', "v4")).toEqual({ FOO: 'a\tb"c\\!d$e' });
  });
});

describe("parseGodotenv v2 (line by line)", () => {
  it("reads plain, quoted and exported lines", () => {
    expect(
      read(
        "A=1\nB='2 # two'\nexport C=\"x\\ny\"\n  # comment\n\nD: yaml\nE=with # comment\nF=a#b",
        "v2",
      ),
    ).toEqual({ A: "1", B: "2 # two", C: "x\ny", D: "yaml", E: "with", F: "a" });
  });

  it("expands variables but not in single quotes", () => {
    expect(read("A=1\nB=$A\nC='$A'\nD=\"\\$A\"", "v2")).toEqual({
      A: "1",
      B: "1",
      C: "$A",
      D: "$A",
    });
  });

  it("cannot read a quoted value over several lines", () => {
    expect(() => readGodotenv("A='x\ny'\n", "v2")).toThrow(/separate key from value/);
  });

  it("refuses lines of 64 KiB or more, as bufio.Scanner does", () => {
    expect(() => readGodotenv(`A=${"x".repeat(70_000)}\n`, "v2")).toThrow(/token too long/);
  });
});
