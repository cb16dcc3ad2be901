import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ContentDigest, DigestHashes } from "./digest-file.js";
import { smallFileLimit } from "./read-small-file.js";

/** Options of {@link createDigestPool}. */
export interface DigestPoolOptions {
  /** Worker threads. @default the number of CPUs, at most 4 */
  threads?: number;
}

/** Options of {@link DigestPool.digest}. */
export interface PooledDigestOptions {
  /**
   * Hand back the bytes that were hashed too (for a small file about to be uploaded, which then
   * needs no second read). Only honoured for files of at most {@link smallFileLimit} bytes.
   * @default false
   */
  keepBytes?: boolean;
  /** The hashes to compute. @default "both" */
  hashes?: DigestHashes;
}

/** A digest from the pool, with the bytes it was computed from when they were asked for. */
export interface PooledDigest extends ContentDigest {
  /** The file's bytes, exactly those hashed; only with `keepBytes`, for a small file. */
  bytes?: Uint8Array;
}

/** Hashes files on worker threads. */
export interface DigestPool {
  /**
   * Size and hashes of a file's bytes as they are now (whatever size it was listed with).
   * Rejects with the file system's error (`ENOENT`…, with its `code`), or with the reason the
   * pool was closed for.
   *
   * @param size the size the file was listed with, to batch small files together.
   */
  digest(path: string, size: number, options?: PooledDigestOptions): Promise<PooledDigest>;
  /**
   * Stops the threads; digests not finished yet reject with `reason`. To abort the hashing, close
   * the pool: a listener per digest on one shared signal would cost more than the hashing.
   */
  close(reason?: unknown): Promise<void>;
}

/**
 * Files sent to a thread in one message, at most; a batch also closes once it holds this many
 * bytes, so that one large file does not hold up many small ones behind it.
 */
const batchFiles = 128;
const batchBytes = 4 * 1024 * 1024;

/**
 * Batches a thread may have waiting: while the main thread is busy (parsing a listing page), a
 * worker goes on with its next batch instead of waiting to be sent one.
 */
const batchesPerThread = 3;

/**
 * The thread's code, run with `eval` so that a plugin bundled into one file needs no second file.
 * It reads each file into one reused 1 MiB buffer with synchronous calls (it has nothing else to
 * do meanwhile), and hashes it with the hashes asked for (MD5, SHA-256 or both) in the same pass.
 */
const workerSource = `
const { parentPort } = require("node:worker_threads");
const { closeSync, openSync, readSync } = require("node:fs");
const { createHash, hash } = require("node:crypto");
const buffer = Buffer.allocUnsafe(1024 * 1024);
function fill(descriptor) {
  let filled = 0;
  for (;;) {
    const read = readSync(descriptor, buffer, filled, buffer.length - filled, null);
    if (read === 0) return { filled, ended: true };
    filled += read;
    if (filled === buffer.length) return { filled, ended: false };
  }
}
function digest(path, keepBytes, hashes) {
  const md5 = hashes !== "sha256";
  const sha256 = hashes !== "md5";
  const descriptor = openSync(path, "r");
  try {
    let { filled, ended } = fill(descriptor);
    if (ended) {
      // The whole file is in the buffer: one-shot hashes cost far less than hash objects, which
      // matters for thousands of small files.
      const content = buffer.subarray(0, filled);
      const result = { size: filled };
      if (md5) result.md5 = hash("md5", content);
      if (sha256) result.sha256 = hash("sha256", content);
      // The copy has a buffer of its own, which is moved to the main thread rather than copied.
      if (keepBytes) result.bytes = new Uint8Array(content);
      return result;
    }
    const hashers = [];
    if (md5) hashers.push(["md5", createHash("md5")]);
    if (sha256) hashers.push(["sha256", createHash("sha256")]);
    let size = 0;
    while (filled > 0) {
      const chunk = buffer.subarray(0, filled);
      for (const [, hasher] of hashers) hasher.update(chunk);
      size += filled;
      if (ended) break;
      ({ filled, ended } = fill(descriptor));
    }
    const result = { size };
    for (const [name, hasher] of hashers) result[name] = hasher.digest("hex");
    return result;
  } finally {
    closeSync(descriptor);
  }
}
parentPort.on("message", (batch) => {
  const moved = [];
  const replies = batch.map(({ id, path, keepBytes, hashes }) => {
    try {
      const result = digest(path, keepBytes, hashes);
      if (result.bytes) moved.push(result.bytes.buffer);
      return { id, digest: result };
    } catch (error) {
      return { id, error: { message: String(error && error.message), code: error && error.code } };
    }
  });
  parentPort.postMessage(replies, moved);
});
`;

interface Request {
  id: number;
  path: string;
  size: number;
  keepBytes: boolean;
  hashes: DigestHashes;
  resolve: (digest: PooledDigest) => void;
  reject: (error: unknown) => void;
}

interface Reply {
  id: number;
  digest?: PooledDigest;
  error?: { message: string; code?: string };
}

interface Thread {
  worker: Worker;
  /** Batches sent and not answered yet. */
  batches: number;
}

/**
 * Creates a pool of threads that hash files, so that hashing (as much CPU as the upload itself)
 * runs beside the main thread's listing, planning and transfers, on every core. Threads start on
 * the first digest, do not keep the process alive, and stop on {@link DigestPool.close}.
 *
 * Small files are sent in batches: a message per file would cost more than hashing it.
 */
export function createDigestPool(options: DigestPoolOptions = {}): DigestPool {
  const size = Math.max(1, options.threads ?? Math.min(4, availableParallelism()));
  const threads: Thread[] = [];
  const queue: Request[] = [];
  const pending = new Map<number, Request>();
  let nextId = 0;
  let closed = false;
  let scheduled = false;
  let closedReason: unknown;

  const settle = (reply: Reply) => {
    const request = pending.get(reply.id);
    if (request === undefined) return;
    pending.delete(reply.id);
    if (reply.digest !== undefined) {
      request.resolve(reply.digest);
      return;
    }
    const error = new Error(reply.error?.message ?? "The file could not be hashed.");
    if (reply.error?.code !== undefined) Object.assign(error, { code: reply.error.code });
    request.reject(error);
  };

  const failAll = (error: unknown) => {
    for (const request of [...queue, ...pending.values()]) request.reject(error);
    queue.length = 0;
    pending.clear();
  };

  const startThread = (): Thread => {
    const worker = new Worker(workerSource, { eval: true });
    worker.unref();
    const thread: Thread = { worker, batches: 0 };
    worker.on("message", (replies: Reply[]) => {
      thread.batches -= 1;
      for (const reply of replies) settle(reply);
      dispatch();
    });
    worker.on("error", (error) => {
      if (!closed) failAll(error);
    });
    threads.push(thread);
    return thread;
  };

  const dispatch = () => {
    while (queue.length > 0 && !closed) {
      // The least busy thread, or a new one while some are missing and all have work.
      const idlest = threads.reduce<Thread | undefined>(
        (best, candidate) =>
          best === undefined || candidate.batches < best.batches ? candidate : best,
        undefined,
      );
      const thread =
        idlest !== undefined && (idlest.batches === 0 || threads.length >= size)
          ? idlest.batches < batchesPerThread
            ? idlest
            : undefined
          : startThread();
      if (thread === undefined) return;
      const batch: Request[] = [];
      let bytes = 0;
      while (queue.length > 0 && batch.length < batchFiles && bytes < batchBytes) {
        const request = queue.shift() as Request;
        batch.push(request);
        pending.set(request.id, request);
        bytes += request.size;
      }
      thread.batches += 1;
      thread.worker.postMessage(
        batch.map(({ id, path, keepBytes, hashes }) => ({ id, path, keepBytes, hashes })),
      );
    }
  };

  return {
    digest(path, fileSize, digestOptions = {}) {
      if (closed) return Promise.reject(closedReason);
      const keepBytes = digestOptions.keepBytes === true && fileSize <= smallFileLimit;
      return new Promise<PooledDigest>((resolve, reject) => {
        const hashes = digestOptions.hashes ?? "both";
        queue.push({ id: nextId++, path, size: fileSize, keepBytes, hashes, resolve, reject });
        // Requests made in the same tick go out together.
        if (!scheduled) {
          scheduled = true;
          setImmediate(() => {
            scheduled = false;
            dispatch();
          });
        }
      });
    },
    async close(reason = new Error("The digest pool was closed before the file was hashed.")) {
      if (!closed) {
        closed = true;
        closedReason = reason;
        failAll(reason);
      }
      await Promise.all(threads.map((thread) => thread.worker.terminate()));
      threads.length = 0;
    },
  };
}
