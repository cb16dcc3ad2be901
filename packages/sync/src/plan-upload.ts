import type { ObjectInfo } from "@spotkit/storage";
import {
  type ContentChange,
  type ContentEvidence,
  compareContent,
  needsHeadForContent,
} from "./compare-content.js";
import { describeHeaderChange } from "./compare-headers.js";
import { compareText } from "./compare-text.js";
import type { ContentDigest } from "./digest-file.js";
import type { LocalFile } from "./find-local-files.js";
import type { ObjectHeaders } from "./resolve-object-headers.js";

/** One object the upload direction wants under the target: a local file, or a redirect. */
export interface UploadItem {
  /** The full object key. */
  key: string;
  /** The local file; absent for a redirect. */
  file?: LocalFile;
  /** The `websiteRedirectLocation` of a redirect (an empty object). */
  redirect?: string;
  /** Size and hashes of the bytes the object would hold (the gzip bytes when gzipped). */
  digest: ContentDigest;
  headers: ObjectHeaders;
}

/** Why an object is uploaded. */
export type UploadReason =
  | ContentChange
  /** Same content, other headers, metadata or redirect location. */
  | "headers"
  /** `force` was set. */
  | "forced";

/** Upload this item. */
export interface UploadStep {
  type: "upload";
  key: string;
  item: UploadItem;
  reason: UploadReason;
  /** What changed, for headers (`Cache-Control max-age=60 → max-age=3600`). */
  detail?: string;
}

/** Leave this object alone: it already holds the item. */
export interface SkipUploadStep {
  type: "skip";
  key: string;
  item: UploadItem;
  /** The hash that proved it. */
  evidence: ContentEvidence;
}

/** Delete this object: no local file maps to it (only with `delete`). */
export interface DeleteObjectStep {
  type: "delete";
  key: string;
  remote: ObjectInfo;
}

/** One step of an {@link UploadPlan}. */
export type UploadAction = UploadStep | SkipUploadStep | DeleteObjectStep;

/** What an upload sync will do, in key order. */
export interface UploadPlan {
  actions: UploadAction[];
  uploads: UploadStep[];
  skips: SkipUploadStep[];
  deletes: DeleteObjectStep[];
}

/** Options of {@link planUpload}. */
export interface PlanUploadOptions {
  /** Delete objects under `prefix` that no item maps to. @default false */
  delete?: boolean;
  /** Upload every item whatever the store holds. @default false */
  force?: boolean;
  /** Only objects under this prefix may be deleted. @default "" */
  prefix?: string;
}

/**
 * True when deciding about `item` needs a `head` of its object: a file of the same size whose
 * listing entry carries neither an MD5 nor metadata, or a redirect whose location the listing
 * does not show. Everything else is decided from the one listing.
 */
export function needsHead(
  item: UploadItem,
  remote: ObjectInfo | undefined,
  options: { force?: boolean } = {},
): boolean {
  if (options.force === true || remote === undefined) return false;
  if (item.redirect !== undefined) return remote.size === 0 && remote.metadata === undefined;
  return needsHeadForContent(item.digest.size, remote);
}

/**
 * Decides, without any I/O, what to upload, skip and delete. `remote` is the listing under the
 * target, with the entries of {@link needsHead} objects replaced by their `head`.
 */
export function planUpload(
  items: readonly UploadItem[],
  remote: Iterable<ObjectInfo>,
  options: PlanUploadOptions = {},
): UploadPlan {
  const remoteByKey = new Map<string, ObjectInfo>();
  for (const object of remote) remoteByKey.set(object.key, object);
  const uploads: UploadStep[] = [];
  const skips: SkipUploadStep[] = [];
  const deletes: DeleteObjectStep[] = [];

  for (const item of items) {
    const object = remoteByKey.get(item.key);
    if (options.force === true) {
      uploads.push({ type: "upload", key: item.key, item, reason: object ? "forced" : "new" });
      continue;
    }
    const content = compareContent(item.digest, object);
    if (!content.same || object === undefined) {
      uploads.push({
        type: "upload",
        key: item.key,
        item,
        reason: content.same ? "new" : content.reason,
      });
      continue;
    }
    if (item.redirect !== undefined && object.metadata === undefined) {
      uploads.push({ type: "upload", key: item.key, item, reason: "unverifiable" });
      continue;
    }
    const detail = describeHeaderChange(item.headers, item.redirect, object);
    if (detail !== undefined) {
      uploads.push({ type: "upload", key: item.key, item, reason: "headers", detail });
      continue;
    }
    skips.push({ type: "skip", key: item.key, item, evidence: content.evidence });
  }

  if (options.delete === true) {
    const prefix = options.prefix ?? "";
    const wanted = new Set(items.map((item) => item.key));
    for (const object of remoteByKey.values()) {
      if (object.key.startsWith(prefix) && !wanted.has(object.key)) {
        deletes.push({ type: "delete", key: object.key, remote: object });
      }
    }
  }

  const byKey = (left: { key: string }, right: { key: string }) => compareText(left.key, right.key);
  uploads.sort(byKey);
  skips.sort(byKey);
  deletes.sort(byKey);
  const actions: UploadAction[] = [...uploads, ...skips, ...deletes].sort(byKey);
  return { actions, uploads, skips, deletes };
}
