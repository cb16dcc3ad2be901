import { createHash, type Hash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { type Readable, Transform, type TransformCallback, Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzipStages } from "./gzip-stages.js";
import { readSmallFile, smallFileLimit } from "./read-small-file.js";

/**
 * Size and hashes of the bytes an object holds (after gzip, when gzip applies): at least one of
 * the two hashes, those that were asked for (see {@link DigestHashes}).
 */
export interface ContentDigest {
  /** Size in bytes. */
  size: number;
  /** Lower-case hex MD5: what S3 single-part ETags, Azure's Content-MD5 and GCS's md5Hash hold. */
  md5?: string;
  /** Lower-case hex SHA-256: what the sync stores in `spotkit-sha256`. */
  sha256?: string;
}

/**
 * The hashes to compute: the MD5 where the store will report the object's MD5 (each hash costs
 * as much CPU as reading the file), the SHA-256 where it will not (an S3 multipart object, which
 * the sync recognises by the `spotkit-sha256` it stores beside it), or both.
 */
export type DigestHashes = "md5" | "sha256" | "both";

/** Options of {@link digestFile}. */
export interface DigestFileOptions {
  /**
   * The size the file was listed with: at most {@link smallFileLimit} bytes, a plain digest reads
   * the file in one call instead of streaming it.
   */
  size?: number;
  /** The hashes to compute. @default "both" */
  hashes?: DigestHashes;
  /** Gzip the file's bytes (deterministically) and digest the compressed bytes. @default false */
  gzip?: boolean;
  /**
   * Also write the digested bytes to this new file, so a compressed body that must be uploaded
   * is compressed once only. The file must not exist.
   */
  saveTo?: string;
  signal?: AbortSignal;
}

/**
 * Streams a file once and returns the size and hashes of its bytes, or of its gzip bytes.
 * Never holds more than one 64 KiB chunk of it in memory: a small file is read in one call (see
 * {@link smallFileLimit}), a larger one streamed.
 */
export async function digestFile(
  path: string,
  options: DigestFileOptions = {},
): Promise<ContentDigest> {
  if (
    options.size !== undefined &&
    options.size <= smallFileLimit &&
    options.gzip !== true &&
    options.saveTo === undefined
  ) {
    options.signal?.throwIfAborted();
    const data = await readSmallFile(path, options.size);
    if (data !== undefined) return digestBytes(data, options.hashes);
  }
  const hasher = new DigestStream(options.hashes);
  const stages: Array<Readable | Transform | Writable> = [createReadStream(path)];
  if (options.gzip === true) stages.push(...createGzipStages());
  stages.push(hasher);
  stages.push(
    options.saveTo === undefined ? discard() : createWriteStream(options.saveTo, { flags: "wx" }),
  );
  await pipeline(stages, { signal: options.signal });
  return hasher.digest();
}

/** The digest of bytes held in memory (redirect objects, small files, tests). */
export function digestBytes(
  bytes: Uint8Array | string,
  hashes: DigestHashes = "both",
): ContentDigest {
  const data = typeof bytes === "string" ? Buffer.from(bytes) : bytes;
  const digest: ContentDigest = { size: data.byteLength };
  if (hashes !== "sha256") digest.md5 = createHash("md5").update(data).digest("hex");
  if (hashes !== "md5") digest.sha256 = createHash("sha256").update(data).digest("hex");
  return digest;
}

/** Passes bytes through while hashing them (with MD5 and SHA-256 by default) in the same pass. */
export class DigestStream extends Transform {
  private readonly md5: Hash | undefined;
  private readonly sha256: Hash | undefined;
  private size = 0;

  constructor(hashes: DigestHashes = "both") {
    super();
    this.md5 = hashes === "sha256" ? undefined : createHash("md5");
    this.sha256 = hashes === "md5" ? undefined : createHash("sha256");
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.md5?.update(chunk);
    this.sha256?.update(chunk);
    this.size += chunk.length;
    callback(null, chunk);
  }

  /** The digest of everything that passed; call it once, after the stream ended. */
  digest(): ContentDigest {
    const digest: ContentDigest = { size: this.size };
    if (this.md5 !== undefined) digest.md5 = this.md5.digest("hex");
    if (this.sha256 !== undefined) digest.sha256 = this.sha256.digest("hex");
    return digest;
  }
}

function discard(): Writable {
  return new Writable({
    write(_chunk, _encoding, callback) {
      callback();
    },
  });
}
