import { isScalarOnly, type SettingKind, type ValueType } from "./setting-kind.js";

/** The result of decoding one variable: a value, or why the text does not fit. */
export type DecodeResult = { ok: true; value: unknown } | { ok: false; expected: string };

// Both runners print booleans with Go's strconv.FormatBool, so only these spellings can arrive
// from `settings:`; the capitalised forms are YAML 1.2 core spellings a user may type by hand.
const booleanSpellings: Record<string, boolean> = {
  true: true,
  True: true,
  TRUE: true,
  false: false,
  False: false,
  FALSE: false,
};

// Decimal, signed, with fraction and exponent (Go's 'g' format prints 9.334553e+06), plus the
// special values Go can print for floats.
const numberPattern = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const specialNumbers: Record<string, number> = {
  "+Inf": Number.POSITIVE_INFINITY,
  "-Inf": Number.NEGATIVE_INFINITY,
  NaN: Number.NaN,
};

/**
 * Decodes the text of one `PLUGIN_*` variable into the value a setting of the given kind holds:
 * the exact inverse of what Drone's and Woodpecker's encoders write.
 *
 * - strings are never re-typed;
 * - booleans are `true`/`false`; numbers may be in exponent form;
 * - lists arrive comma-joined, or as JSON when their items are not scalars (either is accepted);
 *   a comma inside a balanced `{…}` does not split an item, so a glob such as `*.{map,tmp}` stays
 *   one item (see {@link splitCommaList});
 * - maps and other structures arrive as JSON;
 * - an empty text is the empty string for strings (as the Go plugins read it), the empty list for
 *   lists, and "not set" (`undefined`) for everything else.
 */
export function decodeSettingValue(text: string, kind: SettingKind): DecodeResult {
  const { types } = kind;
  if (types.size > 0 && [...types].every((type) => type === "string" || type === "null")) {
    return { ok: true, value: text };
  }
  if (text === "") {
    return { ok: true, value: types.has("array") ? [] : undefined };
  }
  if (types.size === 0) return { ok: true, value: parseJson(text) ?? text };

  const trimmed = text.trim();
  if (types.has("array") && trimmed.startsWith("[")) {
    const parsed = parseJson(trimmed);
    if (Array.isArray(parsed)) return { ok: true, value: parsed };
  }
  if (types.has("object") && trimmed.startsWith("{")) {
    const parsed = parseJson(trimmed);
    if (isPlainObject(parsed)) return { ok: true, value: parsed };
  }
  if (types.has("boolean") && text in booleanSpellings) {
    return { ok: true, value: booleanSpellings[text] };
  }
  if (types.has("number") || types.has("integer")) {
    const number = parseNumber(text);
    if (number !== undefined) return { ok: true, value: number };
  }
  // Text that is not JSON stays text when the setting accepts text; else it is a comma list.
  if (types.has("string")) return { ok: true, value: text };
  if (types.has("array") && isScalarOnly(kind.itemTypes.size > 0 ? kind.itemTypes : scalarAny)) {
    return decodeCommaList(text, kind.itemTypes);
  }
  return { ok: false, expected: describeExpected(kind) };
}

const scalarAny: ReadonlySet<ValueType> = new Set(["string"]);

function decodeCommaList(text: string, itemTypes: ReadonlySet<ValueType>): DecodeResult {
  const items: unknown[] = [];
  for (const item of splitCommaList(text)) {
    if (itemTypes.size === 0 || itemTypes.has("string")) {
      items.push(item);
      continue;
    }
    if (itemTypes.has("boolean") && item in booleanSpellings) {
      items.push(booleanSpellings[item]);
      continue;
    }
    const number =
      itemTypes.has("number") || itemTypes.has("integer") ? parseNumber(item) : undefined;
    if (number === undefined) return { ok: false, expected: describeItems(itemTypes) };
    items.push(number);
  }
  return { ok: true, value: items };
}

/**
 * Splits a comma-joined list as the runners write it, except at commas inside a balanced `{…}`
 * pair (nested pairs included): `*.{map,tmp},dist/**` is `["*.{map,tmp}", "dist/**"]`.
 *
 * The runners join items with commas and escape nothing, so `["*.{map", "tmp}"]` and
 * `["*.{map,tmp}"]` arrive as the same text. The brace reading is the one a user means: lists of
 * globs (`exclude`, `source`) are where braces occur, and a glob's brace group holds commas. The
 * encoding stays exactly reversible for every list whose items have balanced braces (each `{`
 * closed by a later `}` of the same item), because then no pair spans two items. A `{` that is
 * never closed, or a `}` that closes nothing, is an ordinary character: the commas around it
 * split as usual (`a{,b` is `["a{", "b"]`). Backslashes escape nothing here, as in the runners.
 */
export function splitCommaList(text: string): string[] {
  const closingOf = matchBraces(text);
  const items: string[] = [];
  let start = 0;
  let insideUntil = -1;
  for (let index = 0; index < text.length; index += 1) {
    const closing = closingOf.get(index);
    if (closing !== undefined && index > insideUntil) insideUntil = closing;
    if (text[index] === "," && index > insideUntil) {
      items.push(text.slice(start, index));
      start = index + 1;
    }
  }
  items.push(text.slice(start));
  return items;
}

/** For each `{` that a later `}` closes, the index of that `}`. */
function matchBraces(text: string): Map<number, number> {
  const closingOf = new Map<number, number>();
  const open: number[] = [];
  for (let index = 0; index < text.length; index += 1) {
    if (text[index] === "{") {
      open.push(index);
    } else if (text[index] === "}") {
      const opening = open.pop();
      if (opening !== undefined) closingOf.set(opening, index);
    }
  }
  return closingOf;
}

/** Parses a number as Go prints it (`42`, `-1.5`, `9.334553e+06`, `+Inf`); undefined otherwise. */
export function parseNumber(text: string): number | undefined {
  if (text in specialNumbers) return specialNumbers[text];
  return numberPattern.test(text) ? Number(text) : undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function describeItems(itemTypes: ReadonlySet<ValueType>): string {
  const names = [...itemTypes].filter((type) => type !== "null").map(describeType);
  return `a list of ${names.join(" or ")}s, comma-separated (1,2,3) or JSON ([1,2,3])`;
}

function describeType(type: ValueType): string {
  switch (type) {
    case "boolean":
      return "boolean (true or false)";
    case "integer":
      return "whole number";
    case "array":
      return "list";
    case "object":
      return 'JSON object such as {"key":"value"}';
    default:
      return type;
  }
}

/** Describes, for an error message, the form a setting of this kind expects. */
export function describeExpected(kind: SettingKind): string {
  const types = [...kind.types].filter((type) => type !== "null");
  if (types.length === 1 && types[0] === "array") {
    return isScalarOnly(kind.itemTypes)
      ? describeItems(kind.itemTypes)
      : 'a JSON list such as [{"name":"value"}]';
  }
  const names = types.map((type) => {
    if (type === "boolean") return "true or false";
    if (type === "number") return "a number";
    if (type === "integer") return "a whole number";
    if (type === "array") return "a list";
    if (type === "object") return 'a JSON object such as {"key":"value"}';
    return "text";
  });
  return names.join(" or ");
}
