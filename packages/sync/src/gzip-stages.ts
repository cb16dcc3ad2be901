import { Transform, type TransformCallback } from "node:stream";
import { createGzip } from "node:zlib";

/**
 * The compression level of on-the-fly gzip. Fixed, because a different level gives different
 * bytes, and then a re-sync would upload every compressed file again. 6 is zlib's and Go's
 * default, a good trade for text at about 30 MB/s per core.
 */
export const gzipLevel = 6;

/** Byte 9 of a gzip header names the operating system; 3 is Unix. */
const osByteOffset = 9;
const unixOs = 3;

/**
 * The streams that gzip a body deterministically: zlib at {@link gzipLevel}, whose header has no
 * file name and mtime 0, then a stage that sets the header's OS byte to Unix, which zlib sets to
 * the platform it was built for. Use them with `stream.pipeline(source, ...createGzipStages(), …)`.
 *
 * The same input gives the same bytes for a given zlib build. Another Node version may compress
 * differently; the sync then uploads the affected files once more, which is correct, merely not
 * minimal.
 */
export function createGzipStages(): [Transform, Transform] {
  return [createGzip({ level: gzipLevel }), new GzipHeaderNormalizer()];
}

/** Rewrites the OS byte of the gzip header, wherever the chunk boundaries fall. */
export class GzipHeaderNormalizer extends Transform {
  private offset = 0;

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.offset <= osByteOffset && this.offset + chunk.length > osByteOffset) {
      const copy = Buffer.from(chunk);
      copy[osByteOffset - this.offset] = unixOs;
      this.offset += chunk.length;
      callback(null, copy);
      return;
    }
    this.offset += chunk.length;
    callback(null, chunk);
  }
}
