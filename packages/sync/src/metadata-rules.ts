import { SyncError } from "./sync-error.js";
import type { SyncRules } from "./sync-rules.js";

/**
 * A `metadata` setting as the storage plugins take it: one flat map of name → value for every
 * file (`{team: web}`, what plugins/gcs and plugins/s3-sync accept), or a map of pattern →
 * `{name: value}`.
 */
export type MetadataSetting = Readonly<Record<string, string | Readonly<Record<string, string>>>>;

/**
 * Turns a `metadata` setting into {@link SyncRules.metadata}: a flat map applies to every file
 * (under the key `**`), a map of maps is already per pattern. An absent or empty map means no
 * metadata.
 *
 * @throws {SyncError} `E_SYNC_INVALID_OPTIONS` when the map mixes text values and maps, naming the
 *   text ones: it cannot tell whether they are metadata for every file or patterns.
 */
export function metadataRules(metadata: MetadataSetting | undefined): SyncRules["metadata"] {
  if (metadata === undefined) return undefined;
  const entries = Object.entries(metadata);
  if (entries.length === 0) return undefined;
  const texts = entries.filter(([, value]) => typeof value === "string");
  if (texts.length === entries.length) {
    return { "**": metadata as Readonly<Record<string, string>> };
  }
  if (texts.length > 0) {
    const names = texts.map(([name]) => JSON.stringify(name)).join(", ");
    throw new SyncError(
      "E_SYNC_INVALID_OPTIONS",
      `The metadata rule must be either one map of metadata for every file ({"author": "ci"}) or a map of pattern → map ({"*.html": {"author": "ci"}}), not both: ${names} ${texts.length === 1 ? "is" : "are"} text.`,
    );
  }
  return metadata as Readonly<Record<string, Readonly<Record<string, string>>>>;
}
