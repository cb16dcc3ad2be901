/**
 * How specific a rule key is, from most to least specific (see {@link compareRuleKeys}).
 * `tier` 0: a key without wildcards (an exact path or file name); 1: a pattern or an extension;
 * 2: `*` or `**` (every file).
 */
export interface RuleKeySpecificity {
  tier: 0 | 1 | 2;
  /** Characters every matching name must contain: everything but wildcards. */
  literalCharacters: number;
  /** `*` and `**` runs, `?`, `[…]`, `{…}` and extglob groups, each counting one. */
  wildcards: number;
}

/**
 * Measures a rule key as {@link compareRuleKeys} ranks it. An extension key (`.svg`) counts as
 * the glob `*.svg` it stands for; a backslash-escaped character is a literal one; a brace group
 * `{a,b}` counts as one wildcard plus its alternative with the fewest literal characters (a group
 * without a comma or a `..` range is literal text, as picomatch reads it).
 */
export function ruleKeySpecificity(key: string): RuleKeySpecificity {
  if (key === "*" || key === "**") return { tier: 2, literalCharacters: 0, wildcards: 0 };
  if (isExtensionKey(key)) return { tier: 1, literalCharacters: key.length, wildcards: 1 };
  const { literalCharacters, wildcards } = measurePattern(key);
  return { tier: wildcards === 0 ? 0 : 1, literalCharacters, wildcards };
}

/**
 * Orders rule keys from most to least specific, so that the first key matching a file is the
 * most specific one, whatever order the keys were written in. Drone and Woodpecker sort a map's
 * keys when they encode it as JSON, so the written order never reaches the plugin:
 *
 * 1. a key without wildcards (`site/index.html`, `robots.txt`);
 * 2. then more literal characters first (`assets/**` before `*.html`; `.svg` counts as `*.svg`);
 * 3. then fewer wildcards (`*.png` before `*.{png,jpg}`);
 * 4. `*` and `**` (every file) last;
 * 5. keys still equal are ordered by their text (UTF-16 code units), so the result is always
 *    the same.
 *
 * @returns a negative number when `left` is more specific than `right`, positive when less, 0
 *   only for the same key.
 */
export function compareRuleKeys(left: string, right: string): number {
  const a = ruleKeySpecificity(left);
  const b = ruleKeySpecificity(right);
  return (
    a.tier - b.tier ||
    b.literalCharacters - a.literalCharacters ||
    a.wildcards - b.wildcards ||
    compareText(left, right)
  );
}

/** The entries of a pattern → value map, most specific key first (see {@link compareRuleKeys}). */
export function sortRuleEntries<Value>(
  map: Readonly<Record<string, Value>>,
): Array<[pattern: string, value: Value]> {
  return Object.entries(map).sort(([left], [right]) => compareRuleKeys(left, right));
}

/**
 * An extension key as `compileRuleKey` reads it: a leading dot, no `/` and no glob syntax
 * (`.svg`, `.tar.gz`).
 */
export function isExtensionKey(key: string): boolean {
  return /^\.[^/*?[\]{}()!+@]+$/.test(key);
}

// --- internal ---

interface PatternMeasure {
  literalCharacters: number;
  wildcards: number;
}

const extglobMarkers = new Set(["!", "@", "+", "*", "?"]);

function measurePattern(pattern: string): PatternMeasure {
  let literalCharacters = 0;
  let wildcards = 0;
  let index = 0;
  while (index < pattern.length) {
    const character = pattern[index] as string;
    if (character === "\\" && index + 1 < pattern.length) {
      literalCharacters += 1;
      index += 2;
      continue;
    }
    if (extglobMarkers.has(character) && pattern[index + 1] === "(") {
      const end = findClosing(pattern, index + 1, "(", ")");
      if (end !== -1) {
        wildcards += 1;
        index = end + 1;
        continue;
      }
    }
    if (character === "*") {
      wildcards += 1;
      while (pattern[index] === "*") index += 1;
      continue;
    }
    if (character === "?") {
      wildcards += 1;
      index += 1;
      continue;
    }
    if (character === "[") {
      const end = pattern.indexOf("]", index + 2);
      if (end !== -1) {
        wildcards += 1;
        index = end + 1;
        continue;
      }
    }
    if (character === "{") {
      const end = findClosing(pattern, index, "{", "}");
      const content = end === -1 ? undefined : pattern.slice(index + 1, end);
      const alternatives = content === undefined ? [] : splitAlternatives(content);
      if (alternatives.length > 1) {
        const measures = alternatives.map(measurePattern);
        // A name matches one alternative, so it surely holds only the fewest literals of them.
        literalCharacters += Math.min(...measures.map((item) => item.literalCharacters));
        wildcards += 1 + Math.max(...measures.map((item) => item.wildcards));
        index = end + 1;
        continue;
      }
      if (content?.includes("..")) {
        // A range such as {1..9}: one character (or number) of a set.
        wildcards += 1;
        index = end + 1;
        continue;
      }
    }
    literalCharacters += 1;
    index += 1;
  }
  return { literalCharacters, wildcards };
}

/** The index of the bracket closing the one at `start`, nesting and escapes considered; -1 if none. */
function findClosing(text: string, start: number, open: string, close: string): number {
  let depth = 0;
  for (let index = start; index < text.length; index += 1) {
    const character = text[index];
    if (character === "\\") {
      index += 1;
    } else if (character === open) {
      depth += 1;
    } else if (character === close) {
      depth -= 1;
      if (depth === 0) return index;
    }
  }
  return -1;
}

/** The comma-separated alternatives of a brace group's content, nested groups kept whole. */
function splitAlternatives(content: string): string[] {
  const alternatives: string[] = [];
  let depth = 0;
  let start = 0;
  for (let index = 0; index < content.length; index += 1) {
    const character = content[index];
    if (character === "\\") {
      index += 1;
    } else if (character === "{") {
      depth += 1;
    } else if (character === "}") {
      depth -= 1;
    } else if (character === "," && depth === 0) {
      alternatives.push(content.slice(start, index));
      start = index + 1;
    }
  }
  alternatives.push(content.slice(start));
  return alternatives;
}

function compareText(left: string, right: string): number {
  if (left === right) return 0;
  return left < right ? -1 : 1;
}
