import type { ObjectInfo } from "@spotkit/storage";
import { type ObjectHeaders, reservedMetadataPrefix } from "./resolve-object-headers.js";

/** The metadata key of a redirect object, holding its `websiteRedirectLocation`. */
export const redirectMetadataKey = "spotkit-redirect";

/**
 * Describes how an object's headers differ from what the rules now ask for, or undefined when
 * they match as far as `remote` shows them. Only what the listing or a head already returned is
 * compared; nothing here costs a request:
 * - content headers when `remote.contentType` is known (Azure and GCS listings, any head): then a
 *   missing `contentEncoding`/`cacheControl` means "not set";
 * - user metadata when `remote.metadata` is known (Azure listings, any head);
 * - the redirect location (kept in `spotkit-redirect`) when metadata is known.
 * ACL, storage class and encryption are never compared: no listing returns them.
 */
export function describeHeaderChange(
  headers: ObjectHeaders,
  redirect: string | undefined,
  remote: ObjectInfo,
): string | undefined {
  if (remote.contentType !== undefined) {
    const changes = [
      describe("Content-Type", remote.contentType, headers.contentType, normalizeMediaType),
      describe("Content-Encoding", remote.contentEncoding, headers.contentEncoding),
      describe("Cache-Control", remote.cacheControl, headers.cacheControl),
    ].filter((change) => change !== undefined);
    if (changes.length > 0) return changes.join(", ");
  }
  if (remote.metadata !== undefined) {
    if ((remote.metadata[redirectMetadataKey] ?? undefined) !== redirect) {
      return `redirect ${remote.metadata[redirectMetadataKey] ?? "(none)"} → ${redirect ?? "(none)"}`;
    }
    const current = userMetadata(remote.metadata);
    if (!sameRecords(current, headers.metadata)) {
      return `metadata ${JSON.stringify(current)} → ${JSON.stringify(headers.metadata)}`;
    }
  }
  return undefined;
}

function describe(
  header: string,
  current: string | undefined,
  wanted: string | undefined,
  normalize: (value: string) => string = (value) => value,
): string | undefined {
  const before = current === undefined || current === "" ? undefined : normalize(current);
  const after = wanted === undefined || wanted === "" ? undefined : normalize(wanted);
  if (before === after) return undefined;
  return `${header} ${current ?? "(none)"} → ${wanted ?? "(none)"}`;
}

/** `text/html;charset=UTF-8` and `text/html; charset=utf-8` name the same type. */
function normalizeMediaType(value: string): string {
  return value.toLowerCase().replace(/\s+/g, "");
}

function userMetadata(metadata: Readonly<Record<string, string>>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(metadata)) {
    const lowerKey = key.toLowerCase();
    if (!lowerKey.startsWith(reservedMetadataPrefix)) result[lowerKey] = value;
  }
  return result;
}

function sameRecords(
  left: Readonly<Record<string, string>>,
  right: Readonly<Record<string, string>>,
): boolean {
  const leftKeys = Object.keys(left);
  if (leftKeys.length !== Object.keys(right).length) return false;
  return leftKeys.every((key) => right[key] === left[key]);
}
