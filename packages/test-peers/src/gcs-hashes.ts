import { createHash } from "node:crypto";
import { CRC32C } from "@google-cloud/storage";
import { invalidRequest } from "./gcs-api-error.js";

/** An object's checksums as GCS reports them: base64 of the big-endian digests. */
export interface GcsHashes {
  /** Base64 MD5 digest. */
  md5Hash: string;
  /** Base64 CRC32C (4 bytes, big-endian). */
  crc32c: string;
}

/** Checksums a client claims for the data it sends; either may be missing. */
export interface ClaimedHashes {
  md5Hash?: string | undefined;
  crc32c?: string | undefined;
}

/** Computes the MD5 and CRC32C of `data` (CRC32C with the client library's own implementation). */
export function computeGcsHashes(data: Buffer): GcsHashes {
  const crc = new CRC32C();
  crc.update(data);
  return { md5Hash: createHash("md5").update(data).digest("base64"), crc32c: crc.toString() };
}

/** Parses an `X-Goog-Hash` header (`crc32c=AAAAAA==,md5=1B2M2Y8AsgTpgAmY7PhCfg==`). */
export function parseGoogHash(header: string | string[] | undefined): ClaimedHashes {
  const claimed: ClaimedHashes = {};
  const text = Array.isArray(header) ? header.join(",") : (header ?? "");
  for (const entry of text.split(",")) {
    const equals = entry.indexOf("=");
    if (equals === -1) {
      continue;
    }
    const name = entry.slice(0, equals).trim().toLowerCase();
    const value = entry.slice(equals + 1).trim();
    if (name === "crc32c") {
      claimed.crc32c = value;
    } else if (name === "md5") {
      claimed.md5Hash = value;
    }
  }
  return claimed;
}

/** Throws GCS's 400 when a claimed checksum differs from the computed one. */
export function verifyHashes(computed: GcsHashes, claimed: ClaimedHashes): void {
  if (claimed.crc32c !== undefined && claimed.crc32c !== computed.crc32c) {
    throw invalidRequest(
      `Provided CRC32C "${claimed.crc32c}" doesn't match calculated CRC32C "${computed.crc32c}".`,
    );
  }
  if (claimed.md5Hash !== undefined && claimed.md5Hash !== computed.md5Hash) {
    throw invalidRequest(
      `Provided MD5 hash "${claimed.md5Hash}" doesn't match calculated MD5 hash "${computed.md5Hash}".`,
    );
  }
}
