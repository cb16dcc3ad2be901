import { formatGoFloat, GoFloat } from "./go-float.js";

/**
 * A setting value typed the way the runners' Go YAML libraries type it (yaml.v2 for Drone,
 * go-yaml v4 for Woodpecker): `int` fits an int64, `uint` is 2^63…2^64-1 (a uint64), anything
 * else numeric is a float64.
 */
export type GoYamlValue =
  | { readonly kind: "null" }
  | { readonly kind: "string"; readonly value: string }
  | { readonly kind: "bool"; readonly value: boolean }
  | { readonly kind: "int"; readonly value: bigint }
  | { readonly kind: "uint"; readonly value: bigint }
  | { readonly kind: "float"; readonly value: number }
  | { readonly kind: "bytes"; readonly value: Uint8Array }
  | { readonly kind: "list"; readonly items: readonly GoYamlValue[] }
  | { readonly kind: "map"; readonly entries: ReadonlyMap<string, GoYamlValue> };

/** How the runner's YAML library types the few values a JavaScript object leaves ambiguous. */
export interface ReadGoYamlValueOptions {
  /**
   * What `-0` is: yaml.v2 reads it as the int 0 (Drone), go-yaml v4 as the float -0 (Woodpecker,
   * whose resolver lists `-0` and `-0.0` as floats).
   */
  negativeZero: "int" | "float";
}

const int64Minimum = -(2 ** 63);
const uint64Limit = 2 ** 64;
const uint64LimitBigint = 2n ** 64n;
const int64MinimumBigint = -(2n ** 63n);
const int64LimitBigint = 2n ** 63n;

/**
 * Reads a setting written as a JavaScript object (what a YAML parser would return) as the Go value
 * the runner holds: `null`/`undefined` → null, integral numbers and bigints → int (or uint, or
 * float beyond 64 bits, as the Go resolvers do), other numbers and {@link GoFloat} → float,
 * `Uint8Array` → bytes, arrays → list, plain objects → map.
 *
 * @throws TypeError for anything YAML cannot hold (functions, symbols, dates, class instances,
 * cycles), naming the setting path.
 */
export function readGoYamlValue(
  value: unknown,
  options: ReadGoYamlValueOptions,
  path: string,
): GoYamlValue {
  return readValue(value, options, path, new Set());
}

/** A float as yaml.v2 and go-yaml write it: Go's `'g'` format, with `.inf`, `-.inf` and `.nan`. */
export function formatYamlFloat(value: number): string {
  if (Number.isNaN(value)) {
    return ".nan";
  }
  if (!Number.isFinite(value)) {
    return value > 0 ? ".inf" : "-.inf";
  }
  return formatGoFloat(value);
}

function readValue(
  value: unknown,
  options: ReadGoYamlValueOptions,
  path: string,
  ancestors: Set<object>,
): GoYamlValue {
  if (value === null || value === undefined) {
    return { kind: "null" };
  }
  switch (typeof value) {
    case "string":
      return { kind: "string", value };
    case "boolean":
      return { kind: "bool", value };
    case "number":
      return readNumber(value, options);
    case "bigint":
      return readBigint(value);
    case "object":
      break;
    default:
      throw new TypeError(
        `Setting "${path}" is a ${typeof value}: YAML settings hold only strings, numbers, booleans, null, lists and maps`,
      );
  }
  if (GoFloat.isInstance(value)) {
    return { kind: "float", value: value.value };
  }
  if (value instanceof Uint8Array) {
    return { kind: "bytes", value };
  }
  if (ancestors.has(value)) {
    throw new TypeError(`Setting "${path}" contains itself: YAML settings cannot be circular`);
  }
  ancestors.add(value);
  try {
    if (Array.isArray(value)) {
      const items = value.map((item: unknown, index) =>
        readValue(item, options, `${path}[${index}]`, ancestors),
      );
      return { kind: "list", items };
    }
    const prototype: unknown = Object.getPrototypeOf(value);
    if (prototype !== Object.prototype && prototype !== null) {
      const typeName = (value as { constructor?: { name?: string } }).constructor?.name ?? "object";
      throw new TypeError(
        `Setting "${path}" is a ${typeName}: write it as a string, number, boolean, null, array or plain object`,
      );
    }
    const entries = new Map<string, GoYamlValue>();
    for (const [key, member] of Object.entries(value)) {
      entries.set(key, readValue(member, options, `${path}.${key}`, ancestors));
    }
    return { kind: "map", entries };
  } finally {
    ancestors.delete(value);
  }
}

function readNumber(value: number, options: ReadGoYamlValueOptions): GoYamlValue {
  if (Object.is(value, -0)) {
    return options.negativeZero === "int" ? { kind: "int", value: 0n } : { kind: "float", value };
  }
  if (!Number.isInteger(value) || value < int64Minimum || value >= uint64Limit) {
    return { kind: "float", value };
  }
  return readBigint(BigInt(value));
}

/** yaml.v2 and go-yaml try int64, then uint64, then float64 for a plain integer. */
function readBigint(value: bigint): GoYamlValue {
  if (value >= int64MinimumBigint && value < int64LimitBigint) {
    return { kind: "int", value };
  }
  if (value >= int64LimitBigint && value < uint64LimitBigint) {
    return { kind: "uint", value };
  }
  return { kind: "float", value: Number(value) };
}
