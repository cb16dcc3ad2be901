import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Progress } from "@spotkit/runtime";
import type { ObjectInfo, ObjectStore } from "@spotkit/storage";
import { missingHash } from "./compare-content.js";
import { createLimiter } from "./create-limiter.js";
import { describeUploadAction } from "./describe-action.js";
import { type DigestHashes, digestBytes, digestFile } from "./digest-file.js";
import { createDigestPool, type DigestPool } from "./digest-pool.js";
import { findLocalFiles, type LocalFile, type SymlinkPolicy } from "./find-local-files.js";
import { listObjects } from "./list-objects.js";
import { needsHead, planUpload, type UploadItem, type UploadPlan } from "./plan-upload.js";
import { smallFileLimit } from "./read-small-file.js";
import { normalizeRemotePrefix, objectKeyFor } from "./remote-prefix.js";
import { resolveConcurrency } from "./resolve-concurrency.js";
import { compileSyncRules, type ObjectHeaders } from "./resolve-object-headers.js";
import { runConcurrently } from "./run-concurrently.js";
import { createPrefixStripper } from "./strip-prefix.js";
import { SyncError } from "./sync-error.js";
import type { SyncLogger } from "./sync-logger.js";
import type { SyncRules } from "./sync-rules.js";
import { createSyncSummary, type SyncSummary } from "./sync-summary.js";
import { transferError } from "./transfer-error.js";
import { uploadObject } from "./upload-object.js";

/** Options of {@link syncUp}. */
export interface UploadSyncOptions {
  /** The store to write to. */
  store: ObjectStore;
  /**
   * What to upload: globs (`dist/**`, `**\/*.html`), folders (everything under them) or files,
   * relative to `cwd` or absolute. Keys are built from the path as written here: `dist/a.js`
   * under target `site` is `site/dist/a.js` unless `stripPrefix` removes `dist/`. For
   * plugins/s3-sync's meaning of `source` (a folder whose content goes under the target), pass the
   * folder as `cwd` and `"."` as source.
   */
  source: string | readonly string[];
  /** The folder relative sources start from. */
  cwd: string;
  /** Globs of files to leave out (see {@link FindLocalFilesOptions.exclude}). */
  exclude?: readonly string[];
  /** Removed from each file's path before the target is prepended (see {@link createPrefixStripper}). */
  stripPrefix?: string;
  /** The key prefix (folder) to sync under; leading and trailing `/` do not matter. @default "" */
  target?: string;
  /** Headers, metadata, ACL, gzip and redirects. */
  rules?: SyncRules;
  /**
   * Delete objects under the target that no local file maps to — only once the local walk and the
   * remote listing both completed and every upload succeeded.
   * @default false
   */
  delete?: boolean;
  /** Compute and log the plan without writing anything (listing and `head` still happen). @default false */
  dryRun?: boolean;
  /**
   * Upload every file even when the store holds the same content: after changing rules on S3, whose
   * listings do not show headers, this rewrites them.
   * @default false
   */
  force?: boolean;
  /** @default "inside" */
  symlinks?: SymlinkPolicy;
  /** Files hashed, heads and uploads run at once. @default 16 */
  concurrency?: number;
  /** Passed to the store's multipart upload. @default the store's (8 MiB) */
  partSize?: number;
  /**
   * Files of at most this many bytes (after gzip) go up in one request, streamed from disk; larger
   * ones in parts (see `PutOptions.multipartThreshold`). @default the store's (the part size)
   */
  multipartThreshold?: number;
  /**
   * Where compressed copies of gzipped files wait for their upload (a private folder is created in
   * it and removed at the end).
   * @default os.tmpdir()
   */
  temporaryFolder?: string;
  /** Aborts the sync: running uploads are aborted (the store keeps nothing of them). */
  signal?: AbortSignal;
  logger?: SyncLogger;
}

/**
 * Uploads local files to a store, transferring only what changed, with one listing of the target
 * and a `head` only for objects the listing cannot decide (see {@link needsHead}).
 *
 * Steps: walk the sources, then hash every file (on worker threads; gzip first where a rule says
 * so) while the target is listed; as soon as a file is hashed and the listing is complete, `head`
 * its object if the listing cannot decide, and upload it if it changed (see {@link planUpload}),
 * `concurrency` requests at a time; delete, if asked, once every upload succeeded. If the walk or
 * the listing fails, nothing is written at all; if a file cannot be read, the uploads stop, those
 * done stay (each object is whole and described by its metadata) and nothing is deleted.
 *
 * @throws {SyncError} for bad options, a missing source, key conflicts, transfer failures;
 *   the signal's reason when aborted.
 */
export async function syncUp(options: UploadSyncOptions): Promise<SyncSummary> {
  const startedAt = performance.now();
  const { store, logger, signal } = options;
  const concurrency = resolveConcurrency(options.concurrency);
  const prefix = normalizeRemotePrefix(options.target, "target");
  const headersFor = compileSyncRules(options.rules);
  const strip = createPrefixStripper(options.stripPrefix);
  signal?.throwIfAborted();

  const temporary = await mkdtemp(join(options.temporaryFolder ?? tmpdir(), "spotkit-sync-"));
  const digests = createDigestPool();
  const force = options.force === true;
  const dryRun = options.dryRun === true;
  const transfers = createLimiter(concurrency);
  const partOptions = {
    partSize: options.partSize,
    multipartThreshold: options.multipartThreshold,
  };
  // Each file gets the one hash that will identify its object: the MD5 the store reports, or
  // where it reports none (S3 multipart), the SHA-256 stored as `spotkit-sha256`.
  const hashesFor = (size: number): DigestHashes =>
    store.reportsMd5(size, partOptions) ? "md5" : "sha256";
  let progress: Progress | undefined;
  try {
    const bodies = new Map<string, string>();
    const gzipCopies = createCopyKeeper(bodies, force);
    let remoteReady: Promise<Map<string, ObjectInfo>> | undefined;
    // Files are hashed while the listing is still coming in, and each file is decided about, and
    // uploaded, as soon as both its hash and the whole listing are in: no file waits for the
    // hashing of every other one.
    const [items, remote] = await walkListAndHash(
      options,
      prefix,
      async (files, listing, walkSignal) => {
        if (files.length === 0 && options.delete === true) {
          throw new SyncError(
            "E_SYNC_NO_FILES",
            `No local file matched the source (${JSON.stringify(options.source)} in ${options.cwd}), and delete is on: refusing to delete every object under ${store.url}/${prefix}. Check the source, or delete the objects another way.`,
          );
        }
        remoteReady ??= listing.then(async (objects) => {
          const byKey = new Map(objects.map((object) => [object.key, object]));
          await gzipCopies.listed(byKey);
          return byKey;
        });
        // A failed listing is reported by walkListAndHash; with no file waiting for it, nothing
        // else would handle this promise's rejection, which would end the process.
        remoteReady.catch(() => {});
        const known = remoteReady;
        const entries = mapKeys(files, prefix, strip, options.rules?.redirects, logger);
        return prepareItems(entries, {
          headersFor,
          temporary,
          digests,
          hashesFor,
          gzipCopies,
          concurrency,
          signal: walkSignal,
          onItem: async (item, itemSignal, bytes) => {
            const remoteByKey = await known;
            const listed = remoteByKey.get(item.key);
            // Only a HEAD takes a transfer slot: most items of a re-sync are decided from the
            // listing alone, and thousands of slot hand-offs would cost more than the decisions.
            const object = needsHead(item, listed, { force })
              ? await transfers(() => headRemote(store, item.key, remoteByKey, itemSignal))
              : listed;
            const missing = force ? undefined : missingHash(item.digest, object);
            if (missing !== undefined) await addHash(item, missing, itemSignal);
            if (dryRun) return;
            const decision = planUpload([item], object === undefined ? [] : [object], { force });
            const step = decision.uploads[0];
            if (step === undefined) {
              const skip = decision.skips[0];
              if (skip !== undefined) logger?.debug(describeUploadAction(skip, false));
              return;
            }
            await transfers(async () => {
              itemSignal.throwIfAborted();
              logger?.info(describeUploadAction(step, false));
              progress ??= logger?.progress({ label: "upload", unit: "bytes" });
              await uploadObject(store, item, {
                bodyPath: bodies.get(item.key),
                hashedBytes: bytes,
                ...partOptions,
                onBytes: (bytes) => progress?.advance(bytes),
                signal: itemSignal,
              });
              logger?.debug(`uploaded ${item.key}`);
            });
          },
        });
      },
    );
    const remoteByKey =
      (await remoteReady) ?? new Map(remote.map((object) => [object.key, object]));
    const plan = planUpload(items, remoteByKey.values(), {
      delete: options.delete === true,
      force,
      prefix,
    });
    const summaryFields = {
      direction: "upload" as const,
      files: items.length,
      bytes: sum(items.map((item) => item.digest.size)),
      uploaded: plan.uploads.length,
      downloaded: 0,
      skipped: plan.skips.length,
      deleted: plan.deletes.length,
    };
    if (dryRun) {
      logDryRunPlan(plan, options);
      return createSyncSummary({
        ...summaryFields,
        dryRun: true,
        transferredBytes: 0,
        seconds: secondsSince(startedAt),
      });
    }
    progress?.done();
    progress = undefined;
    logUploaded(plan, options);
    await deleteUnmatched(plan, options);
    return createSyncSummary({
      ...summaryFields,
      dryRun: false,
      transferredBytes: sum(plan.uploads.map((step) => step.item.digest.size)),
      seconds: secondsSince(startedAt),
    });
  } finally {
    progress?.done();
    await digests.close();
    await rm(temporary, { recursive: true, force: true });
  }
}

/**
 * The object at `key` by `head`, for an item the listing cannot decide about (see
 * {@link needsHead}); it also replaces the listing entry in `remoteByKey`.
 */
async function headRemote(
  store: ObjectStore,
  key: string,
  remoteByKey: Map<string, ObjectInfo>,
  signal: AbortSignal,
): Promise<ObjectInfo | undefined> {
  const info = await store.head(key, { signal }).catch((error: unknown) => {
    throw transferError(`Reading the metadata of ${key}`, error);
  });
  if (info === undefined) {
    remoteByKey.delete(key);
    return undefined;
  }
  const object = { ...info, key };
  remoteByKey.set(key, object);
  return object;
}

/**
 * Adds to `item`'s digest the hash its object can be compared by, which the file was not hashed
 * with (an object written by another tool, or with another part size): one more read of the file
 * instead of an upload of it.
 */
async function addHash(item: UploadItem, hash: "md5" | "sha256", signal: AbortSignal) {
  // Only plain files get one hash: gzip bodies and redirects are hashed with both.
  const file = item.file;
  if (file === undefined || item.headers.gzip) return;
  const digest = await digestFile(file.path, { size: file.size, hashes: hash, signal });
  // A file that changed size since it was hashed is uploaded, and its upload fails as changed.
  if (digest.size === item.digest.size) item.digest[hash] = digest[hash] as string;
}

interface KeyedEntry {
  key: string;
  file?: LocalFile;
  redirect?: { path: string; location: string };
}

/**
 * Walks the sources and hands the files, with the listing still under way, to `prepare`, which
 * hashes them and acts on each once the listing is in. When one side fails the other is aborted
 * and the failure that came first is thrown, not the abort it caused on the other side; as
 * `prepare` waits for the listing before it writes, a failed walk or listing writes nothing.
 */
async function walkListAndHash<T>(
  options: UploadSyncOptions,
  prefix: string,
  prepare: (files: LocalFile[], listing: Promise<ObjectInfo[]>, signal: AbortSignal) => Promise<T>,
): Promise<[T, ObjectInfo[]]> {
  const controller = new AbortController();
  const signal =
    options.signal === undefined
      ? controller.signal
      : AbortSignal.any([options.signal, controller.signal]);
  const stopOther = (error: unknown): never => {
    controller.abort(error);
    throw error;
  };
  const listing = listObjects(options.store, prefix, signal).catch((error: unknown) =>
    stopOther(transferError(`Listing ${options.store.url} under ${JSON.stringify(prefix)}`, error)),
  );
  const local = findLocalFiles({
    cwd: options.cwd,
    source: options.source,
    exclude: options.exclude,
    symlinks: options.symlinks,
    signal,
    onWarning: (message) => options.logger?.warn(message),
  })
    .then((files) => prepare(files, listing, signal))
    .catch(stopOther);
  const [prepared, remote] = await Promise.allSettled([local, listing]);
  options.signal?.throwIfAborted();
  if (prepared.status === "rejected" || remote.status === "rejected") {
    throw controller.signal.reason;
  }
  return [prepared.value, remote.value];
}

/** Gives every file and redirect its key; two files on one key are an error, a redirect wins. */
function mapKeys(
  files: readonly LocalFile[],
  prefix: string,
  strip: (name: string) => string,
  redirects: SyncRules["redirects"],
  logger: SyncLogger | undefined,
): KeyedEntry[] {
  const byKey = new Map<string, KeyedEntry>();
  const conflicts: string[] = [];
  for (const file of files) {
    const key = objectKeyFor(prefix, strip(file.name));
    const existing = byKey.get(key);
    if (existing?.file !== undefined) {
      conflicts.push(`${existing.file.name} and ${file.name} → ${key}`);
      continue;
    }
    byKey.set(key, { key, file });
  }
  if (conflicts.length > 0) {
    throw new SyncError(
      "E_SYNC_KEY_CONFLICT",
      `Several files map to one key: ${conflicts.slice(0, 5).join("; ")}${conflicts.length > 5 ? ` and ${conflicts.length - 5} more` : ""}. Narrow the sources or change strip_prefix.`,
    );
  }
  for (const [path, location] of Object.entries(redirects ?? {})) {
    if (typeof location !== "string" || location === "") {
      throw new SyncError(
        "E_SYNC_INVALID_OPTIONS",
        `The redirect of ${JSON.stringify(path)} must be a non-empty URL or path.`,
      );
    }
    const key = objectKeyFor(prefix, path);
    const existing = byKey.get(key);
    if (existing?.file !== undefined) {
      logger?.warn(
        `The redirect ${path} replaces the file ${existing.file.name} at ${key}, as plugins/s3-sync writes redirects last.`,
      );
    }
    byKey.set(key, { key, redirect: { path, location } });
  }
  return [...byKey.values()];
}

/** What {@link prepareItems} works with. */
interface PrepareContext {
  headersFor: (name: string) => ObjectHeaders;
  temporary: string;
  digests: DigestPool;
  /** The hashes a file of this size needs. */
  hashesFor: (size: number) => DigestHashes;
  gzipCopies: CopyKeeper;
  concurrency: number;
  signal: AbortSignal;
  /**
   * Called with each item once it is hashed (a redirect at once), and with the bytes hashed for a
   * small file while the budget for them lasts; its failure stops the rest.
   */
  onItem: (item: UploadItem, signal: AbortSignal, bytes?: Uint8Array) => Promise<void>;
}

/**
 * Files handed to the digest pool at once. The pool has its own few threads; many requests in
 * flight let it send small files to them in batches rather than a handful at a time.
 */
const digestsInFlight = 1024;

/**
 * Hashed files whose decision (and upload) may be under way at once: they wait for the listing,
 * so hashing runs ahead of them; this bounds the promises kept for a tree of millions of files.
 */
const maxPendingDecisions = 16 * 1024;

/**
 * Bytes of small files kept from their hashing until they are uploaded or skipped, at most: each
 * one kept spares a second open and read of the file on the main thread (for thousands of small
 * files, a good part of the CPU of the sync).
 */
const keptBytesBudget = 32 * 1024 * 1024;

/**
 * Hashes every file: on the digest pool's threads, or (where a rule says gzip) through gzip into
 * the temporary folder on this thread, `concurrency` at a time, so that a compressed body is
 * compressed once only; and hands each item to `onItem` as soon as it is ready. The pool is closed
 * once the last file is hashed: its threads hold memory the uploads can use. When one fails, the
 * others stop.
 */
async function prepareItems(
  entries: readonly KeyedEntry[],
  context: PrepareContext,
): Promise<UploadItem[]> {
  const { headersFor, temporary, digests, gzipCopies, onItem } = context;
  const items: UploadItem[] = [];
  const redirects: UploadItem[] = [];
  const plain: { key: string; file: LocalFile; headers: ObjectHeaders }[] = [];
  const compressed: { key: string; file: LocalFile; headers: ObjectHeaders; index: number }[] = [];
  for (const [index, entry] of entries.entries()) {
    if (entry.redirect !== undefined) {
      const {
        gzip: _gzip,
        contentEncoding: _encoding,
        ...headers
      } = headersFor(entry.redirect.path);
      redirects.push({
        key: entry.key,
        redirect: entry.redirect.location,
        digest: digestBytes(new Uint8Array(0)),
        headers: { ...headers, gzip: false },
      });
      continue;
    }
    const file = entry.file as LocalFile;
    const headers = headersFor(file.name);
    if (headers.gzip) compressed.push({ key: entry.key, file, headers, index });
    else plain.push({ key: entry.key, file, headers });
  }

  const controller = new AbortController();
  const signal = AbortSignal.any([context.signal, controller.signal]);
  const stopOther = (error: unknown): never => {
    controller.abort(error);
    throw error;
  };
  // Hashes in flight end at once, with the reason.
  const closeDigests = () => void digests.close(signal.reason);
  signal.addEventListener("abort", closeDigests, { once: true });
  let digestsLeft = plain.length;
  let keptBytes = 0;
  // Decisions (and uploads) of hashed files under way; they never reject: a failure aborts
  // `controller`. Hashing may run ahead of them, but not without bound.
  let pendingDecisions = 0;
  const decisionSlotWaiters: (() => void)[] = [];
  let allDecided: (() => void) | undefined;
  const decisionSettled = () => {
    pendingDecisions -= 1;
    decisionSlotWaiters.shift()?.();
    if (pendingDecisions === 0) allDecided?.();
  };
  const waitForAllDecisions = () =>
    new Promise<void>((resolve) => {
      if (pendingDecisions === 0) resolve();
      else allDecided = resolve;
    });
  const results = await Promise.allSettled([
    runConcurrently(
      redirects,
      context.concurrency,
      async (item, itemSignal) => {
        items.push(item);
        await onItem(item, itemSignal);
      },
      signal,
    ).catch(stopOther),
    runConcurrently(
      plain,
      digestsInFlight,
      async ({ key, file, headers }, itemSignal) => {
        const keepBytes = file.size <= smallFileLimit && keptBytes + file.size <= keptBytesBudget;
        if (keepBytes) keptBytes += file.size;
        const release = () => {
          if (keepBytes) keptBytes -= file.size;
        };
        let hashed: Awaited<ReturnType<typeof digests.digest>>;
        try {
          // A file whose size changes from here across the threshold gets the wrong hash, but its
          // upload fails anyway, since the file changed since the walk.
          hashed = await digests.digest(file.path, file.size, {
            keepBytes,
            hashes: context.hashesFor(file.size),
          });
        } catch (error) {
          release();
          throw error;
        }
        digestsLeft -= 1;
        if (digestsLeft === 0) void digests.close();
        const { bytes, ...digest } = hashed;
        const item: UploadItem = { key, file, digest, headers };
        items.push(item);
        // The decision waits for the listing (and for a transfer slot to upload); the digest slot
        // goes on to the next file meanwhile, so hashing does not stall behind the listing.
        pendingDecisions += 1;
        void onItem(item, itemSignal, bytes)
          .finally(release)
          .catch((error: unknown) => controller.abort(error))
          .finally(decisionSettled);
        if (pendingDecisions > maxPendingDecisions) {
          await new Promise<void>((resolve) => decisionSlotWaiters.push(resolve));
        }
      },
      signal,
    )
      // Also after a failure: uploads told to stop must have stopped (their multipart uploads
      // aborted) before the sync reports it.
      .finally(waitForAllDecisions)
      .then(() => signal.throwIfAborted())
      .catch(stopOther),
    runConcurrently(
      compressed,
      context.concurrency,
      async ({ key, file, headers, index }, itemSignal) => {
        const bodyPath = join(temporary, `${index}.gz`);
        const digest = await digestFile(file.path, {
          size: file.size,
          gzip: true,
          saveTo: bodyPath,
          signal: itemSignal,
        });
        const item: UploadItem = { key, file, digest, headers };
        items.push(item);
        await gzipCopies.add(item, bodyPath);
        await onItem(item, itemSignal);
      },
      signal,
    ).catch(stopOther),
  ]);
  signal.removeEventListener("abort", closeDigests);
  context.signal.throwIfAborted();
  if (results.some((result) => result.status === "rejected")) throw controller.signal.reason;
  return items;
}

/** Keeps the compressed copies that may be uploaded, and removes the others. */
interface CopyKeeper {
  /** A compressed copy was written for `item`. */
  add(item: UploadItem, bodyPath: string): Promise<void>;
  /** The listing arrived: copies of items the store already holds are removed. */
  listed(remoteByKey: ReadonlyMap<string, ObjectInfo>): Promise<void>;
}

/**
 * Keeps a compressed copy only while its upload is still possible: once the listing is known, the
 * copy of an item the store already holds is removed at once, so that the temporary folder holds
 * the compressed files that changed, plus those hashed before the listing arrived.
 */
function createCopyKeeper(bodies: Map<string, string>, force: boolean): CopyKeeper {
  let remote: ReadonlyMap<string, ObjectInfo> | undefined;
  const waiting: { item: UploadItem; bodyPath: string }[] = [];
  const decide = async (item: UploadItem, bodyPath: string, known: typeof remote) => {
    const object = known?.get(item.key);
    const unchanged =
      !needsHead(item, object, { force }) &&
      planUpload([item], object === undefined ? [] : [object], { force }).skips.length === 1;
    if (unchanged) await rm(bodyPath, { force: true });
    else bodies.set(item.key, bodyPath);
  };
  return {
    async add(item, bodyPath) {
      if (remote === undefined) waiting.push({ item, bodyPath });
      else await decide(item, bodyPath, remote);
    },
    async listed(remoteByKey) {
      remote = remoteByKey;
      for (const { item, bodyPath } of waiting.splice(0)) await decide(item, bodyPath, remote);
    },
  };
}

/** Prints a dry run's plan: every action, then the counts. */
function logDryRunPlan(plan: UploadPlan, options: UploadSyncOptions): void {
  const { logger } = options;
  if (logger === undefined) return;
  for (const action of plan.actions) logger.info(describeUploadAction(action, true));
  logger.info(describeCounts("would upload", plan, options));
}

/** The line that ends the uploads: how many objects went up, stayed, and are to be deleted. */
function logUploaded(plan: UploadPlan, options: UploadSyncOptions): void {
  options.logger?.info(describeCounts("uploaded", plan, options));
}

/** `<verb> N of M objects to <store> (K unchanged[, D to delete])`. */
function describeCounts(verb: string, plan: UploadPlan, options: UploadSyncOptions): string {
  return `${verb} ${plan.uploads.length} of ${plan.uploads.length + plan.skips.length} objects to ${options.store.url} (${plan.skips.length} unchanged${options.delete === true ? `, ${plan.deletes.length} to delete` : ""})`;
}

/** Deletes the objects no local file maps to; called only once every upload succeeded. */
async function deleteUnmatched(plan: UploadPlan, options: UploadSyncOptions): Promise<void> {
  const { store, logger, signal } = options;
  if (plan.deletes.length === 0) return;
  for (const step of plan.deletes) logger?.info(describeUploadAction(step, false));
  try {
    await store.delete(
      plan.deletes.map((step) => step.key),
      { signal },
    );
  } catch (error) {
    signal?.throwIfAborted();
    throw transferError(`Deleting ${plan.deletes.length} objects from ${store.url}`, error);
  }
  logger?.info(`deleted ${plan.deletes.length} objects from ${store.url}`);
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

function secondsSince(startedAt: number): number {
  return (performance.now() - startedAt) / 1000;
}
