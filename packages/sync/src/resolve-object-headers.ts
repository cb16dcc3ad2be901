import { detectContentType } from "./detect-content-type.js";
import { createGlobMatcher } from "./glob-matcher.js";
import { isExtensionKey, sortRuleEntries } from "./rule-specificity.js";
import { SyncError } from "./sync-error.js";
import type { RuleValue, SyncRules } from "./sync-rules.js";

/** What one object is written with, as {@link SyncRules} decide for its file. */
export interface ObjectHeaders {
  contentType: string;
  contentEncoding?: string;
  cacheControl?: string;
  /** User metadata with lower-case keys, without the `spotkit-` keys the sync adds itself. */
  metadata: Record<string, string>;
  acl?: string;
  storageClass?: string;
  encryption?: string;
  kmsKeyId?: string;
  /** True when the file is compressed on the fly (its object holds gzip bytes). */
  gzip: boolean;
}

/** The prefix of the metadata keys the sync itself writes (`spotkit-sha256`). */
export const reservedMetadataPrefix = "spotkit-";

/**
 * Compiles rules once into a function that gives each file's headers, so thousands of files do
 * not recompile globs. Validates every rule up front.
 *
 * @throws {SyncError} `E_SYNC_INVALID_OPTIONS` naming the rule: a value that is not text, a
 *   metadata key starting with `spotkit-`, an empty gzip extension.
 */
export function compileSyncRules(rules: SyncRules = {}): (name: string) => ObjectHeaders {
  const contentType = compileRuleValue(rules.contentType, "content_type");
  const contentEncoding = compileRuleValue(rules.contentEncoding, "content_encoding");
  const cacheControl = compileRuleValue(rules.cacheControl, "cache_control");
  const acl = compileRuleValue(rules.acl, "acl");
  const metadata = compileMetadataRule(rules.metadata);
  const isGzipped = compileGzipRule(rules.gzip);
  const storageClass = optionalText(rules.storageClass, "storage_class");
  const encryption = optionalText(rules.encryption, "encryption");
  const kmsKeyId = optionalText(rules.kmsKeyId, "kms_key_id");

  return (name) => {
    const gzip = isGzipped(name);
    const headers: ObjectHeaders = {
      contentType: contentType(name) ?? detectContentType(name),
      metadata: { ...(metadata(name) ?? {}) },
      gzip,
    };
    const encoding = gzip ? "gzip" : contentEncoding(name);
    if (encoding !== undefined) headers.contentEncoding = encoding;
    const cache = cacheControl(name);
    if (cache !== undefined) headers.cacheControl = cache;
    const access = acl(name);
    if (access !== undefined) headers.acl = access;
    if (storageClass !== undefined) headers.storageClass = storageClass;
    if (encryption !== undefined) headers.encryption = encryption;
    if (kmsKeyId !== undefined) headers.kmsKeyId = kmsKeyId;
    return headers;
  };
}

/**
 * Compiles a {@link RuleValue} into a lookup: the string itself, or the value of the most specific
 * key that matches the name (see `compareRuleKeys`), whatever order the keys were written in;
 * undefined when none matches.
 */
export function compileRuleValue(
  value: RuleValue | undefined,
  ruleName: string,
): (name: string) => string | undefined {
  if (value === undefined) return () => undefined;
  if (typeof value === "string") return () => value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw invalidRule(ruleName, "must be a string or an object of pattern → value");
  }
  const entries = sortRuleEntries(value).map(([pattern, text]) => {
    if (typeof text !== "string") {
      throw invalidRule(ruleName, `the value of ${JSON.stringify(pattern)} must be a string`);
    }
    return { matches: compileRuleKey(pattern), text };
  });
  return (name) => entries.find((entry) => entry.matches(name))?.text;
}

/**
 * Compiles one rule key: `*`/`**` (everything), an extension (`.svg`, matched on the end of the
 * base name, in any case), or a glob (a glob without `/` matches the base name).
 */
export function compileRuleKey(pattern: string): (name: string) => boolean {
  if (pattern === "*" || pattern === "**") return () => true;
  if (isExtensionKey(pattern)) {
    const extension = pattern.toLowerCase();
    return (name) => baseName(name).toLowerCase().endsWith(extension);
  }
  return createGlobMatcher([pattern]);
}

function compileMetadataRule(
  value: SyncRules["metadata"],
): (name: string) => Record<string, string> | undefined {
  if (value === undefined) return () => undefined;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw invalidRule("metadata", "must be an object of pattern → { key: value }");
  }
  const entries = sortRuleEntries(value).map(([pattern, map]) => {
    if (map === null || typeof map !== "object" || Array.isArray(map)) {
      throw invalidRule("metadata", `the value of ${JSON.stringify(pattern)} must be an object`);
    }
    const metadata: Record<string, string> = {};
    for (const [key, text] of Object.entries(map)) {
      const lowerKey = key.toLowerCase();
      if (typeof text !== "string") {
        throw invalidRule("metadata", `${JSON.stringify(pattern)}.${key} must be a string`);
      }
      if (lowerKey === "" || lowerKey.startsWith(reservedMetadataPrefix)) {
        throw invalidRule(
          "metadata",
          `the key ${JSON.stringify(key)} is reserved (keys starting with "${reservedMetadataPrefix}" are written by the sync); rename it`,
        );
      }
      metadata[lowerKey] = text;
    }
    return { matches: compileRuleKey(pattern), metadata };
  });
  return (name) => entries.find((entry) => entry.matches(name))?.metadata;
}

function compileGzipRule(extensions: readonly string[] | undefined): (name: string) => boolean {
  if (extensions === undefined || extensions.length === 0) return () => false;
  if (!Array.isArray(extensions)) throw invalidRule("gzip", "must be a list of extensions");
  const endings = extensions.map((extension) => {
    const bare = typeof extension === "string" ? extension.trim().replace(/^\.+/, "") : "";
    if (bare === "" || bare.includes("/")) {
      throw invalidRule("gzip", `${JSON.stringify(extension)} is not an extension such as "js"`);
    }
    return `.${bare.toLowerCase()}`;
  });
  return (name) => {
    const lower = baseName(name).toLowerCase();
    return endings.some((ending) => lower.endsWith(ending));
  };
}

function optionalText(value: unknown, ruleName: string): string | undefined {
  if (value === undefined || value === "") return undefined;
  if (typeof value !== "string") throw invalidRule(ruleName, "must be a string");
  return value;
}

function baseName(name: string): string {
  return name.slice(name.lastIndexOf("/") + 1);
}

function invalidRule(ruleName: string, problem: string): SyncError {
  return new SyncError("E_SYNC_INVALID_OPTIONS", `The ${ruleName} rule ${problem}.`);
}
