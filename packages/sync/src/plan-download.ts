import type { ObjectInfo } from "@spotkit/storage";
import {
  type ContentChange,
  type ContentEvidence,
  compareContent,
  needsHeadForContent,
} from "./compare-content.js";
import { compareText } from "./compare-text.js";

/** One object the download direction wants as a local file. */
export interface DownloadItem {
  /** The full object key. */
  key: string;
  /** The file's path below the download folder, with `/` separators. */
  relativePath: string;
  /** The file's absolute path. */
  path: string;
  /** The object as listed (or as a `head` returned it). */
  remote: ObjectInfo;
}

/** Something found in the download folder. */
export interface LocalEntry {
  /** Absolute path. */
  path: string;
  /** Path below the download folder, with `/` separators. */
  relativePath: string;
  /** Size in bytes (of a regular file). */
  size: number;
  /** False for symbolic links and special files: they are replaced or deleted, never read. */
  isFile: boolean;
  /** Lower-case hex MD5, when it was computed. */
  md5?: string;
  /** Lower-case hex SHA-256, when it was computed. */
  sha256?: string;
}

/** Download this object. */
export interface DownloadStep {
  type: "download";
  relativePath: string;
  item: DownloadItem;
  reason: ContentChange;
}

/** Keep this file: it already holds the object. */
export interface SkipDownloadStep {
  type: "skip";
  relativePath: string;
  item: DownloadItem;
  evidence: ContentEvidence;
}

/** Delete this local file: no object maps to it (only with `delete`). */
export interface DeleteFileStep {
  type: "delete";
  relativePath: string;
  local: LocalEntry;
}

/** One step of a {@link DownloadPlan}. */
export type DownloadAction = DownloadStep | SkipDownloadStep | DeleteFileStep;

/** What a download sync will do, in path order. */
export interface DownloadPlan {
  actions: DownloadAction[];
  downloads: DownloadStep[];
  skips: SkipDownloadStep[];
  deletes: DeleteFileStep[];
}

/**
 * True when the local file has the object's size but the listing shows no hash to compare with:
 * only then does deciding cost a `head`.
 */
export function needsDownloadHead(item: DownloadItem, local: LocalEntry | undefined): boolean {
  return local?.isFile === true && needsHeadForContent(local.size, item.remote);
}

/**
 * Decides, without any I/O, what to download, keep and delete. `local` holds what the download
 * folder contains, with hashes computed for files whose size equals their object's.
 */
export function planDownload(
  items: readonly DownloadItem[],
  local: Iterable<LocalEntry>,
  options: { delete?: boolean } = {},
): DownloadPlan {
  const localByPath = new Map<string, LocalEntry>();
  for (const entry of local) localByPath.set(entry.relativePath, entry);
  const downloads: DownloadStep[] = [];
  const skips: SkipDownloadStep[] = [];
  const deletes: DeleteFileStep[] = [];

  for (const item of items) {
    const entry = localByPath.get(item.relativePath);
    if (entry === undefined || !entry.isFile) {
      downloads.push({ type: "download", relativePath: item.relativePath, item, reason: "new" });
      continue;
    }
    const content = compareContent(entry, item.remote);
    if (content.same) {
      skips.push({
        type: "skip",
        relativePath: item.relativePath,
        item,
        evidence: content.evidence,
      });
    } else {
      downloads.push({
        type: "download",
        relativePath: item.relativePath,
        item,
        reason: content.reason,
      });
    }
  }

  if (options.delete === true) {
    const wanted = new Set(items.map((item) => item.relativePath));
    for (const entry of localByPath.values()) {
      if (!wanted.has(entry.relativePath)) {
        deletes.push({ type: "delete", relativePath: entry.relativePath, local: entry });
      }
    }
  }

  const byPath = (left: { relativePath: string }, right: { relativePath: string }) =>
    compareText(left.relativePath, right.relativePath);
  downloads.sort(byPath);
  skips.sort(byPath);
  deletes.sort(byPath);
  const actions: DownloadAction[] = [...downloads, ...skips, ...deletes].sort(byPath);
  return { actions, downloads, skips, deletes };
}
