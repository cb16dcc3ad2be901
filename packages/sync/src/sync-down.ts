import { mkdir, rm } from "node:fs/promises";
import { resolve } from "node:path";
import type { Progress } from "@spotkit/runtime";
import type { ObjectInfo, ObjectStore } from "@spotkit/storage";
import { sha256MetadataKey } from "./compare-content.js";
import { describeDownloadAction } from "./describe-action.js";
import { digestFile } from "./digest-file.js";
import { downloadObject } from "./download-object.js";
import { describeUnsafeKey, resolveDownloadPath, unsafeKeyError } from "./download-path.js";
import { findTargetFiles } from "./find-target-files.js";
import { listObjects } from "./list-objects.js";
import {
  type DownloadItem,
  type DownloadPlan,
  type LocalEntry,
  needsDownloadHead,
  planDownload,
} from "./plan-download.js";
import { normalizeRemotePrefix } from "./remote-prefix.js";
import { resolveConcurrency } from "./resolve-concurrency.js";
import { runConcurrently } from "./run-concurrently.js";
import { SyncError } from "./sync-error.js";
import type { SyncLogger } from "./sync-logger.js";
import { createSyncSummary, type SyncSummary } from "./sync-summary.js";
import { transferError } from "./transfer-error.js";

/** Options of {@link syncDown}. */
export interface DownloadSyncOptions {
  /** The store to read from. */
  store: ObjectStore;
  /** The key prefix (folder) to download; leading and trailing `/` do not matter. @default "" */
  source?: string;
  /** The local folder to write into, created when missing; relative to `cwd`. */
  target: string;
  /** The folder a relative target starts from. @default process.cwd() */
  cwd?: string;
  /**
   * Delete local files below the target that are not in the store — only once the listing and the
   * local walk both completed and every download succeeded.
   * @default false
   */
  delete?: boolean;
  /** Compute and log the plan without writing anything. @default false */
  dryRun?: boolean;
  /** Downloads (and hashes, heads) run at once. @default 16 */
  concurrency?: number;
  /** Aborts the sync: running downloads stop and leave no file behind. */
  signal?: AbortSignal;
  logger?: SyncLogger;
}

/**
 * Downloads the objects under a prefix into a local folder, transferring only what differs.
 *
 * Every key is checked before anything is written (see {@link describeUnsafeKey}): one key that
 * could land outside the folder fails the whole sync, with nothing written. Each file is written to
 * a temporary file beside it, checked against the store's size and hash, then renamed into place.
 * Keys ending in `/` (folder markers of S3 consoles) are skipped.
 *
 * @throws {SyncError} `E_SYNC_UNSAFE_KEY`, `E_SYNC_UNSAFE_PATH`, `E_SYNC_KEY_CONFLICT`,
 *   `E_SYNC_INTEGRITY`, `E_SYNC_TRANSFER`…; the signal's reason when aborted.
 */
export async function syncDown(options: DownloadSyncOptions): Promise<SyncSummary> {
  const startedAt = performance.now();
  const { store, logger, signal } = options;
  const concurrency = resolveConcurrency(options.concurrency);
  const prefix = normalizeRemotePrefix(options.source, "source");
  const folder = resolve(options.cwd ?? process.cwd(), options.target);
  signal?.throwIfAborted();

  const [remote, local] = await listAndWalk(store, prefix, folder, signal);
  const items = toDownloadItems(remote, prefix, folder, logger);
  if (items.length === 0 && options.delete === true && local.length > 0) {
    throw new SyncError(
      "E_SYNC_NO_FILES",
      `${store.url}/${prefix} holds no object, and delete is on: refusing to delete every file in ${folder}. Check the source prefix.`,
    );
  }

  const localByPath = new Map(local.map((entry) => [entry.relativePath, entry]));
  await hashCandidates(items, localByPath, concurrency, signal);
  const undecided = items.filter((item) =>
    needsDownloadHead(item, localByPath.get(item.relativePath)),
  );
  await runConcurrently(
    undecided,
    concurrency,
    async (item, itemSignal) => {
      const info = await store.head(item.key, { signal: itemSignal }).catch((error: unknown) => {
        throw transferError(`Reading the metadata of ${item.key}`, error);
      });
      if (info !== undefined) item.remote = { ...info, key: item.key };
    },
    signal,
  );

  const plan = planDownload(items, localByPath.values(), { delete: options.delete === true });
  logPlan(plan, options, folder);
  const fields = {
    direction: "download" as const,
    files: items.length,
    bytes: sum(items.map((item) => item.remote.size)),
    uploaded: 0,
    downloaded: plan.downloads.length,
    skipped: plan.skips.length,
    deleted: plan.deletes.length,
  };
  if (options.dryRun === true) {
    return createSyncSummary({
      ...fields,
      dryRun: true,
      transferredBytes: 0,
      seconds: (performance.now() - startedAt) / 1000,
    });
  }

  const transferredBytes = await executePlan(plan, folder, options, concurrency);
  return createSyncSummary({
    ...fields,
    dryRun: false,
    transferredBytes,
    seconds: (performance.now() - startedAt) / 1000,
  });
}

async function listAndWalk(
  store: ObjectStore,
  prefix: string,
  folder: string,
  signal: AbortSignal | undefined,
): Promise<[ObjectInfo[], LocalEntry[]]> {
  const controller = new AbortController();
  const combined =
    signal === undefined ? controller.signal : AbortSignal.any([signal, controller.signal]);
  const stopOther = (error: unknown): never => {
    controller.abort(error);
    throw error;
  };
  const listing = listObjects(store, prefix, combined).catch((error: unknown) =>
    stopOther(transferError(`Listing ${store.url} under ${JSON.stringify(prefix)}`, error)),
  );
  const walk = findTargetFiles(folder, combined).catch(stopOther);
  const [remote, local] = await Promise.allSettled([listing, walk]);
  signal?.throwIfAborted();
  if (remote.status === "rejected" || local.status === "rejected") throw controller.signal.reason;
  return [remote.value, local.value];
}

/**
 * Maps objects to local paths, refusing the whole sync when one key is unsafe or when a key is
 * both a file and the folder of another key.
 */
function toDownloadItems(
  remote: readonly ObjectInfo[],
  prefix: string,
  folder: string,
  logger: SyncLogger | undefined,
): DownloadItem[] {
  const refused: Array<{ key: string; problem: string }> = [];
  const items: DownloadItem[] = [];
  for (const object of remote) {
    const relativePath = object.key.slice(prefix.length);
    if (relativePath === "" || relativePath.endsWith("/")) {
      logger?.debug(`skipped the folder marker ${object.key}`);
      continue;
    }
    const problem = describeUnsafeKey(relativePath);
    if (problem !== undefined) {
      refused.push({ key: object.key, problem });
      continue;
    }
    items.push({
      key: object.key,
      relativePath,
      path: resolveDownloadPath(folder, relativePath),
      remote: object,
    });
  }
  if (refused.length > 0) throw unsafeKeyError(refused);

  const paths = new Set(items.map((item) => item.relativePath));
  const conflicts = items.filter((item) => {
    const segments = item.relativePath.split("/");
    return segments.slice(1).some((_, index) => paths.has(segments.slice(0, index + 1).join("/")));
  });
  if (conflicts.length > 0) {
    throw new SyncError(
      "E_SYNC_KEY_CONFLICT",
      `These keys need a folder where another key is a file, which a file system cannot hold: ${conflicts
        .slice(0, 5)
        .map((item) => item.key)
        .join(", ")}. Download a narrower prefix.`,
    );
  }
  return items;
}

/** Hashes the local files whose size equals their object's and whose object has a hash to compare. */
async function hashCandidates(
  items: readonly DownloadItem[],
  localByPath: ReadonlyMap<string, LocalEntry>,
  concurrency: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  const candidates = items.filter((item) => {
    const entry = localByPath.get(item.relativePath);
    if (entry?.isFile !== true || entry.size !== item.remote.size) return false;
    const { md5, metadata } = item.remote;
    return md5 !== undefined || metadata === undefined || metadata[sha256MetadataKey] !== undefined;
  });
  await runConcurrently(
    candidates,
    concurrency,
    async (item, itemSignal) => {
      const entry = localByPath.get(item.relativePath) as LocalEntry;
      // Only the hash the object can be compared by; both when its metadata is not known yet.
      const { md5, metadata } = item.remote;
      const hashes = md5 !== undefined ? "md5" : metadata === undefined ? "both" : "sha256";
      const digest = await digestFile(entry.path, { size: entry.size, hashes, signal: itemSignal });
      entry.md5 = digest.md5;
      entry.sha256 = digest.sha256;
    },
    signal,
  );
}

function logPlan(plan: DownloadPlan, options: DownloadSyncOptions, folder: string): void {
  const { logger } = options;
  if (logger === undefined) return;
  const dryRun = options.dryRun === true;
  for (const action of plan.actions) {
    const line = describeDownloadAction(action, dryRun);
    if (dryRun || action.type !== "skip") logger.info(line);
    else logger.debug(line);
  }
  logger.info(
    `${dryRun ? "would download" : "downloading"} ${plan.downloads.length} of ${plan.downloads.length + plan.skips.length} objects to ${folder} (${plan.skips.length} unchanged${options.delete === true ? `, ${plan.deletes.length} to delete` : ""})`,
  );
}

async function executePlan(
  plan: DownloadPlan,
  folder: string,
  options: DownloadSyncOptions,
  concurrency: number,
): Promise<number> {
  const { store, logger, signal } = options;
  await mkdir(folder, { recursive: true });
  const total = sum(plan.downloads.map((step) => step.item.remote.size));
  let progress: Progress | undefined;
  if (plan.downloads.length > 0)
    progress = logger?.progress({ label: "download", total, unit: "bytes" });
  const checkedFolders = new Set<string>([folder]);
  try {
    await runConcurrently(
      plan.downloads,
      concurrency,
      async (step, stepSignal) => {
        await downloadObject(store, step.item, {
          folder,
          checkedFolders,
          onBytes: (bytes) => progress?.advance(bytes),
          signal: stepSignal,
        });
        logger?.debug(`downloaded ${step.relativePath}`);
      },
      signal,
    );
  } finally {
    progress?.done();
  }
  for (const step of plan.deletes) {
    signal?.throwIfAborted();
    // `rm` of a link removes the link, never what it points to.
    await rm(step.local.path, { force: true });
  }
  if (plan.deletes.length > 0) logger?.info(`deleted ${plan.deletes.length} files from ${folder}`);
  return total;
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}
