import { parseEnv } from "node:util";
import { type GodotenvVersion, readGodotenv } from "./dotenv-parser.js";

/**
 * The readers a `$DRONE_OUTPUT` .env file meets: godotenv v3 (drone-plugin-lib, the reference),
 * v4 and v2 (Harness lite-engine reads step outputs with v4 and falls back to v2), and Node's
 * `util.parseEnv` (the dotenv rules JavaScript tools, spotkit's own test helpers among them, use).
 */
const otherGodotenvVersions: GodotenvVersion[] = ["v4", "v2"];

/**
 * Formats one `KEY=value` line of a .env file so that godotenv reads `value` back unchanged.
 *
 * The candidates are, in order: the form godotenv's own `Marshal` writes (`KEY=42` for an integer,
 * else `KEY="…"` with `\ \n \r " ! $ backquote` escaped), the double-quoted form, a single-quoted
 * one and a bare one. Of those godotenv v3 reads back exactly, the one the most other readers above
 * also read back exactly is chosen, the earliest among equals. So a plain value is written byte for
 * byte as drone-plugin-lib writes it, while `hello!` becomes `'hello!'` (v4 and Node would read
 * `"hello\!"` as `hello\!`).
 *
 * @returns the line without its newline, or `undefined` when godotenv v3 cannot read the value back
 * in any form: double quotes lose a final `\"` or `\\`, single quotes cannot hold `'` or a final
 * `\`, and a bare value must be one line without surrounding spaces, `$`, or ` #`.
 */
export function formatDotenvEntry(key: string, value: string): string | undefined {
  const candidates = [
    ...new Set([marshalForm(value), doubleQuoted(value), `'${value}'`, value]),
  ].map((form) => `${key}=${form}`);
  let chosen: string | undefined;
  let chosenReaders = -1;
  for (const line of candidates) {
    if (!readsBack(line, key, value, "v3")) continue;
    const readers =
      otherGodotenvVersions.filter((version) => readsBack(line, key, value, version)).length +
      (nodeReadsBack(line, key, value) ? 1 : 0);
    // Strictly more readers wins, so among equals the earlier (godotenv's own) form stays.
    if (readers > chosenReaders) {
      chosen = line;
      chosenReaders = readers;
    }
  }
  return chosen;
}

/** godotenv's `Marshal` for one value: integers as `%d` of `strconv.Atoi`, the rest double-quoted. */
function marshalForm(value: string): string {
  if (/^[+-]?[0-9]+$/.test(value)) {
    const number = BigInt(value);
    // Atoi fails outside int64, and Marshal then quotes the value.
    if (number >= -(2n ** 63n) && number < 2n ** 63n) return number.toString();
  }
  return doubleQuoted(value);
}

/** godotenv's doubleQuoteEscape. */
function doubleQuoted(value: string): string {
  const escaped = value.replace(/[\\\n\r"!$`]/g, (character) => {
    if (character === "\n") return "\\n";
    if (character === "\r") return "\\r";
    return `\\${character}`;
  });
  return `"${escaped}"`;
}

function readsBack(line: string, key: string, value: string, version: GodotenvVersion): boolean {
  try {
    const variables = readGodotenv(`${line}\n`, version);
    return variables.size === 1 && variables.get(key) === value;
  } catch {
    return false;
  }
}

function nodeReadsBack(line: string, key: string, value: string): boolean {
  try {
    const variables = parseEnv(`${line}\n`);
    return Object.keys(variables).length === 1 && variables[key] === value;
  } catch {
    return false;
  }
}
