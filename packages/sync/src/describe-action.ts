import { formatBytes } from "@spotkit/runtime";
import type { DownloadAction } from "./plan-download.js";
import type { UploadAction, UploadReason } from "./plan-upload.js";

const reasonTexts: Record<UploadReason, string> = {
  new: "new",
  size: "size changed",
  content: "content changed",
  unverifiable: "no hash to compare",
  headers: "headers changed",
  forced: "forced",
};

/**
 * One log line for a step of an upload plan, such as
 * `upload dist/app.js → site/app.js (content changed, 1.2 kB)` or
 * `unchanged site/index.html (same md5)`; `would …` in a dry run.
 */
export function describeUploadAction(action: UploadAction, dryRun: boolean): string {
  const would = dryRun ? "would " : "";
  switch (action.type) {
    case "upload": {
      const { item } = action;
      const reason =
        action.detail === undefined
          ? reasonTexts[action.reason]
          : `${reasonTexts[action.reason]}: ${action.detail}`;
      if (item.redirect !== undefined) {
        return `${would}redirect ${action.key} → ${item.redirect} (${reason})`;
      }
      const source = item.file === undefined ? "" : `${item.file.name} → `;
      const gzip = item.headers.gzip ? ", gzip" : "";
      return `${would}upload ${source}${action.key} (${reason}, ${formatBytes(item.digest.size)}${gzip})`;
    }
    case "skip":
      return `unchanged ${action.key} (same ${action.evidence})`;
    case "delete":
      return `${would}delete ${action.key} (no local file)`;
  }
}

/**
 * One log line for a step of a download plan, such as
 * `download site/app.js → app.js (new, 1.2 kB)`; `would …` in a dry run.
 */
export function describeDownloadAction(action: DownloadAction, dryRun: boolean): string {
  const would = dryRun ? "would " : "";
  switch (action.type) {
    case "download":
      return `${would}download ${action.item.key} → ${action.relativePath} (${reasonTexts[action.reason]}, ${formatBytes(action.item.remote.size)})`;
    case "skip":
      return `unchanged ${action.relativePath} (same ${action.evidence})`;
    case "delete":
      return `${would}delete ${action.relativePath} (not in the store)`;
  }
}
