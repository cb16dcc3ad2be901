import { createHash } from "node:crypto";
import { Transform, type TransformCallback } from "node:stream";

/** One digest a download is expected to have. */
export interface ExpectedDigest {
  /** Its name in messages: `md5`, `crc32c`. */
  algorithm: string;
  /** The value the store reported, in the encoding `finish` returns. */
  expected: string;
  /** Computes the digest of the content as it flows. */
  hasher: { update(data: Buffer): void; finish(): string };
}

/** A hasher for {@link ExpectedDigest} giving lower-case hex MD5. */
export function md5HexHasher(): ExpectedDigest["hasher"] {
  const hash = createHash("md5");
  return { update: (data) => hash.update(data), finish: () => hash.digest("hex") };
}

/**
 * A pass-through stream that computes digests of what flows through and, at the end, fails with
 * `onMismatch(...)` instead of ending when one differs from what the store reported. Meant for
 * whole objects only: a range has no digest to compare with.
 */
export function createDigestCheck(
  digests: readonly ExpectedDigest[],
  onMismatch: (digest: ExpectedDigest, actual: string) => Error,
): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback) {
      for (const digest of digests) {
        digest.hasher.update(chunk);
      }
      callback(null, chunk);
    },
    flush(callback: TransformCallback) {
      for (const digest of digests) {
        const actual = digest.hasher.finish();
        if (actual !== digest.expected) {
          callback(onMismatch(digest, actual));
          return;
        }
      }
      callback();
    },
  });
}
