import type { ObjectInfo } from "@spotkit/storage";

/** The metadata key holding the lower-case hex SHA-256 of an object's content, as uploaded. */
export const sha256MetadataKey = "spotkit-sha256";

/** What proved two contents equal. */
export type ContentEvidence = "md5" | "sha256";

/** Why a content counts as changed. */
export type ContentChange =
  /** Nothing on the other side. */
  | "new"
  /** The sizes differ. */
  | "size"
  /** A hash differs. */
  | "content"
  /** Same size, but no hash to compare (a multipart upload by another tool): transfer to be sure. */
  | "unverifiable";

/** The outcome of {@link compareContent}. */
export type ContentComparison =
  | { same: true; evidence: ContentEvidence }
  | { same: false; reason: ContentChange };

/** Size and hashes of a local content; hashes may be missing when they were not needed. */
export interface LocalContent {
  size: number;
  md5?: string;
  sha256?: string;
}

/**
 * Compares a local content with an object: size first, then the MD5 the store proves
 * (`ObjectInfo.md5`), else the `spotkit-sha256` the sync stored at upload. Without either hash
 * the object counts as changed ("unverifiable"): equal sizes prove nothing.
 */
export function compareContent(
  local: LocalContent,
  remote: ObjectInfo | undefined,
): ContentComparison {
  if (remote === undefined) return { same: false, reason: "new" };
  if (remote.size !== local.size) return { same: false, reason: "size" };
  if (remote.md5 !== undefined && local.md5 !== undefined) {
    return remote.md5.toLowerCase() === local.md5
      ? { same: true, evidence: "md5" }
      : { same: false, reason: "content" };
  }
  const sha256 = remote.metadata?.[sha256MetadataKey];
  if (sha256 !== undefined && local.sha256 !== undefined) {
    return sha256.toLowerCase() === local.sha256
      ? { same: true, evidence: "sha256" }
      : { same: false, reason: "content" };
  }
  return { same: false, reason: "unverifiable" };
}

/**
 * True when comparing needs a `head` of the object: same size, no MD5 in the listing (an S3
 * multipart or KMS object) and no metadata in it either (S3 and GCS listings carry none). Only
 * these objects cost a request each; an object of another size is changed whatever its hash.
 */
export function needsHeadForContent(size: number, remote: ObjectInfo | undefined): boolean {
  return (
    remote !== undefined &&
    remote.size === size &&
    remote.md5 === undefined &&
    remote.metadata === undefined
  );
}

/**
 * The hash a local digest lacks to be compared with `remote`, which has the same size: its MD5
 * when the store reports the object's MD5, else its SHA-256 when the object's metadata holds one.
 * A file is hashed with the one hash its own upload needs (see `ObjectStore.reportsMd5`), so an
 * object written another way (by another tool, or with another part size) may need the other.
 */
export function missingHash(
  local: LocalContent,
  remote: ObjectInfo | undefined,
): "md5" | "sha256" | undefined {
  if (remote === undefined || remote.size !== local.size) return undefined;
  const sha256 = remote.metadata?.[sha256MetadataKey];
  if (remote.md5 !== undefined && local.md5 !== undefined) return undefined;
  if (sha256 !== undefined && local.sha256 !== undefined) return undefined;
  if (remote.md5 !== undefined) return "md5";
  return sha256 === undefined ? undefined : "sha256";
}
