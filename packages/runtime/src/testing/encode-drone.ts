import { Buffer } from "node:buffer";
import { formatGoFloat } from "./go-float.js";
import { type GoJsonValue, marshalGoJson } from "./go-json.js";
import { goEqualFold, goToUpper } from "./go-strings.js";
import { formatYamlFloat, type GoYamlValue, readGoYamlValue } from "./go-yaml-value.js";

/** Options of {@link encodeDroneSettings}. */
export interface EncodeDroneSettingsOptions {
  /**
   * The secrets `{ from_secret: name }` reads, by name. Names match case-insensitively and the
   * first match wins, as in runner-go's static secret provider.
   * @default {}
   */
  secrets?: Readonly<Record<string, string>>;
}

/**
 * Encodes a step's `settings:` into `PLUGIN_*` variables exactly as drone-runner-docker does
 * (engine/compiler/step.go `createStep`, internal/encoder/encoder.go `Encode`):
 *
 * - the name is `PLUGIN_` + the upper-cased key; `-` and `.` are kept (`dry-run` → `PLUGIN_DRY-RUN`);
 * - `null` settings are skipped;
 * - a top-level `{ from_secret: name }` becomes the secret's value, or an empty variable when the
 *   secret is missing (the runner still sets the variable, with no data); a `from_secret` nested
 *   deeper is not resolved and stays in the JSON as written;
 * - strings as they are, booleans `true`/`false`, integers in decimal, floats as
 *   `strconv.FormatFloat(v, 'g', -1, 64)` (`9334553.0` → `9.334553e+06`), bytes in base64;
 * - a list of scalars comma-joined (`null` → empty item, floats as YAML writes them); any other
 *   list, and every map, as JSON with sorted keys, produced by a yaml.v2 → ghodss/yaml round
 *   trip (so `1.0` inside a map becomes `1`, and a NaN inside a map makes the whole value empty).
 *
 * Integral numbers are YAML ints; wrap a number in `goFloat()` to write a YAML float such as `1.0`.
 *
 * @example
 * encodeDroneSettings({ tags: ["latest", 1.2], dry_run: true, password: { from_secret: "pw" } },
 *   { secrets: { pw: "hunter2" } });
 * // { PLUGIN_TAGS: "latest,1.2", PLUGIN_DRY_RUN: "true", PLUGIN_PASSWORD: "hunter2" }
 */
export function encodeDroneSettings(
  settings: Record<string, unknown>,
  options: EncodeDroneSettingsOptions = {},
): Record<string, string> {
  const secrets = options.secrets ?? {};
  const env: Record<string, string> = {};
  for (const [key, rawValue] of Object.entries(settings)) {
    // drone/drone-yaml#13: a setting written as `key:` or `key: ~` is left out.
    if (rawValue === null || rawValue === undefined) {
      continue;
    }
    const name = `PLUGIN_${goToUpper(key)}`;
    const value = readGoYamlValue(rawValue, { negativeZero: "int" }, key);
    const secretName = readSecretName(value);
    env[name] =
      secretName === undefined ? encodeValue(value) : (findSecret(secrets, secretName) ?? "");
  }
  return env;
}

/**
 * The secret a setting refers to. runner-go's `Parameter.UnmarshalYAML` decodes the value into
 * `struct{ Secret string \`yaml:"from_secret"\` }`: yaml.v2 ignores other keys and accepts any
 * scalar as the string (`from_secret: 123` names the secret "123"); an empty name, or a list or
 * map under `from_secret`, leaves the setting a plain value.
 */
function readSecretName(value: GoYamlValue): string | undefined {
  if (value.kind !== "map") {
    return undefined;
  }
  const name = value.entries.get("from_secret");
  let text: string | undefined;
  switch (name?.kind) {
    case "string":
      text = name.value;
      break;
    case "bool":
      text = String(name.value);
      break;
    case "int":
    case "uint":
      text = name.value.toString();
      break;
    case "float":
      text = formatYamlFloat(name.value);
      break;
  }
  return text === "" ? undefined : text;
}

/**
 * runner-go's static provider matches with `strings.EqualFold` and returns the first match; a
 * secret with empty data counts as not found, which gives the same empty variable.
 */
function findSecret(secrets: Readonly<Record<string, string>>, name: string): string | undefined {
  for (const [secretName, secretValue] of Object.entries(secrets)) {
    if (goEqualFold(secretName, name)) {
      return secretValue;
    }
  }
  return undefined;
}

/** encoder.go `Encode`. */
function encodeValue(value: GoYamlValue): string {
  switch (value.kind) {
    case "string":
      return value.value;
    case "bool":
      return String(value.value);
    case "int":
      return value.value.toString();
    case "float":
      return formatGoFloat(value.value);
    case "bytes":
      return Buffer.from(value.value).toString("base64");
    case "list":
      return encodeList(value.items);
    default:
      // Maps, and uint64 (2^63…2^64-1), which `Encode` has no case for, go through encodeMap.
      return encodeJson(value);
  }
}

/**
 * encoder.go `encodeSlice`: the list is marshalled to YAML and unmarshalled into `[]string`. Any
 * scalar reads back as its YAML text (`null` as ""); a list or map item fails, and the whole list
 * becomes JSON instead.
 */
function encodeList(items: readonly GoYamlValue[]): string {
  const texts: string[] = [];
  for (const item of items) {
    switch (item.kind) {
      case "null":
        texts.push("");
        break;
      case "string":
        texts.push(item.value);
        break;
      case "bool":
        texts.push(String(item.value));
        break;
      case "int":
      case "uint":
        texts.push(item.value.toString());
        break;
      case "float":
        texts.push(formatYamlFloat(item.value));
        break;
      default:
        return encodeJson({ kind: "list", items });
    }
  }
  return texts.join(",");
}

/**
 * encoder.go `encodeMap`: buildkite/yaml (yaml.v2) marshal, then ghodss/yaml `YAMLToJSON`, which
 * parses the YAML again with yaml.v2 and calls Go 1.16's `json.Marshal`. Errors are ignored and
 * give an empty string, which happens when a float inside is NaN or infinite.
 */
function encodeJson(value: GoYamlValue): string {
  try {
    return marshalGoJson(toJsonValue(value), { shortBackspaceAndFormFeed: false });
  } catch (error) {
    if (error instanceof RangeError) {
      return "";
    }
    throw error;
  }
}

/** What yaml.v2 reads back from the YAML it wrote for a value. */
function toJsonValue(value: GoYamlValue): GoJsonValue {
  switch (value.kind) {
    case "null":
      return null;
    case "string":
    case "bool":
      return value.value;
    case "int":
    case "uint":
      return value.value;
    case "float":
      return rereadFloat(value.value);
    case "bytes":
      // yaml.v2 writes a []byte as a list of its byte values.
      return Array.from(value.value, (byte) => BigInt(byte));
    case "list":
      return value.items.map(toJsonValue);
    case "map":
      return new Map([...value.entries].map(([key, member]) => [key, toJsonValue(member)]));
  }
}

/**
 * A float written as `1`, `-0` or `123456` reads back as an int (yaml.v2 tries int64 first,
 * so `-0` becomes 0); `1e+06`, `1.5`, `.inf` and `.nan` read back as floats.
 */
function rereadFloat(value: number): GoJsonValue {
  const text = formatYamlFloat(value);
  return /^-?\d+$/.test(text) ? BigInt(text) : value;
}
