/**
 * Splits a comma-separated list of paths and globs, as plugins/gcs reads `source` and `ignore`,
 * except that commas inside braces or brackets stay (`assets/*.{css,js}` is one pattern, where
 * the Go plugin cut it in two). Items are trimmed and empty ones dropped. A JSON list of strings
 * (`["a","b"]`) is read as such.
 *
 * `source` and `ignore` stay string settings split here rather than list settings (whose
 * decoding keeps commas inside braces too): with `download`, `source` is one bucket/path, where a
 * comma is a legal character of an object name; and this split also keeps commas inside `[…]`
 * and trims spaces after commas (`dist, public`), which a list setting would not.
 */
export function splitPatternList(text: string): string[] {
  const trimmed = text.trim();
  if (trimmed.startsWith("[")) {
    const parsed = parseStringList(trimmed);
    if (parsed !== undefined) return parsed.map((item) => item.trim()).filter(Boolean);
  }
  const items: string[] = [];
  let depth = 0;
  let current = "";
  for (const character of text) {
    if (character === "{" || character === "[") depth += 1;
    if ((character === "}" || character === "]") && depth > 0) depth -= 1;
    if (character === "," && depth === 0) {
      items.push(current);
      current = "";
    } else {
      current += character;
    }
  }
  items.push(current);
  return items.map((item) => item.trim()).filter(Boolean);
}

function parseStringList(text: string): string[] | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) && parsed.every((item) => typeof item === "string")
      ? parsed
      : undefined;
  } catch {
    return undefined;
  }
}
