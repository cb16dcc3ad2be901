import { Buffer } from "node:buffer";

/**
 * A value as Go's `encoding/json` sees it after the runners' YAML → JSON conversion:
 * `bigint` is a Go integer, `number` a float64, `Map` a `map[string]interface{}`.
 */
export type GoJsonValue =
  | null
  | boolean
  | string
  | bigint
  | number
  | readonly GoJsonValue[]
  | ReadonlyMap<string, GoJsonValue>;

/** Which Go release's `encoding/json` to imitate. */
export interface GoJsonOptions {
  /**
   * Write backspace and form feed as `\b` and `\f` (Go 1.22 and later, Woodpecker) rather than
   * `\u0008` and `\u000c` (Go 1.16, which builds drone-runner-docker).
   */
  shortBackspaceAndFormFeed: boolean;
}

/**
 * Marshals a value exactly as Go's `json.Marshal` does: compact, object keys sorted by their
 * UTF-8 bytes, `<`, `>`, `&`, U+2028 and U+2029 escaped as `\u003c`…, floats in the shortest
 * form (`1000000`, `1e+21`, `1e-7`, `-0`).
 *
 * @throws RangeError for NaN and ±Infinity, with Go's message (`json: unsupported value: NaN`).
 */
export function marshalGoJson(value: GoJsonValue, options: GoJsonOptions): string {
  if (value === null) {
    return "null";
  }
  switch (typeof value) {
    case "boolean":
      return String(value);
    case "string":
      return quoteGoJsonString(value, options);
    case "bigint":
      return value.toString();
    case "number":
      return formatGoJsonFloat(value);
  }
  if (Array.isArray(value)) {
    return `[${value.map((item: GoJsonValue) => marshalGoJson(item, options)).join(",")}]`;
  }
  const entries = [...(value as ReadonlyMap<string, GoJsonValue>)].sort(([left], [right]) =>
    Buffer.compare(Buffer.from(left), Buffer.from(right)),
  );
  const members = entries.map(
    ([key, member]) => `${quoteGoJsonString(key, options)}:${marshalGoJson(member, options)}`,
  );
  return `{${members.join(",")}}`;
}

/** Go's float encoder: `%f` between 1e-6 and 1e21, else `%e` with `e-07` shortened to `e-7`. */
function formatGoJsonFloat(value: number): string {
  if (!Number.isFinite(value)) {
    const text = Number.isNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf";
    throw new RangeError(`json: unsupported value: ${text}`);
  }
  // Those are also the layout rules of JavaScript's number-to-string conversion, except that
  // Go keeps the sign of negative zero.
  return Object.is(value, -0) ? "-0" : String(value);
}

const hexDigits = "0123456789abcdef";

function quoteGoJsonString(text: string, options: GoJsonOptions): string {
  let result = '"';
  for (const character of text) {
    const codePoint = character.codePointAt(0) ?? 0;
    switch (character) {
      case '"':
      case "\\":
        result += `\\${character}`;
        continue;
      case "\n":
        result += "\\n";
        continue;
      case "\r":
        result += "\\r";
        continue;
      case "\t":
        result += "\\t";
        continue;
      case "\b":
        result += options.shortBackspaceAndFormFeed ? "\\b" : "\\u0008";
        continue;
      case "\f":
        result += options.shortBackspaceAndFormFeed ? "\\f" : "\\u000c";
        continue;
      case "<":
      case ">":
      case "&":
      case "\u2028":
      case "\u2029":
        result += `\\u${codePoint.toString(16).padStart(4, "0")}`;
        continue;
    }
    if (codePoint < 0x20) {
      result += `\\u00${hexDigits[codePoint >> 4]}${hexDigits[codePoint & 0xf]}`;
    } else if (codePoint >= 0xd800 && codePoint <= 0xdfff) {
      // A lone surrogate reaches Go as the UTF-8 of U+FFFD (Node replaces it when encoding),
      // which is valid and written as is.
      result += "\ufffd";
    } else {
      result += character;
    }
  }
  return `${result}"`;
}
