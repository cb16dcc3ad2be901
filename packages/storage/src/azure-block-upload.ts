import { createHash, randomUUID } from "node:crypto";

/** Azure's limit of committed blocks in one block blob. */
export const maxAzureBlocks = 50_000;

/** What {@link stageAzureBlocks} needs. */
export interface StageAzureBlocksOptions {
  /** The content, already cut into blocks (see `readBlocks`). */
  blocks: AsyncIterable<Buffer>;
  /** Blocks staged at once. */
  concurrency: number;
  /**
   * Stages one block (Put Block). `md5` is the block's MD5, for the service to verify what it
   * received. Must honour the same signal and retry on its own.
   */
  stageBlock: (blockId: string, block: Buffer, md5: Buffer) => Promise<void>;
  /** Called after each staged block with the bytes staged so far. */
  onProgress?: (bytesSent: number) => void;
  /** Stops reading and staging at once; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
}

/** What {@link stageAzureBlocks} staged: the list to commit, in order, and the content's digest. */
export interface StagedAzureBlocks {
  blockIds: string[];
  /** MD5 of the whole content, in order. */
  md5: Buffer;
  size: number;
}

/**
 * Stages the blocks of a block blob, `concurrency` at a time, in memory bounded by `concurrency`
 * blocks plus the one being read. Nothing is visible until the caller commits the returned list
 * (Put Block List); after a failure or an abort the staged blocks stay uncommitted, invisible,
 * and Azure discards them after a week.
 *
 * Written by hand rather than with `BlockBlobClient.uploadStream`: that one does not pass the
 * abort signal to its Put Block calls, so an aborted upload kept sending, and it caps concurrency
 * at three quarters of its buffers.
 */
export async function stageAzureBlocks(
  options: StageAzureBlocksOptions,
): Promise<StagedAzureBlocks> {
  const { blocks, concurrency, stageBlock, onProgress, signal } = options;
  // One prefix per upload keeps these IDs apart from an earlier upload's uncommitted blocks, and a
  // fixed length keeps every ID of the blob the same length, as Azure requires.
  const idPrefix = randomUUID().replaceAll("-", "");
  const blockIds: string[] = [];
  const digest = createHash("md5");
  const running = new Set<Promise<void>>();
  let failure: { error: unknown } | undefined;
  let size = 0;
  let bytesSent = 0;

  const onAbort = () => {
    failure ??= { error: signal?.reason };
  };
  signal?.addEventListener("abort", onAbort, { once: true });
  try {
    for await (const block of blocks) {
      if (failure || signal?.aborted) {
        break;
      }
      if (blockIds.length >= maxAzureBlocks) {
        throw new RangeError(
          `The content needs more than ${maxAzureBlocks} blocks: raise the part size above ${block.length} bytes.`,
        );
      }
      const blockId = Buffer.from(
        `${idPrefix}-${String(blockIds.length).padStart(6, "0")}`,
      ).toString("base64");
      blockIds.push(blockId);
      digest.update(block);
      size += block.length;
      const task = stageBlock(blockId, block, createHash("md5").update(block).digest()).then(
        () => {
          bytesSent += block.length;
          onProgress?.(bytesSent);
        },
        (error: unknown) => {
          failure ??= { error };
        },
      );
      running.add(task);
      void task.finally(() => running.delete(task));
      if (running.size >= concurrency) {
        await Promise.race(running);
      }
    }
    await Promise.all(running);
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
  signal?.throwIfAborted();
  if (failure) {
    throw failure.error;
  }
  return { blockIds, md5: digest.digest(), size };
}
