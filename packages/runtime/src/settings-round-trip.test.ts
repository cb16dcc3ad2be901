import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { readSettings } from "./read-settings.js";
import { setting } from "./setting.js";
import { encodeDroneSettings } from "./testing/encode-drone.js";
import { encodeWoodpeckerSettings } from "./testing/encode-woodpecker.js";
import { goFloat } from "./testing/go-float.js";

// One setting of every kind a plugin can declare.
const shape = {
  text: setting(z.string().optional(), { description: "text" }),
  dry_run: setting(z.boolean().optional(), { description: "boolean" }),
  count: setting(z.int().optional(), { description: "integer" }),
  ratio: setting(z.number().optional(), { description: "float" }),
  tags: setting(z.array(z.string()).optional(), { description: "list of strings" }),
  ports: setting(z.array(z.int()).optional(), { description: "list of integers" }),
  labels: setting(z.record(z.string(), z.string()).optional(), { description: "map" }),
  build_args: setting(z.array(z.object({ name: z.string(), value: z.string() })).optional(), {
    description: "list of objects",
  }),
  config: setting(z.record(z.string(), z.json()).optional(), { description: "nested JSON" }),
};

// A comma-joined list cannot carry an item with a comma outside braces, nor tell [""] from [],
// nor a list whose text is itself a JSON list; those are limits of the runners' encoding, not of
// the decoder.
// Items with unbalanced braces are left out too: the runners join ["*.{map", "tmp}"] and
// ["*.{map,tmp}"] into the same text, and the decoder reads it as the one glob a user means, so
// only lists whose items each close their own braces can come back exactly. Braces and commas
// are drawn often, so that items such as "*.{map,tmp}" (a comma inside braces) are tested.
const listItem = fc
  .oneof(fc.string(), fc.string({ unit: fc.constantFrom("{", "}", ",", "*", ".", "a", "b", " ") }))
  .filter((item) => commasOnlyInsideBalancedBraces(item));
const stringList = fc
  .array(listItem, { maxLength: 6 })
  .filter((items) => !(items.length === 1 && items[0] === ""))
  .filter((items) => !items.join(",").trimStart().startsWith("["));

// Woodpecker refuses integers from 2^63 inside JSON (and so would a user's pipeline), so nested
// numbers stay within what both runners encode.
const { json: nestedJson } = fc.letrec<{ json: unknown }>((tie) => ({
  json: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    fc.string(),
    fc.boolean(),
    fc.constant(null),
    fc.integer(),
    fc.double({ min: -1e15, max: 1e15, noNaN: true }),
    fc.array(tie("json"), { maxLength: 4 }),
    fc.dictionary(
      fc.string().filter((key) => key !== "__proto__"),
      tie("json"),
      { maxKeys: 4 },
    ),
  ),
}));

// A map key named __proto__ is dropped on purpose by zod's record parsing (no prototype pollution).
const mapKey = fc.string({ minLength: 1 }).filter((key) => key !== "__proto__");

const settingsArbitrary = fc.record(
  {
    text: fc.string({ unit: "grapheme" }),
    dry_run: fc.boolean(),
    count: fc.integer(),
    ratio: fc.double({ noNaN: true, noDefaultInfinity: true }),
    tags: stringList,
    ports: fc.array(fc.integer({ min: -65_535, max: 65_535 }), { maxLength: 6 }),
    labels: fc.dictionary(mapKey, fc.string()),
    build_args: fc.array(fc.record({ name: fc.string(), value: fc.string() }), { maxLength: 4 }),
    config: fc.dictionary(mapKey, nestedJson),
  },
  { requiredKeys: [] },
);

// Drone keeps `-` and `.` in keys, so a user may write either spelling.
const droneKey = fc.constantFrom(
  (name: string) => name,
  (name: string) => name.replace(/_/g, "-"),
);

/**
 * An integral number from 2^63 to 2^64-1 is a YAML uint64, which Woodpecker refuses to encode
 * (`value out of range`); a user has to write it as a float (`9.223372036854776e+18`), so the
 * Woodpecker property writes it that way.
 */
function asWoodpeckerWritesIt(settings: Record<string, unknown>): Record<string, unknown> {
  const { ratio } = settings;
  if (
    typeof ratio !== "number" ||
    !Number.isInteger(ratio) ||
    ratio < 2 ** 63 ||
    ratio >= 2 ** 64
  ) {
    return settings;
  }
  return { ...settings, ratio: goFloat(ratio) };
}

/** Depth never below zero, back to zero at the end, and every comma inside a pair. */
function commasOnlyInsideBalancedBraces(item: string): boolean {
  let depth = 0;
  for (const character of item) {
    if (character === "{") depth += 1;
    if (character === "}") depth -= 1;
    if (depth < 0 || (character === "," && depth === 0)) return false;
  }
  return depth === 0;
}

function decode(env: Record<string, string>) {
  return readSettings({ shape, env, flags: new Map() });
}

function normalise(value: unknown): unknown {
  // JSON has no -0; Go prints it as "-0" and JavaScript reads it back as -0, but a -0 inside JSON
  // comes back as 0.
  return JSON.parse(JSON.stringify(value));
}

describe("decoding is the inverse of the runners' encoders", () => {
  it("Drone: any settings decode back to the same values", () => {
    fc.assert(
      fc.property(settingsArbitrary, droneKey, (settings, spell) => {
        const yaml = Object.fromEntries(
          Object.entries(settings).map(([name, value]) => [spell(name), value]),
        );
        const reading = decode(encodeDroneSettings(yaml));
        expect(reading.issues).toEqual([]);
        expect(normalise(reading.values)).toEqual(normalise(settings));
      }),
      { numRuns: 300 },
    );
  });

  it("Woodpecker: any settings decode back to the same values", () => {
    fc.assert(
      fc.property(settingsArbitrary, (settings) => {
        const reading = decode(encodeWoodpeckerSettings(asWoodpeckerWritesIt(settings)));
        expect(reading.issues).toEqual([]);
        expect(normalise(reading.values)).toEqual(normalise(settings));
      }),
      { numRuns: 300, examples: [[{ ratio: 2 ** 63 }], [{ ratio: 2 ** 64 - 2048 }]] },
    );
  });

  it("floats survive Go's exponent form exactly", () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (ratio) => {
        const reading = decode(encodeDroneSettings({ ratio }));
        expect(Object.is(reading.values.ratio, ratio) || reading.values.ratio === ratio).toBe(true);
      }),
    );
  });
});
