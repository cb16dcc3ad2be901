import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { lstat, mkdir, rename, rm } from "node:fs/promises";
import { basename, dirname, join, relative, sep } from "node:path";
import { Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ObjectInfo, ObjectStore } from "@spotkit/storage";
import { sha256MetadataKey } from "./compare-content.js";
import { type ContentDigest, DigestStream } from "./digest-file.js";
import type { DownloadItem } from "./plan-download.js";
import { SyncError } from "./sync-error.js";
import { transferError } from "./transfer-error.js";

/** The suffix of the temporary file a download is written to before it is renamed into place. */
export const partialFileSuffix = ".spotkit-partial";

/** Options of {@link downloadObject}. */
export interface DownloadObjectOptions {
  /** The download folder (absolute); nothing is written outside it. */
  folder: string;
  /**
   * Folders already checked to be real folders inside `folder`, shared by the downloads of one
   * sync so each is checked once.
   */
  checkedFolders: Set<string>;
  /** Called with each chunk's size as it is written. */
  onBytes?: (bytes: number) => void;
  signal?: AbortSignal;
}

/**
 * Downloads one object into its file: the bytes go to a temporary file beside it, are checked
 * against the size and hash the store announced, and only then renamed over the file, so no
 * partial file is ever visible under the real name. The folders on the way are created, and
 * refused when one of them is a symbolic link: writing through a link could land outside the
 * download folder.
 *
 * Objects stored with `Content-Encoding: gzip` are written as the store returns them and their
 * hash is not checked, since some stores decompress them on the way.
 *
 * @throws {SyncError} `E_SYNC_UNSAFE_PATH` for a link or a file where a folder is needed;
 *   `E_SYNC_INTEGRITY` when the bytes do not match; `E_SYNC_TRANSFER` for a store failure.
 */
export async function downloadObject(
  store: ObjectStore,
  item: DownloadItem,
  options: DownloadObjectOptions,
): Promise<void> {
  const parent = dirname(item.path);
  await ensureFolder(options.folder, parent, options.checkedFolders);
  const temporary = join(
    parent,
    `.${basename(item.path)}.${randomBytes(6).toString("hex")}${partialFileSuffix}`,
  );
  try {
    let response: Awaited<ReturnType<ObjectStore["get"]>>;
    try {
      response = await store.get(item.key, { signal: options.signal });
    } catch (error) {
      throw transferError(`Downloading ${item.key}`, error);
    }
    const expected = expectedContent(item.remote, response.info);
    // One proof is enough: the MD5 the store reports, else the spotkit-sha256 stored with it.
    const digest = new DigestStream(expected.md5 !== undefined ? "md5" : "sha256");
    const counter = new Transform({
      transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
        options.onBytes?.(chunk.length);
        callback(null, chunk);
      },
    });
    try {
      await pipeline(
        response.body,
        digest,
        counter,
        createWriteStream(temporary, { flags: "wx" }),
        {
          signal: options.signal,
        },
      );
    } catch (error) {
      response.body.destroy();
      throw transferError(`Downloading ${item.key} to ${item.path}`, error);
    }
    checkContent(item, expected, digest.digest());
    await rename(temporary, item.path).catch((error: unknown) => {
      throw new SyncError(
        "E_SYNC_UNSAFE_PATH",
        `Could not put ${item.key} at ${item.path}: ${(error as Error).message}. Remove what is there (a folder?) or download elsewhere.`,
        { cause: error },
      );
    });
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

interface ExpectedDownload {
  size: number;
  md5?: string;
  sha256?: string;
  checkHash: boolean;
}

/** What the bytes must be: the `get` response's view, completed by the listing's. */
function expectedContent(listed: ObjectInfo, fetched: ObjectInfo | undefined): ExpectedDownload {
  const info = { ...listed, ...definedFields(fetched) };
  const expected: ExpectedDownload = {
    size: info.size,
    checkHash: info.contentEncoding?.toLowerCase() !== "gzip",
  };
  if (info.md5 !== undefined) expected.md5 = info.md5.toLowerCase();
  const sha256 = fetched?.metadata?.[sha256MetadataKey] ?? listed.metadata?.[sha256MetadataKey];
  if (sha256 !== undefined) expected.sha256 = sha256.toLowerCase();
  return expected;
}

function definedFields(info: ObjectInfo | undefined): Partial<ObjectInfo> {
  if (info === undefined) return {};
  return Object.fromEntries(
    Object.entries(info).filter(([, value]) => value !== undefined),
  ) as Partial<ObjectInfo>;
}

function checkContent(item: DownloadItem, expected: ExpectedDownload, actual: ContentDigest): void {
  if (!expected.checkHash) return;
  let problem: string | undefined;
  if (actual.size !== expected.size) {
    problem = `${actual.size} bytes arrived, the store announced ${expected.size}`;
  } else if (expected.md5 !== undefined) {
    if (actual.md5 !== expected.md5) {
      problem = `their MD5 is ${actual.md5}, the store announced ${expected.md5}`;
    }
  } else if (expected.sha256 !== undefined && actual.sha256 !== expected.sha256) {
    problem = `their SHA-256 is ${actual.sha256}, the object's spotkit-sha256 is ${expected.sha256}`;
  }
  if (problem !== undefined) {
    throw new SyncError(
      "E_SYNC_INTEGRITY",
      `The bytes downloaded for ${item.key} do not match: ${problem}. Nothing was written for it; run the sync again (the object may have changed during the sync).`,
    );
  }
}

/**
 * Creates the folders from `root` down to `folder`, checking that each is a real folder (not a
 * symbolic link, not a file).
 */
async function ensureFolder(root: string, folder: string, checked: Set<string>): Promise<void> {
  if (checked.has(folder)) return;
  const segments = relative(root, folder)
    .split(sep)
    .filter((segment) => segment !== "");
  let current = root;
  for (const segment of segments) {
    current = join(current, segment);
    if (checked.has(current)) continue;
    let stats = await lstat(current).catch(() => undefined);
    if (stats === undefined) {
      await mkdir(current).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== "EEXIST") throw error;
      });
      stats = await lstat(current);
    }
    if (stats.isSymbolicLink()) {
      throw new SyncError(
        "E_SYNC_UNSAFE_PATH",
        `${current} is a symbolic link; the sync does not write through links, which could lead outside ${root}. Replace the link with a folder, or download elsewhere.`,
      );
    }
    if (!stats.isDirectory()) {
      throw new SyncError(
        "E_SYNC_UNSAFE_PATH",
        `${current} is a file, but an object needs it to be a folder; remove it or download elsewhere.`,
      );
    }
    checked.add(current);
  }
}
