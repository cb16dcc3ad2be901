import { describe, expect, it } from "vitest";
import { z } from "zod";
import { decodeSettingValue, parseNumber, splitCommaList } from "./decode-setting-value.js";
import { readSettingKind } from "./setting-kind.js";

function decode(text: string, schema: z.ZodType) {
  return decodeSettingValue(text, readSettingKind(schema));
}

describe("decodeSettingValue", () => {
  it("never re-types a string, whatever it looks like", () => {
    for (const text of ["true", "0351500", "9.334553e+06", '{"a":1}', "[1,2]", "a,b", " spaced "]) {
      expect(decode(text, z.string())).toEqual({ ok: true, value: text });
    }
  });

  it("reads an empty variable as empty text or list, and as not set for other types", () => {
    expect(decode("", z.string().optional())).toEqual({ ok: true, value: "" });
    expect(decode("", z.boolean().default(true))).toEqual({ ok: true, value: undefined });
    expect(decode("", z.array(z.string()))).toEqual({ ok: true, value: [] });
  });

  it("reads the boolean spellings the encoders write and refuses others", () => {
    expect(decode("true", z.boolean())).toEqual({ ok: true, value: true });
    expect(decode("FALSE", z.boolean())).toEqual({ ok: true, value: false });
    for (const text of ["yes", "1", "on", "t"]) {
      expect(decode(text, z.boolean())).toEqual({ ok: false, expected: "true or false" });
    }
  });

  it("reads numbers as Go prints them, exponent form included", () => {
    expect(decode("42", z.number())).toEqual({ ok: true, value: 42 });
    expect(decode("-1.25", z.number())).toEqual({ ok: true, value: -1.25 });
    expect(decode("9.334553e+06", z.int())).toEqual({ ok: true, value: 9_334_553 });
    expect(decode("1e-05", z.number())).toEqual({ ok: true, value: 0.00001 });
    expect(decode("12abc", z.number())).toEqual({ ok: false, expected: "a number" });
    expect(parseNumber("+Inf")).toBe(Number.POSITIVE_INFINITY);
  });

  it("reads lists comma-joined or as JSON", () => {
    expect(decode("next,latest", z.array(z.string()))).toEqual({
      ok: true,
      value: ["next", "latest"],
    });
    expect(decode('["a,b","c"]', z.array(z.string()))).toEqual({ ok: true, value: ["a,b", "c"] });
    expect(decode("1,1,2,3,5,8", z.array(z.number()))).toEqual({
      ok: true,
      value: [1, 1, 2, 3, 5, 8],
    });
    expect(decode("a,", z.array(z.string()))).toEqual({ ok: true, value: ["a", ""] });
    expect(decode('[{"name":"john"}]', z.array(z.object({ name: z.string() })))).toEqual({
      ok: true,
      value: [{ name: "john" }],
    });
  });

  it("keeps a comma inside balanced braces in its list item", () => {
    const list = z.array(z.string());
    expect(decode("*.{map,tmp}", list)).toEqual({ ok: true, value: ["*.{map,tmp}"] });
    expect(decode("*.{map,tmp},dist/**,{a,{b,c}}/x", list)).toEqual({
      ok: true,
      value: ["*.{map,tmp}", "dist/**", "{a,{b,c}}/x"],
    });
    expect(decode("{a,b}{c,d},e", list)).toEqual({ ok: true, value: ["{a,b}{c,d}", "e"] });
    expect(decode("{,}", list)).toEqual({ ok: true, value: ["{,}"] });
  });

  it("splits at every comma outside a pair: unclosed { and stray } are plain characters", () => {
    const list = z.array(z.string());
    expect(decode("a{,b", list)).toEqual({ ok: true, value: ["a{", "b"] });
    expect(decode("a},b", list)).toEqual({ ok: true, value: ["a}", "b"] });
    expect(decode("},{", list)).toEqual({ ok: true, value: ["}", "{"] });
    expect(decode("{a,b}},c", list)).toEqual({ ok: true, value: ["{a,b}}", "c"] });
    // The inner pair is balanced; the outer { never closes, so only the inner comma is kept.
    expect(decode("{x,{a,b},y", list)).toEqual({ ok: true, value: ["{x", "{a,b}", "y"] });
  });

  it("reads the one text two runner-encoded lists share as the brace reading", () => {
    // ["*.{map", "tmp}"] and ["*.{map,tmp}"] both arrive as this text; the glob is what is meant.
    expect(splitCommaList("*.{map,tmp}")).toEqual(["*.{map,tmp}"]);
    expect(splitCommaList("")).toEqual([""]);
    expect(splitCommaList("a,,b")).toEqual(["a", "", "b"]);
  });

  it("explains what a list of objects or numbers expects", () => {
    const objects = decode("john", z.array(z.object({ name: z.string() })));
    expect(objects).toEqual({ ok: false, expected: 'a JSON list such as [{"name":"value"}]' });
    const numbers = decode("1,x", z.array(z.number()));
    expect(numbers.ok).toBe(false);
  });

  it("reads maps as JSON objects", () => {
    const schema = z.record(z.string(), z.string());
    expect(decode('{"foo":"bar"}', schema)).toEqual({ ok: true, value: { foo: "bar" } });
    expect(decode("foo=bar", schema)).toEqual({
      ok: false,
      expected: 'a JSON object such as {"key":"value"}',
    });
  });

  it("reads a union of text and map: JSON when it is a JSON object, else the text", () => {
    const schema = z.union([z.string(), z.record(z.string(), z.string())]);
    expect(decode("text/html", schema)).toEqual({ ok: true, value: "text/html" });
    expect(decode('{"*.js":"text/javascript"}', schema)).toEqual({
      ok: true,
      value: { "*.js": "text/javascript" },
    });
  });

  it("reads a JSON setting as JSON when it parses, else as text", () => {
    expect(decode('{"blocks":[]}', z.json())).toEqual({ ok: true, value: { blocks: [] } });
    expect(decode("plain", z.json())).toEqual({ ok: true, value: "plain" });
  });
});
