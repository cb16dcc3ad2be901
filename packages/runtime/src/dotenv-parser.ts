import { SpotkitError } from "./spotkit-error.js";

/**
 * The versions of github.com/harness/godotenv whose reading rules {@link parseGodotenv} follows:
 * - `v3` — what drone-plugins/drone-plugin-lib (`harness/variables.go`) reads and writes
 *   `$DRONE_OUTPUT` with; the same parser as joho/godotenv 1.5.
 * - `v4` — v3 with different escapes: `\t \f \b \v \"` are decoded, and `\\`, `\!`, `` \` `` are
 *   kept as two characters. Harness lite-engine reads step outputs with it.
 * - `v2` — the older line-by-line parser (joho/godotenv 1.4), lite-engine's fallback.
 */
export type GodotenvVersion = "v2" | "v3" | "v4";

/** One `KEY=value` statement of a dotenv text. */
export interface DotenvStatement {
  /** The variable's name. */
  key: string;
  /** The value as godotenv reads it (quotes removed, escapes and `$VARIABLES` expanded). */
  value: string;
  /** Where the statement starts in {@link ParsedDotenv.text} (its first non-space character). */
  start: number;
  /** Where the statement ends in {@link ParsedDotenv.text}: after the closing quote, or at the end of the line. */
  end: number;
}

/** The statements of a dotenv text, in file order, duplicates included (the last one wins). */
export interface ParsedDotenv {
  /** The text the offsets refer to: v3 and v4 replace every CRLF by LF before they parse. */
  text: string;
  /** The statements in file order. */
  statements: DotenvStatement[];
}

/**
 * Parses a dotenv text exactly as the given godotenv version does, including its quirks (a
 * double-quoted value that ends with `\"` loses it; `a # b` is `a`; `$NAME` expands from the
 * statements above). Ported from harness/godotenv v2.0.0, v3.0.1 and v4.0.2.
 *
 * @throws SpotkitError `E_DOTENV_INVALID` where godotenv returns an error.
 */
export function parseGodotenv(text: string, version: GodotenvVersion = "v3"): ParsedDotenv {
  return version === "v2" ? parseLines(text) : parseStatements(text, version);
}

/**
 * The variables of a dotenv text as godotenv's `Read` returns them (the last statement of a name wins).
 *
 * @throws SpotkitError `E_DOTENV_INVALID` where godotenv returns an error.
 */
export function readGodotenv(text: string, version: GodotenvVersion = "v3"): Map<string, string> {
  const variables = new Map<string, string>();
  for (const statement of parseGodotenv(text, version).statements) {
    variables.set(statement.key, statement.value);
  }
  return variables;
}

// --- v3 and v4: parser.go ---

function parseStatements(source: string, version: "v3" | "v4"): ParsedDotenv {
  const text = source.replaceAll("\r\n", "\n");
  const statements: DotenvStatement[] = [];
  const variables = new Map<string, string>();
  let position = 0;
  // Each statement consumes at least one character, so the text's length bounds the loop.
  for (let guard = 0; guard <= text.length; guard += 1) {
    const start = findStatementStart(text, position);
    if (start === -1) break;
    const { key, valueStart } = locateKeyName(text, start);
    const { value, end, next } = extractValue(text, valueStart, variables, version);
    variables.set(key, value);
    statements.push({ key, value, start, end });
    if (next === -1 || next <= position) break;
    position = next;
  }
  return { text, statements };
}

/** getStatementStart: skips whitespace (newlines included) and `#` comment lines. */
function findStatementStart(text: string, from: number): number {
  let index = from;
  for (let guard = 0; guard <= text.length; guard += 1) {
    index = skipWhile(text, index, isUnicodeSpace);
    if (index >= text.length) return -1;
    if (text[index] !== "#") return index;
    const newline = text.indexOf("\n", index);
    if (newline === -1) return -1;
    index = newline;
  }
  return -1;
}

/** locateKeyName: an optional `export`, then the name up to `=` or `:` (YAML style). */
function locateKeyName(text: string, start: number): { key: string; valueStart: number } {
  let position = skipWhile(text, start, isSpace);
  if (text.startsWith("export", position)) {
    const after = position + "export".length;
    if (after < text.length && isSpace(text.codePointAt(after) ?? 0)) {
      position = skipWhile(text, after, isSpace);
    }
  }
  let index = position;
  while (index < text.length) {
    const codePoint = text.codePointAt(index) ?? 0;
    const character = String.fromCodePoint(codePoint);
    if (character === "=" || character === ":") {
      const key = trimEndWhile(text.slice(position, index), isUnicodeSpace);
      return { key, valueStart: skipWhile(text, index + 1, isSpace) };
    }
    if (!isKeyCharacter(codePoint)) {
      throw invalid(
        `unexpected character ${JSON.stringify(character)} in variable name near ${JSON.stringify(text.slice(position, position + 40))}`,
      );
    }
    index += character.length;
  }
  // No "=" up to the end of the text: godotenv reads the rest as the value of an empty name.
  return { key: "", valueStart: position };
}

/**
 * godotenv loops over the name's bytes, not its characters, and checks each byte as if it were a
 * Latin-1 character; this keeps that, so a name it rejects is rejected here too.
 */
function isKeyCharacter(codePoint: number): boolean {
  if (codePoint < 0x80) {
    return isSpace(codePoint) || /[A-Za-z0-9_./-]/.test(String.fromCodePoint(codePoint));
  }
  return [...Buffer.from(String.fromCodePoint(codePoint), "utf8")].every(
    (byte) => isSpace(byte) || isLatin1LetterOrNumber(byte),
  );
}

/** extractVarValue: a quoted value may span lines; an unquoted one ends at the line's end. */
function extractValue(
  text: string,
  from: number,
  variables: Map<string, string>,
  version: "v3" | "v4",
): { value: string; end: number; next: number } {
  const quote = text[from];
  if (quote !== '"' && quote !== "'") {
    let endOfLine = indexOfLineEnd(text, from);
    if (endOfLine === -1) {
      endOfLine = text.length;
      if (endOfLine === from) return { value: "", end: from, next: -1 };
    }
    const line = Array.from(text.slice(from, endOfLine));
    if (line.length === 0) return { value: "", end: endOfLine, next: endOfLine };
    // A comment starts at the last "#" that follows a space.
    let endOfValue = line.length;
    for (let index = line.length - 1; index > 0; index -= 1) {
      if (line[index] === "#" && isSpace(line[index - 1]?.codePointAt(0) ?? 0)) {
        endOfValue = index;
        break;
      }
    }
    const trimmed = trimEndWhile(
      line.slice(skipCount(line, isSpace), endOfValue).join(""),
      isSpace,
    );
    return { value: expandVariables(trimmed, variables), end: endOfLine, next: endOfLine };
  }
  for (let index = from + 1; index < text.length; index += 1) {
    if (text[index] !== quote || text[index - 1] === "\\") continue;
    // bytes.TrimLeftFunc(bytes.TrimRightFunc(src[0:i], quote), quote): every quote at either end goes.
    let value = text.slice(from, index);
    value = value
      .replace(quote === '"' ? /"+$/ : /'+$/, "")
      .replace(quote === '"' ? /^"+/ : /^'+/, "");
    if (quote === '"') value = expandVariables(expandEscapes(value, version), variables);
    return { value, end: index + 1, next: index + 1 };
  }
  const lineEnd = text.indexOf("\n", from);
  throw invalid(
    `unterminated quoted value ${text.slice(from, lineEnd === -1 ? text.length : lineEnd)}`,
  );
}

function expandEscapes(value: string, version: "v2" | "v3" | "v4"): string {
  // Go's "." matches anything but "\n", "\r" included.
  const expanded = value.replace(/\\[^\n]/gu, (match) => {
    const escaped = match.slice(1);
    if (escaped === "n") return "\n";
    if (escaped === "r") return "\r";
    if (version === "v4") {
      const decoded = v4Escapes.get(escaped);
      if (decoded !== undefined) return decoded;
    }
    return match;
  });
  // v2 and v3 then drop the backslash before anything but "$" (expandVariables handles "\$").
  return version === "v4" ? expanded : expanded.replace(/\\([^$])/gu, "$1");
}

const v4Escapes = new Map([
  ["t", "\t"],
  ["f", "\f"],
  ["b", "\b"],
  ["v", "\v"],
  ['"', '"'],
]);

function expandVariables(value: string, variables: Map<string, string>): string {
  return value.replace(
    /(\\)?(\$)(\()?\{?([A-Z0-9_]+)?\}?/g,
    (
      match,
      backslash: string | undefined,
      _dollar: string,
      parenthesis: string | undefined,
      name: string | undefined,
    ) => {
      if (backslash === "\\" || parenthesis === "(") return match.slice(1);
      if (name) return variables.get(name) ?? "";
      return match;
    },
  );
}

// --- v2: the line-based parser of godotenv.go ---

// bufio.Scanner's default limit: a longer line is an error ("token too long").
const maximumLineBytes = 64 * 1024;

function parseLines(text: string): ParsedDotenv {
  const statements: DotenvStatement[] = [];
  const variables = new Map<string, string>();
  let lineStart = 0;
  while (lineStart < text.length) {
    const newline = text.indexOf("\n", lineStart);
    const lineEnd = newline === -1 ? text.length : newline;
    let line = text.slice(lineStart, lineEnd);
    if (Buffer.byteLength(line, "utf8") >= maximumLineBytes) {
      throw invalid("bufio.Scanner: token too long");
    }
    // bufio.ScanLines drops one "\r" before the line's end.
    if (line.endsWith("\r")) line = line.slice(0, -1);
    const trimmed = trimEndWhile(line.slice(skipWhile(line, 0, isUnicodeSpace)), isUnicodeSpace);
    if (trimmed !== "" && !trimmed.startsWith("#")) {
      const { key, value } = parseLine(line, variables);
      variables.set(key, value);
      statements.push({ key, value, start: lineStart, end: lineEnd });
    }
    if (newline === -1) break;
    lineStart = newline + 1;
  }
  return { text, statements };
}

function parseLine(
  fullLine: string,
  variables: Map<string, string>,
): { key: string; value: string } {
  let line = fullLine;
  // "ditch the comments (but keep quoted hashes)", with godotenv 1.4's quote counting.
  if (line.includes("#")) {
    let quotesAreOpen = false;
    const segmentsToKeep: string[] = [];
    for (const segment of line.split("#")) {
      if (count(segment, '"') === 1 || count(segment, "'") === 1) {
        if (quotesAreOpen) {
          quotesAreOpen = false;
          segmentsToKeep.push(segment);
        } else {
          quotesAreOpen = true;
        }
      }
      if (segmentsToKeep.length === 0 || quotesAreOpen) segmentsToKeep.push(segment);
    }
    line = segmentsToKeep.join("#");
  }
  const firstEquals = line.indexOf("=");
  const firstColon = line.indexOf(":");
  const separator =
    firstColon !== -1 && (firstColon < firstEquals || firstEquals === -1) ? ":" : "=";
  const separatorIndex = line.indexOf(separator);
  if (separatorIndex === -1) throw invalid("Can't separate key from value");
  const key = line
    .slice(0, separatorIndex)
    .replace(/^[\t\n\f\r ]*(?:export[\t\n\f\r ]+)?([^\n]*?)[\t\n\f\r ]*$/, "$1");
  return { key, value: parseLineValue(line.slice(separatorIndex + 1), variables) };
}

function parseLineValue(rawValue: string, variables: Map<string, string>): string {
  let value = rawValue.replace(/^ +| +$/g, "");
  if (Buffer.byteLength(value, "utf8") <= 1) return value;
  const singleQuoted = /^'[^\n]*'$/.test(value);
  const doubleQuoted = /^"[^\n]*"$/.test(value);
  if (singleQuoted || doubleQuoted) value = value.slice(1, -1);
  if (doubleQuoted) value = expandEscapes(value, "v2");
  return singleQuoted ? value : expandVariables(value, variables);
}

// --- character classes and helpers ---

/** godotenv's isSpace: whitespace that does not end a line. */
function isSpace(codePoint: number): boolean {
  return (
    codePoint === 0x09 ||
    codePoint === 0x0b ||
    codePoint === 0x0c ||
    codePoint === 0x0d ||
    codePoint === 0x20 ||
    codePoint === 0x85 ||
    codePoint === 0xa0
  );
}

/** Go's unicode.IsSpace. */
function isUnicodeSpace(codePoint: number): boolean {
  return (
    (codePoint >= 0x09 && codePoint <= 0x0d) ||
    codePoint === 0x20 ||
    codePoint === 0x85 ||
    codePoint === 0xa0 ||
    codePoint === 0x1680 ||
    (codePoint >= 0x2000 && codePoint <= 0x200a) ||
    codePoint === 0x2028 ||
    codePoint === 0x2029 ||
    codePoint === 0x202f ||
    codePoint === 0x205f ||
    codePoint === 0x3000
  );
}

/** Go's unicode.IsLetter || unicode.IsNumber for a byte taken as a Latin-1 character (≥ 0x80). */
function isLatin1LetterOrNumber(byte: number): boolean {
  return (
    byte === 0xaa ||
    byte === 0xb2 ||
    byte === 0xb3 ||
    byte === 0xb5 ||
    byte === 0xb9 ||
    byte === 0xba ||
    (byte >= 0xbc && byte <= 0xbe) ||
    (byte >= 0xc0 && byte <= 0xff && byte !== 0xd7 && byte !== 0xf7)
  );
}

function skipWhile(text: string, from: number, predicate: (codePoint: number) => boolean): number {
  let index = from;
  while (index < text.length) {
    const codePoint = text.codePointAt(index) ?? 0;
    if (!predicate(codePoint)) break;
    index += codePoint > 0xffff ? 2 : 1;
  }
  return index;
}

function skipCount(characters: string[], predicate: (codePoint: number) => boolean): number {
  let index = 0;
  while (index < characters.length && predicate(characters[index]?.codePointAt(0) ?? 0)) index += 1;
  return index;
}

function trimEndWhile(text: string, predicate: (codePoint: number) => boolean): string {
  const characters = Array.from(text);
  let end = characters.length;
  while (end > 0 && predicate(characters[end - 1]?.codePointAt(0) ?? 0)) end -= 1;
  return characters.slice(0, end).join("");
}

function indexOfLineEnd(text: string, from: number): number {
  const newline = text.indexOf("\n", from);
  const carriageReturn = text.indexOf("\r", from);
  if (newline === -1) return carriageReturn;
  if (carriageReturn === -1) return newline;
  return Math.min(newline, carriageReturn);
}

function count(text: string, character: string): number {
  return text.split(character).length - 1;
}

function invalid(message: string): SpotkitError {
  return new SpotkitError("E_DOTENV_INVALID", message);
}
