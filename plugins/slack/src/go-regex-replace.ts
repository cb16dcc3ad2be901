/**
 * Go's `regexp.MustCompile(pattern).ReplaceAllString(input, replacement)`, which is what
 * drone-template-lib's `regexReplace` helper runs, on top of JavaScript regular expressions.
 *
 * Patterns are RE2 syntax; the parts that differ from JavaScript and that templates use are
 * translated: named groups `(?P<name>…)`, leading flag groups `(?i)`, `(?s)`, `(?m)`, and the
 * anchors `\A` and `\z`. Replacements follow Go's `Regexp.Expand`: `$1`, `${1}`, `$name`,
 * `${name}`, `$$` for a dollar sign; `$1x` means the group named `1x` (empty), as in Go.
 * Empty matches right after a previous match are skipped, as Go does (`a*` on `baaac` gives
 * `-b-c-`, where JavaScript's `replace` gives `-b--c-`).
 *
 * @throws {SyntaxError} when the pattern is not a valid regular expression.
 */
export function goRegexReplace(pattern: string, input: string, replacement: string): string {
  const expression = compileGoPattern(pattern);
  let output = "";
  let copiedUpTo = 0;
  let previousEnd = -1;
  for (const match of input.matchAll(expression)) {
    const start = match.index;
    const end = start + match[0].length;
    if (match[0] === "" && start === previousEnd) continue;
    output += input.slice(copiedUpTo, start) + expandReplacement(replacement, match);
    copiedUpTo = end;
    previousEnd = end;
  }
  return output + input.slice(copiedUpTo);
}

/** Translates an RE2 pattern into a global JavaScript `RegExp`. */
export function compileGoPattern(pattern: string): RegExp {
  let flags = "g";
  let source = pattern;
  // RE2 allows flags for the whole pattern in a leading group; JavaScript takes them separately.
  const leadingFlags = /^\(\?([imsU]+)\)/.exec(source);
  if (leadingFlags) {
    const letters = leadingFlags[1] as string;
    if (letters.includes("U")) {
      throw new SyntaxError("the (?U) flag (ungreedy) of Go regular expressions is not supported");
    }
    for (const letter of new Set(letters)) flags += letter;
    source = source.slice(leadingFlags[0].length);
  }
  source = translateSyntax(source);
  // Unicode mode matches runes like Go does, but rejects escapes such as \- that Go accepts; fall
  // back to the plain mode for those patterns.
  try {
    return new RegExp(source, `${flags}u`);
  } catch {
    return new RegExp(source, flags);
  }
}

function translateSyntax(source: string): string {
  let output = "";
  for (let index = 0; index < source.length; index++) {
    const character = source[index] as string;
    if (character === "\\") {
      const next = source[index + 1];
      index++;
      if (next === "A") output += "^";
      else if (next === "z") output += "(?![\\s\\S])";
      else output += `\\${next ?? ""}`;
      continue;
    }
    if (source.startsWith("(?P<", index)) {
      output += "(?<";
      index += 3;
      continue;
    }
    output += character;
  }
  return output;
}

const namePattern = /^[A-Za-z0-9_]+/;

function expandReplacement(template: string, match: RegExpExecArray | RegExpMatchArray): string {
  let output = "";
  let rest = template;
  while (rest !== "") {
    const dollar = rest.indexOf("$");
    if (dollar < 0) break;
    output += rest.slice(0, dollar);
    rest = rest.slice(dollar + 1);
    if (rest.startsWith("$")) {
      output += "$";
      rest = rest.slice(1);
      continue;
    }
    const reference = readReference(rest);
    if (!reference) {
      // Malformed reference: Go keeps the dollar sign as text.
      output += "$";
      continue;
    }
    rest = reference.rest;
    output += resolveReference(reference.name, match);
  }
  return output + rest;
}

function readReference(text: string): { name: string; rest: string } | undefined {
  if (text.startsWith("{")) {
    const close = text.indexOf("}");
    const name = close > 0 ? text.slice(1, close) : "";
    if (name === "" || !/^[A-Za-z0-9_]+$/.test(name)) return undefined;
    return { name, rest: text.slice(close + 1) };
  }
  const name = namePattern.exec(text)?.[0];
  return name ? { name, rest: text.slice(name.length) } : undefined;
}

function resolveReference(name: string, match: RegExpExecArray | RegExpMatchArray): string {
  if (/^\d+$/.test(name)) {
    const number = Number(name);
    return number < match.length ? (match[number] ?? "") : "";
  }
  return match.groups?.[name] ?? "";
}
