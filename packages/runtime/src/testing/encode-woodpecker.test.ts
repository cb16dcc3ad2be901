import { describe, expect, it } from "vitest";
import { SpotkitError } from "../spotkit-error.js";
import { encodeWoodpeckerSettings } from "./encode-woodpecker.js";
import { goFloat } from "./go-float.js";

/** Encodes one setting and returns its variable. */
function encodeOne(value: unknown, secrets: Record<string, string> = {}): string | undefined {
  return encodeWoodpeckerSettings({ value }, { secrets }).PLUGIN_VALUE;
}

/** The error a call throws, for assertions on its code. */
function thrownBy(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error("expected the call to throw");
}

// Ported from woodpecker-ci/woodpecker pipeline/frontend/yaml/compiler/settings/params_test.go.
// Go structs become plain objects (go-yaml writes the field Name as "name"); the tests'
// getSecretValue helpers become the secrets option, which the compiler's lookup also lower-cases.
describe("encodeWoodpeckerSettings: params_test.go", () => {
  it("TestParamsToEnv", () => {
    const from = {
      skip: null,
      string: "stringz",
      int: 1,
      float: 1.2,
      bool: true,
      slice: [1, 2, 3],
      map: { hello: "world" },
      complex: [{ name: "Jack" }, { name: "Jill" }],
      complex2: { name: "Jack" },
      "from.address": "noreply@example.com",
      tags: ["next", "latest"],
      tag: ["next"],
      my_secret: { from_secret: "secret_token" },
      UPPERCASE_SECRET: { from_secret: "SECRET_TOKEN" },
    };
    expect(encodeWoodpeckerSettings(from, { secrets: { secret_token: "FooBar" } })).toEqual({
      PLUGIN_STRING: "stringz",
      PLUGIN_INT: "1",
      PLUGIN_FLOAT: "1.2",
      PLUGIN_BOOL: "true",
      PLUGIN_SLICE: "1,2,3",
      PLUGIN_MAP: '{"hello":"world"}',
      PLUGIN_COMPLEX: '[{"name":"Jack"},{"name":"Jill"}]',
      PLUGIN_COMPLEX2: '{"name":"Jack"}',
      PLUGIN_FROM_ADDRESS: "noreply@example.com",
      PLUGIN_TAG: "next",
      PLUGIN_TAGS: "next,latest",
      PLUGIN_MY_SECRET: "FooBar",
      PLUGIN_UPPERCASE_SECRET: "FooBar",
    });
  });

  it("TestParamsToEnv edge case #1609: a nil list item leaves an empty slot", () => {
    expect(encodeWoodpeckerSettings({ a: ["a", null] })).toEqual({ PLUGIN_A: "a," });
  });

  it("TestParamsToEnvPrefix", () => {
    const from = { string: "stringz", int: 1 };
    expect(encodeWoodpeckerSettings(from, { prefix: "PLUGIN_", normalizeKeys: true })).toEqual({
      PLUGIN_STRING: "stringz",
      PLUGIN_INT: "1",
    });
    expect(encodeWoodpeckerSettings(from, { prefix: "", normalizeKeys: true })).toEqual({
      STRING: "stringz",
      INT: "1",
    });
  });

  it.each<[boolean, string, string]>([
    [true, "dry-run", "PLUGIN_DRY_RUN"],
    [true, "dry_Run", "PLUGIN_DRY_RUN"],
    [true, "dry.run", "PLUGIN_DRY_RUN"],
    [false, "dry-run", "PLUGIN_dry-run"],
    [false, "dry_Run", "PLUGIN_dry_Run"],
    [false, "dry.run", "PLUGIN_dry.run"],
  ])("TestSanitizeParamKey (upper %s): %s → %s", (normalizeKeys, key, name) => {
    expect(Object.keys(encodeWoodpeckerSettings({ [key]: "x" }, { normalizeKeys }))).toEqual([
      name,
    ]);
  });

  it("TestYAMLToParamsToEnv", () => {
    // The test's YAML, as go-yaml reads it:
    //   skip: ~ / string: stringz / int: 1 / float: 1.2 / bool: true / slice: [1, 2, 3]
    //   my_secret: {from_secret: secret_token}
    //   map: {key: "value", entry2: ["a", "b", 3], secret: {from_secret: secret_token}}
    //   list.map: [{registry: https://codeberg.org, username: "6543", password: {from_secret: cb_password}}]
    const from = {
      skip: null,
      string: "stringz",
      int: 1,
      float: 1.2,
      bool: true,
      slice: [1, 2, 3],
      my_secret: { from_secret: "secret_token" },
      map: { key: "value", entry2: ["a", "b", 3], secret: { from_secret: "secret_token" } },
      "list.map": [
        {
          registry: "https://codeberg.org",
          username: "6543",
          password: { from_secret: "cb_password" },
        },
      ],
    };
    const secrets = { secret_token: "FooBar", cb_password: "geheim" };
    expect(encodeWoodpeckerSettings(from, { secrets })).toEqual({
      PLUGIN_STRING: "stringz",
      PLUGIN_INT: "1",
      PLUGIN_FLOAT: "1.2",
      PLUGIN_BOOL: "true",
      PLUGIN_SLICE: "1,2,3",
      PLUGIN_MY_SECRET: "FooBar",
      PLUGIN_MAP: '{"entry2":["a","b",3],"key":"value","secret":"FooBar"}',
      PLUGIN_LIST_MAP:
        '[{"password":"geheim","registry":"https://codeberg.org","username":"6543"}]',
    });
  });

  it("TestYAMLToParamsToEnvError: a missing secret fails", () => {
    const error = thrownBy(() =>
      encodeWoodpeckerSettings(
        { my_secret: { from_secret: "not_a_secret" } },
        { secrets: { secret_token: "FooBar" } },
      ),
    );
    expect(SpotkitError.isInstance(error) && error.code).toBe("E_SECRET_NOT_FOUND");
  });

  it("TestSecretNotFound: a missing secret nested in a map fails", () => {
    expect(() =>
      encodeWoodpeckerSettings(
        { map: { secret: { from_secret: "secret_token" } } },
        { secrets: { a_different_password: "secret" } },
      ),
    ).toThrow('secret "secret_token" not found');
  });

  it("TestSecretMappingSimpleSecret", () => {
    const env = encodeWoodpeckerSettings(
      { simple_secret: { from_secret: "my_token" }, regular_var: "no_secret_here" },
      { secrets: { my_token: "secret_value_123" } },
    );
    expect(env.PLUGIN_SIMPLE_SECRET).toBe("secret_value_123");
    expect(env.PLUGIN_REGULAR_VAR).toBe("no_secret_here");
  });

  it("TestSecretMappingComplexMapWithSecrets", () => {
    const env = encodeWoodpeckerSettings(
      {
        config: {
          database: { host: "localhost", password: { from_secret: "db_password" }, port: 5432 },
          api_key: { from_secret: "api_secret" },
          timeout: 30,
        },
        simple_var: "no_secrets",
      },
      { secrets: { db_password: "super_secret_db_pass", api_secret: "api_key_12345" } },
    );
    expect(env.PLUGIN_CONFIG).toBe(
      '{"api_key":"api_key_12345","database":{"host":"localhost","password":"super_secret_db_pass","port":5432},"timeout":30}',
    );
    expect(env.PLUGIN_SIMPLE_VAR).toBe("no_secrets");
  });

  it("TestComplexTypesWithNilValuesWontPanic", () => {
    expect(encodeWoodpeckerSettings({ config: ["copy a b", { foo: null }] })).toEqual({
      PLUGIN_CONFIG: '["copy a b",{"foo":null}]',
    });
  });
});

// The cases below follow from reading params.go, compiler/convert.go, compiler/option.go,
// codeberg.org/6543/go-yaml2json and go-yaml v4's representer and resolver.
describe("encodeWoodpeckerSettings: FuzzParamsToEnv seeds (outputs derived from params.go)", () => {
  const secret = (name: string) => ({ [name]: `secret_${name}` });

  it.each<[string, Record<string, unknown>, Record<string, string>, Record<string, string>]>([
    [
      "scalars",
      { string: "stringz", int: 1, float: 1.2, bool: true },
      {},
      { PLUGIN_STRING: "stringz", PLUGIN_INT: "1", PLUGIN_FLOAT: "1.2", PLUGIN_BOOL: "true" },
    ],
    [
      "slice and flow map",
      { slice: [1, 2, 3], map: { hello: "world" } },
      {},
      { PLUGIN_SLICE: "1,2,3", PLUGIN_MAP: '{"hello":"world"}' },
    ],
    [
      "secret",
      { my_secret: { from_secret: "secret_token" } },
      secret("secret_token"),
      { PLUGIN_MY_SECRET: "secret_secret_token" },
    ],
    [
      "nested secret and lists",
      { nested: [{ a: { from_secret: "tok" } }, { b: ["x", { c: "d" }] }] },
      secret("tok"),
      { PLUGIN_NESTED: '[{"a":"secret_tok"},{"b":["x",{"c":"d"}]}]' },
    ],
  ])("%s", (_name, settings, secrets, env) => {
    expect(encodeWoodpeckerSettings(settings, { secrets })).toEqual(env);
  });
});

describe("encodeWoodpeckerSettings: names and skipped settings", () => {
  it("skips null settings and empty keys", () => {
    expect(encodeWoodpeckerSettings({ a: null, b: undefined, "": "x", c: "y" })).toEqual({
      PLUGIN_C: "y",
    });
  });

  it("upper-cases like Go's strings.ToUpper, which keeps ß", () => {
    expect(Object.keys(encodeWoodpeckerSettings({ "straße.nr": "1" }))).toEqual([
      "PLUGIN_STRAßE_NR",
    ]);
  });
});

describe("encodeWoodpeckerSettings: from_secret", () => {
  it("looks secrets up by lower-cased name on both sides", () => {
    expect(encodeOne({ from_secret: "My_Token" }, { MY_TOKEN: "x" })).toBe("x");
  });

  it("ignores other keys next to from_secret", () => {
    expect(encodeOne({ from_secret: "pw", note: "ignored" }, { pw: "x" })).toBe("x");
  });

  it("resolves a from_secret item of a list, which turns the list into JSON", () => {
    expect(encodeOne(["a", { from_secret: "pw" }], { pw: "hunter2" })).toBe('["a","hunter2"]');
  });

  it("keeps an empty secret value", () => {
    expect(encodeOne({ from_secret: "pw" }, { pw: "" })).toBe("");
  });

  it.each<[string, unknown]>([
    ["a number", 1],
    ["null", null],
    ["a list", ["pw"]],
  ])("fails when from_secret is %s", (_name, name) => {
    const error = thrownBy(() => encodeOne({ from_secret: name }, { pw: "x" }));
    expect(SpotkitError.isInstance(error) && error.code).toBe("E_FROM_SECRET_NOT_STRING");
    expect(String(error)).toContain("from_secret has to be a string");
  });

  it("fails for an empty secret name", () => {
    const error = thrownBy(() => encodeOne({ from_secret: "" }, { pw: "x" }));
    expect(SpotkitError.isInstance(error) && error.code).toBe("E_SECRET_NOT_FOUND");
  });

  it("names the lower-cased secret in the error, as the compiler does", () => {
    expect(() => encodeOne({ from_secret: "MISSING" })).toThrow('secret "missing" not found');
  });
});

describe("encodeWoodpeckerSettings: scalars and lists", () => {
  it.each<[string, unknown, string]>([
    ["false", false, "false"],
    ["a bigint", 123456789012345678n, "123456789012345678"],
    ["a YAML float 1.0", goFloat(1), "1"],
    ["a YAML float 1e6", goFloat(1e6), "1e+06"],
    ["-0, which go-yaml reads as a float", -0, "-0"],
    ["NaN", Number.NaN, "NaN"],
    ["-Inf", Number.NEGATIVE_INFINITY, "-Inf"],
    ["an empty list", [], ""],
    ["a list of nulls", [null, null], ","],
    ["floats in a list, with %v", [1.5, goFloat(1e6), Number.NaN], "1.5,1e+06,NaN"],
    ["a null before a map, as JSON", [null, { a: 1 }], '[null,{"a":1}]'],
    ["a list of lists", [["a"], ["b", 1]], '[["a"],["b",1]]'],
    ["bytes, a typed []uint8, as JSON", new Uint8Array([1, 2]), "[1,2]"],
    ["empty bytes", new Uint8Array(), ""],
    ["an empty map", {}, "{}"],
  ])("%s", (_name, value, text) => {
    expect(encodeOne(value)).toBe(text);
  });
});

describe("encodeWoodpeckerSettings: JSON (go-yaml v4 + yaml2json + json.Marshal)", () => {
  it("sorts keys by their bytes, at every level", () => {
    expect(encodeOne({ b: 1, B: 2, a: { z: 1, y: [3, { d: 1, c: 2 }] }, é: 4 })).toBe(
      '{"B":2,"a":{"y":[3,{"c":2,"d":1}],"z":1},"b":1,"é":4}',
    );
  });

  it("re-reads floats: 1.0 becomes 1, 1e6 becomes 1000000, -0 stays -0", () => {
    expect(
      encodeOne({ one: goFloat(1), million: goFloat(1e6), half: 0.5, tiny: 1e-7, zero: -0 }),
    ).toBe('{"half":0.5,"million":1000000,"one":1,"tiny":1e-7,"zero":-0}');
  });

  it("escapes strings as current Go's json.Marshal: HTML characters, \\b, \\f, U+2028", () => {
    expect(encodeOne({ text: 'a<b>&"\\\b\f\n\r\t\u0001\u2028\u2029 é 😀' })).toBe(
      '{"text":"a\\u003cb\\u003e\\u0026\\"\\\\\\b\\f\\n\\r\\t\\u0001\\u2028\\u2029 é 😀"}',
    );
  });

  it.each<[string, unknown, string]>([
    ["NaN", { a: Number.NaN }, 'parsing ".nan": invalid syntax'],
    ["+Inf", [{ a: Number.POSITIVE_INFINITY }], 'parsing ".inf": invalid syntax'],
    ["a uint64", { a: 2 ** 63 }, 'parsing "9223372036854775808": value out of range'],
    ["a uint64 list item", [2 ** 63], "value out of range"],
  ])("fails for %s inside JSON, as yaml2json does", (_name, value, message) => {
    const error = thrownBy(() => encodeOne(value));
    expect(SpotkitError.isInstance(error) && error.code).toBe("E_SETTING_NOT_ENCODABLE");
    expect(String(error)).toContain(message);
  });
});
