/**
 * Go's `strings.ToUpper`: each code point mapped on its own by its simple (one-to-one) upper-case
 * mapping. JavaScript's `toUpperCase` applies the full mapping, which can grow a character
 * (`ß` → `SS`); Go keeps such characters as they are, and so does this function.
 */
export function goToUpper(text: string): string {
  if (isAscii(text)) {
    return text.toUpperCase();
  }
  let result = "";
  for (const character of text) {
    result += mapSingle(character, character.toUpperCase());
  }
  return result;
}

/**
 * Go's `strings.ToLower`: each code point mapped on its own by its simple lower-case mapping
 * (`İ` → `i`, `Σ` → `σ` whatever follows it).
 */
export function goToLower(text: string): string {
  if (isAscii(text)) {
    return text.toLowerCase();
  }
  let result = "";
  for (const character of text) {
    // U+0130 is the one character whose full lower-case mapping (i + U+0307) differs from Go's
    // simple mapping (i).
    result += character === "\u0130" ? "i" : mapSingle(character, character.toLowerCase());
  }
  return result;
}

/**
 * Go's `strings.EqualFold`: equal under simple Unicode case folding (`ſ`, `s` and `S` match;
 * `ß` and `SS` do not).
 */
export function goEqualFold(left: string, right: string): boolean {
  return foldCase(left) === foldCase(right);
}

function foldCase(text: string): string {
  let result = "";
  for (const character of text) {
    const upper = mapSingle(character, character.toUpperCase());
    result += mapSingle(upper, upper.toLowerCase());
  }
  return result;
}

function isAscii(text: string): boolean {
  for (let index = 0; index < text.length; index++) {
    if (text.charCodeAt(index) > 0x7f) {
      return false;
    }
  }
  return true;
}

/** The mapped text when it is still one code point, else the original character. */
function mapSingle(character: string, mapped: string): string {
  const codePoint = mapped.codePointAt(0) ?? 0;
  return mapped.length === (codePoint > 0xffff ? 2 : 1) ? mapped : character;
}
