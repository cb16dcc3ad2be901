import { close, open, read } from "node:fs";
import { Readable } from "node:stream";
import type { ChunkPool } from "@spotkit/storage/chunks";

/**
 * Streams a file's bytes in chunks read into buffers of `pool`, which come back to it once the
 * consumer wrote them (see `ChunkPool`), so that a large upload reads its file into the same few
 * buffers instead of fresh memory for every chunk. Reads one chunk ahead at most.
 *
 * Like `fs.createReadStream`: the file is opened on the first read, its error (`ENOENT`…) fails
 * the stream, and the descriptor is closed when the stream ends or is destroyed — after a read in
 * progress has finished, so that a descriptor number reused by another `open` is never read from.
 */
export function createPooledFileStream(path: string, pool: ChunkPool): Readable {
  let descriptor: number | undefined;
  let reading = false;
  let closeAfterRead: (() => void) | undefined;
  return new Readable({
    construct(callback) {
      open(path, "r", (error, opened) => {
        descriptor = opened;
        callback(error);
      });
    },
    read() {
      const buffer = pool.take();
      reading = true;
      read(descriptor as number, buffer, 0, buffer.length, null, (error, bytesRead) => {
        reading = false;
        if (closeAfterRead !== undefined || error || bytesRead === 0) {
          pool.release(buffer);
        }
        if (closeAfterRead !== undefined) {
          // Destroyed during the read: nothing wants the chunk any more.
          closeAfterRead();
        } else if (error) {
          this.destroy(error);
        } else {
          this.push(bytesRead === 0 ? null : pool.lend(buffer, bytesRead));
        }
      });
    },
    destroy(error, callback) {
      const closeFile = () => {
        if (descriptor === undefined) {
          callback(error);
          return;
        }
        const opened = descriptor;
        descriptor = undefined;
        close(opened, () => callback(error));
      };
      if (reading) {
        closeAfterRead = closeFile;
      } else {
        closeFile();
      }
    },
  });
}
