import { SpotkitError } from "../spotkit-error.js";
import { formatGoFloat } from "./go-float.js";
import { type GoJsonValue, marshalGoJson } from "./go-json.js";
import { goToLower, goToUpper } from "./go-strings.js";
import { formatYamlFloat, type GoYamlValue, readGoYamlValue } from "./go-yaml-value.js";

/** Options of {@link encodeWoodpeckerSettings}. */
export interface EncodeWoodpeckerSettingsOptions {
  /**
   * The secrets `{ from_secret: name }` reads, by name. Woodpecker lower-cases both the stored
   * names and the name asked for.
   * @default {}
   */
  secrets?: Readonly<Record<string, string>>;
  /**
   * Put before each name. Woodpecker encodes `settings:` with `PLUGIN_` and a step's
   * `environment:` with the same function and no prefix.
   * @default "PLUGIN_"
   */
  prefix?: string;
  /**
   * Replace `.` and `-` in keys with `_` and upper-case them, as Woodpecker does for `settings:`
   * (and not for `environment:`).
   * @default true
   */
  normalizeKeys?: boolean;
}

/**
 * Encodes a step's `settings:` into `PLUGIN_*` variables exactly as Woodpecker does
 * (pipeline/frontend/yaml/compiler/settings/params.go `ParamsToEnv`, called from convert.go):
 *
 * - the name is `PLUGIN_` + the key with `.` and `-` replaced by `_`, upper-cased
 *   (`dry-run`, `dry.run`, `dry_Run` → `PLUGIN_DRY_RUN`); `null` settings and empty keys are skipped;
 * - `{ from_secret: name }` is resolved anywhere, also inside maps and lists;
 * - strings as they are, booleans `true`/`false`, integers in decimal, floats with Go's `%v`
 *   (the same text as `strconv.FormatFloat(v, 'g', -1, 64)`);
 * - a list of scalars comma-joined, a `null` item leaving an empty slot (`[a, null]` → `a,`);
 *   an empty list gives `""`; a list with a map or list in it, and every map, become JSON with
 *   sorted keys, produced by a go-yaml v4 → yaml2json round trip (numbers stay numbers).
 *
 * Integral numbers are YAML ints; wrap a number in `goFloat()` to write a YAML float such as `1.0`.
 *
 * @throws SpotkitError `E_SECRET_NOT_FOUND` when a secret is missing (Woodpecker fails the
 * pipeline at compile time), `E_FROM_SECRET_NOT_STRING` when `from_secret` is not a string, and
 * `E_SETTING_NOT_ENCODABLE` for the values Woodpecker cannot encode inside JSON (NaN, ±Infinity,
 * integers from 2^63 to 2^64-1).
 * @throws TypeError for values YAML cannot hold.
 *
 * @example
 * encodeWoodpeckerSettings({ "dry-run": true, registries: [{ password: { from_secret: "PW" } }] },
 *   { secrets: { pw: "hunter2" } });
 * // { PLUGIN_DRY_RUN: "true", PLUGIN_REGISTRIES: '[{"password":"hunter2"}]' }
 */
export function encodeWoodpeckerSettings(
  settings: Record<string, unknown>,
  options: EncodeWoodpeckerSettingsOptions = {},
): Record<string, string> {
  const prefix = options.prefix ?? "PLUGIN_";
  const normalizeKeys = options.normalizeKeys ?? true;
  // compiler/option.go `WithSecret` stores each secret under its lower-cased name; a later
  // secret with the same lower-cased name replaces an earlier one.
  const secrets = new Map<string, string>();
  for (const [name, value] of Object.entries(options.secrets ?? {})) {
    secrets.set(goToLower(name), value);
  }
  const env: Record<string, string> = {};
  for (const [key, rawValue] of Object.entries(settings)) {
    if (rawValue === null || rawValue === undefined || key.length === 0) {
      continue;
    }
    const name =
      prefix + (normalizeKeys ? goToUpper(key.replaceAll(".", "_").replaceAll("-", "_")) : key);
    const value = readGoYamlValue(rawValue, { negativeZero: "float" }, key);
    env[name] = new ValueEncoder(key, secrets).encode(value);
  }
  return env;
}

/** params.go's `sanitizeParamValue` and helpers, for one setting. */
class ValueEncoder {
  constructor(
    private readonly key: string,
    private readonly secrets: ReadonlyMap<string, string>,
  ) {}

  encode(value: GoYamlValue): string {
    switch (value.kind) {
      case "bool":
        return String(value.value);
      case "string":
        return value.value;
      case "int":
        return value.value.toString();
      case "float":
        return formatGoFloat(value.value);
      case "map": {
        const secret = this.readSecret(value);
        return secret ?? this.encodeComplex(value);
      }
      case "list":
        return value.items.length === 0 ? "" : this.encodeList(value.items);
      case "bytes":
        // A typed []uint8 has complex elements, so it skips the comma-join and becomes JSON.
        return value.value.length === 0 ? "" : this.encodeComplex(value);
      default:
        // uint64 is not among the handled kinds and falls through to handleComplex.
        return this.encodeComplex(value);
    }
  }

  /**
   * Scalars are comma-joined; a null item stays an empty slot. The first list or map item
   * switches the whole list to JSON, where a `from_secret` item is resolved too.
   */
  private encodeList(items: readonly GoYamlValue[]): string {
    const texts: string[] = [];
    for (const item of items) {
      switch (item.kind) {
        case "null":
          texts.push("");
          break;
        case "bool":
        case "string":
        case "int":
        case "float":
          texts.push(this.encode(item));
          break;
        default:
          return this.encodeComplex({ kind: "list", items });
      }
    }
    return texts.join(",");
  }

  /** `handleComplex`: resolve secrets recursively, then go-yaml v4 `Marshal` + `yaml2json.Convert`. */
  private encodeComplex(value: GoYamlValue): string {
    return marshalGoJson(this.toJsonValue(value), { shortBackspaceAndFormFeed: true });
  }

  /** `injectSecretRecursive` followed by what yaml2json reads back from go-yaml's output. */
  private toJsonValue(value: GoYamlValue): GoJsonValue {
    switch (value.kind) {
      case "null":
        return null;
      case "string":
      case "bool":
      case "int":
        return value.value;
      case "uint":
        // yaml2json parses every !!int with strconv.ParseInt(value, 10, 64).
        throw this.notEncodable(
          `strconv.ParseInt: parsing "${value.value}": value out of range`,
          "an integer from 2^63 to 2^64-1",
        );
      case "float":
        return this.rereadFloat(value.value);
      case "bytes":
        return Array.from(value.value, (byte) => BigInt(byte));
      case "list":
        return value.items.map((item) => this.toJsonValue(item));
      case "map": {
        const secret = this.readSecret(value);
        if (secret !== undefined) {
          return secret;
        }
        return new Map([...value.entries].map(([key, member]) => [key, this.toJsonValue(member)]));
      }
    }
  }

  /**
   * go-yaml writes a float with Go's `'g'` format and reads `1` or `123456` back as an int and
   * `-0` as the float -0 (kept by json.Marshal). yaml2json reads `.nan` and `.inf` with
   * strconv.ParseFloat, which rejects them.
   */
  private rereadFloat(value: number): GoJsonValue {
    const text = formatYamlFloat(value);
    if (!Number.isFinite(value)) {
      throw this.notEncodable(`strconv.ParseFloat: parsing "${text}": invalid syntax`, text);
    }
    return text !== "-0" && /^-?\d+$/.test(text) ? BigInt(text) : value;
  }

  /** `injectSecret`: the secret's value when the map has a `from_secret` key, else undefined. */
  private readSecret(value: GoYamlValue & { kind: "map" }): string | undefined {
    const name = value.entries.get("from_secret");
    if (name === undefined) {
      return undefined;
    }
    if (name.kind !== "string") {
      throw new SpotkitError(
        "E_FROM_SECRET_NOT_STRING",
        `from_secret has to be a string: setting "${this.key}" gives a ${name.kind}; write the secret's name`,
      );
    }
    const lowerCaseName = goToLower(name.value);
    const secret = this.secrets.get(lowerCaseName);
    if (secret === undefined) {
      throw new SpotkitError(
        "E_SECRET_NOT_FOUND",
        `secret ${JSON.stringify(lowerCaseName)} not found: setting "${this.key}" reads it with from_secret; add it to the secrets`,
      );
    }
    return secret;
  }

  private notEncodable(goMessage: string, what: string): SpotkitError {
    return new SpotkitError(
      "E_SETTING_NOT_ENCODABLE",
      `${goMessage}: Woodpecker cannot encode ${what} inside setting "${this.key}"; write it as a string`,
    );
  }
}
