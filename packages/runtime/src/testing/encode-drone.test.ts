import { describe, expect, it } from "vitest";
import { encodeDroneSettings } from "./encode-drone.js";
import { goFloat } from "./go-float.js";

/** Encodes one setting and returns its variable, as `encoder.Encode(value)` would. */
function encodeOne(value: unknown): string | undefined {
  return encodeDroneSettings({ value }).PLUGIN_VALUE;
}

describe("encodeDroneSettings: drone-runner-docker internal/encoder/encoder_test.go TestEncode", () => {
  it.each<[string, unknown, string]>([
    ["string", "foo", "foo"],
    ["bool", true, "true"],
    ["int", 42, "42"],
    ["float64", 42.424242, "42.424242"],
    ["[]interface{} of strings", ["foo", "bar", "baz"], "foo,bar,baz"],
    ["[]interface{} of ints", [1, 1, 2, 3, 5, 8], "1,1,2,3,5,8"],
    ["[]byte", new TextEncoder().encode("foo"), "Zm9v"],
    // struct{ Name string `json:"name"` }{Name: "john"}: yaml.v2 writes the field as "name".
    ["[]interface{} of structs", [{ name: "john" }], '[{"name":"john"}]'],
    ["map[interface{}]interface{}", { foo: "bar" }, '{"foo":"bar"}'],
  ])("%s", (_name, value, text) => {
    expect(encodeOne(value)).toBe(text);
  });
});

// The cases below follow from reading engine/compiler/step.go, engine/compiler/compiler.go,
// engine/convert.go, internal/encoder/encoder.go, runner-go manifest/param.go and secret/static.go.
describe("encodeDroneSettings: names (step.go createStep)", () => {
  it("prefixes PLUGIN_ and upper-cases the key, keeping dashes and dots", () => {
    expect(
      encodeDroneSettings({ "dry-run": true, "from.address": "a@b.c", anInt: 1, snake_case: "x" }),
    ).toEqual({
      "PLUGIN_DRY-RUN": "true",
      "PLUGIN_FROM.ADDRESS": "a@b.c",
      PLUGIN_ANINT: "1",
      PLUGIN_SNAKE_CASE: "x",
    });
  });

  it("upper-cases like Go's strings.ToUpper, which keeps ß", () => {
    expect(Object.keys(encodeDroneSettings({ straße: "x", "é-ü": "y" }))).toEqual([
      "PLUGIN_STRAßE",
      "PLUGIN_É-Ü",
    ]);
  });

  it("skips null settings (drone/drone-yaml#13) but keeps an empty key", () => {
    expect(encodeDroneSettings({ skip: null, missing: undefined, "": "x" })).toEqual({
      PLUGIN_: "x",
    });
  });
});

describe("encodeDroneSettings: from_secret (manifest/param.go, compiler.go findSecret)", () => {
  const secrets = { pw: "hunter2", Token: "abc" };

  it("replaces a top-level from_secret with the secret's value", () => {
    expect(encodeDroneSettings({ password: { from_secret: "pw" } }, { secrets })).toEqual({
      PLUGIN_PASSWORD: "hunter2",
    });
  });

  it("matches secret names case-insensitively, as the static provider's strings.EqualFold", () => {
    expect(encodeDroneSettings({ token: { from_secret: "TOKEN" } }, { secrets })).toEqual({
      PLUGIN_TOKEN: "abc",
    });
  });

  it("sets the variable empty when the secret is missing (convert.go appends Env=Data)", () => {
    expect(encodeDroneSettings({ password: { from_secret: "nope" } }, { secrets })).toEqual({
      PLUGIN_PASSWORD: "",
    });
    expect(encodeDroneSettings({ password: { from_secret: "pw" } })).toEqual({
      PLUGIN_PASSWORD: "",
    });
  });

  it("ignores other keys next to from_secret, as yaml.v2 does when decoding into the struct", () => {
    expect(encodeDroneSettings({ password: { from_secret: "pw", note: 1 } }, { secrets })).toEqual({
      PLUGIN_PASSWORD: "hunter2",
    });
  });

  it("reads a scalar from_secret as the secret's name", () => {
    expect(encodeDroneSettings({ a: { from_secret: 123 } }, { secrets: { "123": "x" } })).toEqual({
      PLUGIN_A: "x",
    });
  });

  it("keeps an empty, null, list or map from_secret as a plain map", () => {
    expect(
      encodeDroneSettings(
        {
          empty: { from_secret: "" },
          nothing: { from_secret: null },
          list: { from_secret: ["pw"] },
          map: { from_secret: { name: "pw" } },
        },
        { secrets },
      ),
    ).toEqual({
      PLUGIN_EMPTY: '{"from_secret":""}',
      PLUGIN_NOTHING: '{"from_secret":null}',
      PLUGIN_LIST: '{"from_secret":["pw"]}',
      PLUGIN_MAP: '{"from_secret":{"name":"pw"}}',
    });
  });

  it("passes a nested from_secret through as literal JSON", () => {
    expect(
      encodeDroneSettings(
        {
          config: { password: { from_secret: "pw" } },
          registries: [{ password: { from_secret: "pw" } }],
          list: ["a", { from_secret: "pw" }],
        },
        { secrets },
      ),
    ).toEqual({
      PLUGIN_CONFIG: '{"password":{"from_secret":"pw"}}',
      PLUGIN_REGISTRIES: '[{"password":{"from_secret":"pw"}}]',
      PLUGIN_LIST: '["a",{"from_secret":"pw"}]',
    });
  });
});

describe("encodeDroneSettings: scalars (encoder.go Encode)", () => {
  it.each<[string, unknown, string]>([
    ["false", false, "false"],
    ["a negative int", -7, "-7"],
    ["a large int exactly", 2 ** 60, "1152921504606846976"],
    ["a bigint", 123456789012345678n, "123456789012345678"],
    ["-0, which yaml.v2 reads as the int 0", -0, "0"],
    ["a uint64 (2^63), via encodeMap", 2 ** 63, "9223372036854775808"],
    ["the largest uint64", 18446744073709551615n, "18446744073709551615"],
    ["a float64", 1.5, "1.5"],
    ["a YAML float 1.0", goFloat(1), "1"],
    ["a YAML float 1e6", goFloat(1e6), "1e+06"],
    [
      "09334553 as yaml.v2 reads it (drone-plugins/drone-docker#113)",
      goFloat(9334553),
      "9.334553e+06",
    ],
    ["a float -0", goFloat(-0), "-0"],
    ["NaN", Number.NaN, "NaN"],
    ["+Inf", Number.POSITIVE_INFINITY, "+Inf"],
    ["an integer beyond uint64, a float64 for yaml.v2", 2 ** 64, "1.8446744073709552e+19"],
    ["an empty string", "", ""],
    ["a multi-line string", "a\nb", "a\nb"],
    ["empty bytes", new Uint8Array(), ""],
  ])("%s", (_name, value, text) => {
    expect(encodeOne(value)).toBe(text);
  });
});

describe("encodeDroneSettings: lists (encoder.go encodeSlice)", () => {
  it.each<[string, unknown[], string]>([
    ["empty", [], ""],
    ["with a null item, read back as an empty string", ["a", null], "a,"],
    ["of nulls", [null, null], ","],
    ["of booleans", [true, false], "true,false"],
    ["of floats as yaml.v2 writes them", [1.5, goFloat(1), goFloat(1e6)], "1.5,1,1e+06"],
    [
      "with NaN and infinities as YAML text",
      [Number.NaN, Number.POSITIVE_INFINITY, -Infinity],
      ".nan,.inf,-.inf",
    ],
    ["with a comma inside an item, joined as is", ["a,b", "c"], "a,b,c"],
    ["with a uint64", [2 ** 63], "9223372036854775808"],
    ["of lists, as JSON", [["a", "b"], ["c"]], '[["a","b"],["c"]]'],
    ["mixing scalars and a map, as JSON", ["a", { b: 1 }, null], '["a",{"b":1},null]'],
    ["with bytes, which yaml.v2 writes as a list", [new Uint8Array([1, 2])], "[[1,2]]"],
  ])("%s", (_name, value, text) => {
    expect(encodeOne(value)).toBe(text);
  });
});

describe("encodeDroneSettings: maps (encoder.go encodeMap, ghodss/yaml YAMLToJSON)", () => {
  it("sorts keys by their bytes, at every level", () => {
    expect(encodeOne({ b: 1, B: 2, a: { z: 1, y: [3, { d: 1, c: 2 }] }, é: 4, z: 5 })).toBe(
      '{"B":2,"a":{"y":[3,{"c":2,"d":1}],"z":1},"b":1,"z":5,"é":4}',
    );
  });

  it("writes an empty map and null members", () => {
    expect(encodeOne({})).toBe("{}");
    expect(encodeOne({ a: null, b: undefined })).toBe('{"a":null,"b":null}');
  });

  it("re-reads floats from the YAML it wrote: 1.0 becomes 1, 1e6 becomes 1000000", () => {
    expect(
      encodeOne({
        one: goFloat(1),
        million: goFloat(1e6),
        half: 0.5,
        tiny: 1e-7,
        huge: goFloat(1e21),
        negativeZero: goFloat(-0),
      }),
    ).toBe('{"half":0.5,"huge":1e+21,"million":1000000,"negativeZero":0,"one":1,"tiny":1e-7}');
  });

  it("gives an empty value when a float inside is NaN or infinite (json.Marshal fails)", () => {
    expect(encodeOne({ a: Number.NaN })).toBe("");
    expect(encodeOne([{ a: Number.POSITIVE_INFINITY }])).toBe("");
  });

  it("escapes strings as Go 1.16's json.Marshal: HTML characters, \\u0008, \\u000c, U+2028", () => {
    expect(encodeOne({ text: 'a<b>&"\\\b\f\n\r\t\u0001\u2028\u2029\u007f é 😀' })).toBe(
      '{"text":"a\\u003cb\\u003e\\u0026\\"\\\\\\u0008\\u000c\\n\\r\\t\\u0001\\u2028\\u2029\u007f é 😀"}',
    );
  });

  it("keeps strings that look like other YAML types as strings", () => {
    expect(encodeOne({ a: "1", b: "true", c: "yes", d: "null", e: "1e6", f: "2001-01-01" })).toBe(
      '{"a":"1","b":"true","c":"yes","d":"null","e":"1e6","f":"2001-01-01"}',
    );
  });

  it("writes large integers exactly", () => {
    expect(encodeOne({ int: 2 ** 62, uint: 2 ** 63 })).toBe(
      '{"int":4611686018427387904,"uint":9223372036854775808}',
    );
  });
});

describe("encodeDroneSettings: values YAML cannot hold", () => {
  it.each<[string, unknown]>([
    ["a function", () => 1],
    ["a symbol", Symbol("x")],
    ["a date", new Date(0)],
    ["a Map", new Map()],
  ])("rejects %s", (_name, value) => {
    expect(() => encodeDroneSettings({ value: { nested: value } })).toThrow(TypeError);
    expect(() => encodeDroneSettings({ value: { nested: value } })).toThrow(/"value\.nested"/);
  });

  it("rejects a circular value", () => {
    const value: Record<string, unknown> = {};
    value.self = value;
    expect(() => encodeDroneSettings({ value })).toThrow(/contains itself/);
  });

  it("accepts the same object twice when it is not circular", () => {
    const shared = { a: 1 };
    expect(encodeOne([shared, shared])).toBe('[{"a":1},{"a":1}]');
  });
});
