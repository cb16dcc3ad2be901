import { invalidRequest } from "./gcs-api-error.js";

/** A `Content-Range` of a resumable-upload request, parsed. */
export type UploadContentRange =
  | {
      /** A star instead of the range (`bytes *` then `/total` or `/*`): a status query, or with a total a finishing call. */
      kind: "status";
      /** The object's total size, or `undefined` for `*`. */
      total: number | undefined;
    }
  | {
      /** `bytes first-last/total`: a chunk of data. */
      kind: "chunk";
      /** Offset of the chunk's first byte. */
      first: number;
      /** Offset of its last byte, or `undefined` for `first-*` (the rest of the object). */
      last: number | undefined;
      /** The object's total size, or `undefined` for `*` (not known yet). */
      total: number | undefined;
    };

const pattern = /^bytes (?:(\*)|(\d+)-(\d+|\*))\/(\d+|\*)$/;

/**
 * Parses the `Content-Range` header of a request to a resumable-upload session. The forms are
 * GCS's: `bytes first-last/total` where `total` may be a star (not known yet), a star instead of
 * `first-last` (a status query), and the client's single-request form where `last` is a star
 * (everything that follows). Throws a 400 for anything else.
 * @returns `undefined` when there is no header (the whole object in one request).
 */
export function parseUploadContentRange(
  header: string | undefined,
): UploadContentRange | undefined {
  if (header === undefined) {
    return undefined;
  }
  const match = pattern.exec(header.trim());
  if (match === null) {
    throw invalidRequest(`Failed to parse Content-Range header: "${header}"`);
  }
  const total = match[4] === "*" ? undefined : Number(match[4]);
  if (match[1] === "*") {
    return { kind: "status", total };
  }
  const first = Number(match[2]);
  const last = match[3] === "*" ? undefined : Number(match[3]);
  if (last !== undefined && last < first) {
    throw invalidRequest(`Content-Range "${header}" ends before it starts`);
  }
  if (total !== undefined && last !== undefined && last >= total) {
    throw invalidRequest(`Content-Range "${header}" goes past the object's total size`);
  }
  return { kind: "chunk", first, last, total };
}
