import { invalidRequest } from "./gcs-api-error.js";

/** The two parts of a `multipart/related` upload. */
export interface MultipartUpload {
  /** The object resource from the first (JSON) part. */
  metadata: Record<string, unknown>;
  /** The object's data from the second part. */
  media: Buffer;
  /** The second part's `Content-Type`, if it had one. */
  mediaContentType: string | undefined;
}

/**
 * Parses the body of an `uploadType=multipart` request: a `multipart/related` body whose first part
 * is the object's JSON metadata and whose second part is its data. Throws a 400 when the body is
 * not that.
 */
export function parseMultipartUpload(
  contentType: string | undefined,
  body: Buffer,
): MultipartUpload {
  const boundary = /^multipart\/related\s*;.*\bboundary=(?:"([^"]+)"|([^;\s]+))/i.exec(
    contentType ?? "",
  );
  const boundaryText = boundary?.[1] ?? boundary?.[2];
  if (boundaryText === undefined) {
    throw invalidRequest(
      `A multipart upload needs Content-Type: multipart/related; boundary=…, not "${contentType ?? ""}"`,
    );
  }
  const parts = splitParts(body, boundaryText);
  if (parts.length !== 2) {
    throw invalidRequest(
      `A multipart upload has exactly two parts (metadata, media); this one has ${parts.length}`,
    );
  }
  const [metadataPart, mediaPart] = parts as [Part, Part];
  let metadata: unknown;
  try {
    metadata = metadataPart.body.length === 0 ? {} : JSON.parse(metadataPart.body.toString("utf8"));
  } catch {
    throw invalidRequest("The first part of a multipart upload must be the object's JSON metadata");
  }
  if (typeof metadata !== "object" || metadata === null || Array.isArray(metadata)) {
    throw invalidRequest("The metadata part of a multipart upload must be a JSON object");
  }
  return {
    metadata: metadata as Record<string, unknown>,
    media: mediaPart.body,
    mediaContentType: mediaPart.headers.get("content-type"),
  };
}

interface Part {
  headers: Map<string, string>;
  body: Buffer;
}

function splitParts(body: Buffer, boundary: string): Part[] {
  const opening = Buffer.from(`--${boundary}`);
  const delimiter = Buffer.from(`\r\n--${boundary}`);
  let position = body.indexOf(opening);
  if (position === -1) {
    throw invalidRequest("The multipart body does not contain its boundary");
  }
  position += opening.length;
  const parts: Part[] = [];
  // Bounded by the body: every iteration moves past one delimiter or stops.
  while (position <= body.length) {
    if (body.subarray(position, position + 2).toString("latin1") === "--") {
      return parts;
    }
    if (body.subarray(position, position + 2).toString("latin1") !== "\r\n") {
      throw invalidRequest("Malformed multipart body: a boundary is not followed by a line break");
    }
    const headerEnd = body.indexOf("\r\n\r\n", position);
    const next = body.indexOf(delimiter, position);
    if (next === -1) {
      throw invalidRequest("Malformed multipart body: the closing boundary is missing");
    }
    const headers = new Map<string, string>();
    let contentStart: number;
    if (body.subarray(position + 2, position + 4).toString("latin1") === "\r\n") {
      // A part without headers.
      contentStart = position + 4;
    } else if (headerEnd !== -1 && headerEnd < next) {
      for (const line of body
        .subarray(position + 2, headerEnd)
        .toString("latin1")
        .split("\r\n")) {
        const colon = line.indexOf(":");
        if (colon > 0) {
          headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
        }
      }
      contentStart = headerEnd + 4;
    } else {
      throw invalidRequest("Malformed multipart body: a part's headers do not end");
    }
    parts.push({ headers, body: body.subarray(contentStart, next) });
    position = next + delimiter.length;
  }
  throw invalidRequest("Malformed multipart body: the closing boundary is missing");
}
