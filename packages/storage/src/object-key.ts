import { StorageError } from "./storage-error.js";

/**
 * Checks that `key` can name an object in every store: not empty, relative (no leading `/`), no
 * NUL character and no `.` or `..` segment. Dot segments are refused everywhere, not only on the
 * filesystem: HTTP stacks may normalise `a/../b` in a URL path, so an S3 key with one could reach
 * another object than the one named.
 *
 * @returns the key, unchanged.
 * @throws {StorageError} `E_STORAGE_INVALID_KEY` naming the key and the rule it breaks.
 */
export function validateObjectKey(key: string): string {
  const problem = describeKeyProblem(key);
  if (problem !== undefined) {
    throw new StorageError(
      "E_STORAGE_INVALID_KEY",
      `The object key ${JSON.stringify(key)} cannot be used: ${problem}.`,
    );
  }
  return key;
}

/**
 * Checks a listing prefix: it may be empty or end in the middle of a segment (`logs/20` lists
 * `logs/2024/…`), but it must not be absolute, hold NUL or a `.`/`..` segment.
 *
 * @throws {StorageError} `E_STORAGE_INVALID_KEY` naming the prefix.
 */
export function validateListPrefix(prefix: string): string {
  if (prefix === "") {
    return prefix;
  }
  // The last segment may be partial; "a/." or "a/.." would still name a dot segment, so check it too.
  const problem = describeKeyProblem(prefix.endsWith("/") ? `${prefix}x` : prefix);
  if (problem !== undefined) {
    throw new StorageError(
      "E_STORAGE_INVALID_KEY",
      `The listing prefix ${JSON.stringify(prefix)} cannot be used: ${problem}.`,
    );
  }
  return prefix;
}

/**
 * Normalises a store prefix: no leading or trailing `/`, no empty segments, so that joining never
 * doubles a separator (`"/backups//site/"` becomes `"backups/site"`).
 *
 * @throws {StorageError} `E_STORAGE_INVALID_KEY` when the prefix holds NUL or a `.`/`..` segment.
 */
export function normalizeStorePrefix(prefix: string | undefined): string {
  if (prefix === undefined) {
    return "";
  }
  const normalized = prefix
    .split("/")
    .filter((segment) => segment !== "")
    .join("/");
  if (normalized !== "") {
    const problem = describeKeyProblem(normalized);
    if (problem !== undefined) {
      throw new StorageError(
        "E_STORAGE_INVALID_KEY",
        `The store prefix ${JSON.stringify(prefix)} cannot be used: ${problem}.`,
      );
    }
  }
  return normalized;
}

/**
 * Joins a normalised store prefix (see {@link normalizeStorePrefix}) and a relative key or listing
 * prefix with one `/`.
 */
export function joinObjectKey(storePrefix: string, key: string): string {
  return storePrefix === "" ? key : `${storePrefix}/${key}`;
}

/**
 * The key relative to the store prefix, or undefined when `fullKey` lies outside it (a store never
 * reports such keys).
 */
export function relativeObjectKey(storePrefix: string, fullKey: string): string | undefined {
  if (storePrefix === "") {
    return fullKey;
  }
  const head = `${storePrefix}/`;
  return fullKey.startsWith(head) ? fullKey.slice(head.length) : undefined;
}

// --- internal ---

function describeKeyProblem(key: string): string | undefined {
  if (key === "") {
    return "it is empty";
  }
  if (key.includes("\0")) {
    return "it contains a NUL character";
  }
  if (key.startsWith("/")) {
    return "it starts with `/`; keys are relative to the store";
  }
  const segments = key.split("/");
  if (segments.includes("..")) {
    return "it has a `..` segment";
  }
  if (segments.includes(".")) {
    return "it has a `.` segment";
  }
  return undefined;
}
