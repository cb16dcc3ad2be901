import { type MetadataSetting, metadataRules, type RuleValue, type SyncRules } from "@spotkit/sync";

/**
 * How a pattern key of `content_type`, `content_encoding`, `cache_control`, `acl` or `metadata`
 * is read:
 * - `all`: `*`, `**` or an empty key, every file;
 * - `extension`: a dot and an extension (`.svg`, `.tar.gz`), as plugins/s3-sync keys content_type;
 * - `regex`: a regular expression as plugins/s3 keys its maps (`\.svg$`, `^dist/.*`), recognised
 *   by `^`, `$`, `\`, `(`, `)`, `|`, `+` or one of `.*`, `.+`, `.?`;
 * - `glob`: anything else (`*.html`, `assets/**`), as plugins/s3-sync's other maps.
 */
export type RuleKeyKind = "all" | "extension" | "regex" | "glob";

/** A regular expression key that has no glob equivalent. */
export class UntranslatableRuleKeyError extends Error {
  /** The key as written. */
  readonly key: string;

  constructor(key: string) {
    super(
      `the key ${JSON.stringify(key)} reads as a regular expression (plugins/s3) that spotkit cannot turn into a glob: write it as an extension (".svg"), a glob ("assets/**/*.svg") or "*"`,
    );
    this.name = "UntranslatableRuleKeyError";
    this.key = key;
  }
}

const extensionPattern = /^(?:\.[A-Za-z0-9_-]+)+$/;
const regexMarkers = /[\^$\\()|+]|\.[*+?]/;

/** Tells how a rule key is read (see {@link RuleKeyKind}). */
export function classifyRuleKey(key: string): RuleKeyKind {
  // An empty regular expression matches every path in plugins/s3.
  if (key === "" || key === "*" || key === "**") return "all";
  if (extensionPattern.test(key)) return "extension";
  if (regexMarkers.test(key)) return "regex";
  return "glob";
}

/**
 * The @spotkit/sync rule keys (globs, extensions, `*`) that stand for one key as written. Globs
 * and extensions pass through; a regular expression is translated when it has one of the shapes
 * plugins/s3 users write, and refused otherwise:
 * - every file: `.*`, `^.*$`, `.+`, `` (empty);
 * - extensions: `\.svg$`, `.*\.svg$`, `^.*\.svg$`, `\.(js|css)$`, `\.(?:js|css)$`, `\.tar\.gz$`;
 *   without the `$` too, read as the same extension;
 * - a folder: `^dist/`, `^dist/.*` → `dist/**`; with an extension `^dist/.*\.js$` → `dist/**\/*.js`.
 *
 * Regular expressions of plugins/s3 are matched case-sensitively anywhere in the path; the
 * translations match extensions in any case and folders from the start of the path.
 *
 * @throws {UntranslatableRuleKeyError} for any other regular expression.
 */
export function translateRuleKey(key: string): string[] {
  const kind = classifyRuleKey(key);
  if (kind === "all") return ["*"];
  if (kind !== "regex") return [key];
  return translateRegexKey(key);
}

/**
 * Turns a setting's value (a string for every file, or a map of pattern → value) into a
 * {@link RuleValue} of @spotkit/sync, translating each key with {@link translateRuleKey}. The
 * sync picks the most specific matching key, so the order of the keys does not matter; when two
 * keys translate to the same one (`\.svg$` and `.svg`), the key whose text sorts first wins, as
 * it did when matched in the order Drone and Woodpecker pass (sorted).
 *
 * @throws {UntranslatableRuleKeyError} naming the first key that cannot be translated.
 */
export function toRuleValue(
  value: string | Readonly<Record<string, string>> | undefined,
): RuleValue | undefined {
  if (value === undefined || typeof value === "string") return value;
  return translateMap(value);
}

/**
 * Turns a `metadata` setting into @spotkit/sync's per-pattern metadata: a map of pattern → map,
 * or one flat map of key → value meaning every file (plugins/s3-sync accepts both), through
 * @spotkit/sync's `metadataRules`, with each pattern translated as {@link toRuleValue} does.
 *
 * @throws {UntranslatableRuleKeyError} naming the first key that cannot be translated.
 * @throws {SyncError} `E_SYNC_INVALID_OPTIONS` when the map mixes text values and maps.
 */
export function toMetadataRule(value: MetadataSetting | undefined): SyncRules["metadata"] {
  const rules = metadataRules(value);
  return rules === undefined ? undefined : translateMap(rules);
}

// --- internal ---

function translateMap<Value>(map: Readonly<Record<string, Value>>): Record<string, Value> {
  const result = new Map<string, Value>();
  // Sorted by text, so that which of two keys with one translation wins does not depend on the
  // order they were written in (the runners sort them anyway; a flag or env_file may not).
  const entries = Object.entries(map).sort(([left], [right]) => (left < right ? -1 : 1));
  for (const [key, item] of entries) {
    for (const translated of translateRuleKey(key)) {
      if (!result.has(translated)) result.set(translated, item);
    }
  }
  return Object.fromEntries(result);
}

/** `.*`, `.+` or nothing: any run of characters. */
const anyRun = String.raw`(?:\.[*+])?`;
/** A literal folder path of a regular expression: word characters, `-`, `/` and escaped dots. */
const folderLiteral = String.raw`((?:[A-Za-z0-9_\-/]|\\[./\-_]|\.(?![*+?]))+/)`;
/** `\.svg`, `\.tar\.gz`, `\.(js|css)` or `\.(?:js|css)`. */
const extensionPart = String.raw`(\\\.(?:[A-Za-z0-9_-]+(?:\\\.[A-Za-z0-9_-]+)*|\((?:\?:)?[A-Za-z0-9_-]+(?:\|[A-Za-z0-9_-]+)*\)))`;

const everything = new RegExp(`^\\^?${anyRun}\\$?$`);
const extensionOnly = new RegExp(`^\\^?${anyRun}${extensionPart}\\$?$`);
const folderOnly = new RegExp(`^\\^${folderLiteral}(?:\\.[*+]\\$?)?$`);
const folderWithExtension = new RegExp(`^\\^${folderLiteral}\\.[*+]${extensionPart}\\$?$`);

function translateRegexKey(key: string): string[] {
  if (everything.test(key)) return ["*"];
  const extension = extensionOnly.exec(key);
  if (extension?.[1] !== undefined) return readExtensions(extension[1]);
  const folder = folderOnly.exec(key);
  if (folder?.[1] !== undefined) return [`${unescapeLiteral(folder[1])}**`];
  const both = folderWithExtension.exec(key);
  if (both?.[1] !== undefined && both[2] !== undefined) {
    const base = unescapeLiteral(both[1]);
    return readExtensions(both[2]).map((ending) => `${base}**/*${ending}`);
  }
  throw new UntranslatableRuleKeyError(key);
}

/** `\.tar\.gz` → [".tar.gz"]; `\.(js|css)` → [".js", ".css"]. */
function readExtensions(part: string): string[] {
  const group = /^\\\.\((?:\?:)?(.*)\)$/.exec(part);
  if (group?.[1] !== undefined) return group[1].split("|").map((name) => `.${name}`);
  return [unescapeLiteral(part)];
}

function unescapeLiteral(text: string): string {
  return text.replace(/\\(.)/g, "$1");
}
