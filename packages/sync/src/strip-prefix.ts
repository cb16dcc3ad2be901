import { SyncError } from "./sync-error.js";

/** Removes a prefix from a file's name before the target is prepended. */
export type PrefixStripper = (name: string) => string;

/**
 * Compiles a `strip_prefix` as plugins/s3 reads it (drone-s3 PR #196): a literal prefix, or a
 * pattern where `*` is any run of characters within one segment, `?` one character within a
 * segment and `**` any number of segments. The pattern is anchored at the start of the name and
 * the longest match is removed (`dist/**\/` strips every folder of `dist/a/b/f.js`, leaving
 * `f.js`). A name the prefix does not match is kept whole, as in plugins/s3.
 *
 * One deliberate difference: `**\/` also matches zero folders here (glob semantics), where
 * drone-s3's `(.+)` needed at least one, so `dist/**\/` strips `dist/` from `dist/f.js` too.
 *
 * A leading `./` of the prefix is ignored, since names never start with it.
 *
 * @throws {SyncError} `E_SYNC_INVALID_OPTIONS` (from the returned function) when the prefix would
 *   remove a whole name: the file would have no key.
 */
export function createPrefixStripper(prefix: string | undefined): PrefixStripper {
  if (prefix === undefined || prefix === "") return (name) => name;
  const pattern = prefix.replace(/^(?:\.\/)+/, "");
  if (pattern === "") return (name) => name;

  const strip: (name: string) => string | undefined = /[*?]/.test(pattern)
    ? stripWithPattern(compilePrefixPattern(pattern))
    : (name) => (name.startsWith(pattern) ? name.slice(pattern.length) : undefined);

  return (name) => {
    const rest = strip(name);
    if (rest === undefined) return name;
    if (rest.replace(/^\/+/, "") === "") {
      throw new SyncError(
        "E_SYNC_INVALID_OPTIONS",
        `strip_prefix ${JSON.stringify(prefix)} removes the entire path of ${JSON.stringify(name)}; end it with the folder to remove, such as "dist/".`,
      );
    }
    return rest;
  };
}

/** The regular expression of a wildcard prefix, anchored at the start, greedy. */
export function compilePrefixPattern(pattern: string): RegExp {
  let source = "^";
  for (let index = 0; index < pattern.length; index += 1) {
    const character = pattern.charAt(index);
    if (character === "*" && pattern.charAt(index + 1) === "*") {
      index += 1;
      if (pattern.charAt(index + 1) === "/") {
        index += 1;
        source += "(?:.*/)?";
      } else {
        source += ".*";
      }
    } else if (character === "*") {
      source += "[^/]*";
    } else if (character === "?") {
      source += "[^/]";
    } else {
      source += character.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
    }
  }
  return new RegExp(source, "u");
}

function stripWithPattern(expression: RegExp): (name: string) => string | undefined {
  return (name) => {
    const match = expression.exec(name);
    return match === null ? undefined : name.slice(match[0].length);
  };
}
