import { invalidRequest } from "./gcs-api-error.js";

/** The query of a list request, as GCS names it. */
export interface ListQuery {
  prefix?: string | undefined;
  delimiter?: string | undefined;
  /** Entries (objects plus prefixes) per page, 1–1000. @default 1000 */
  maxResults?: number | undefined;
  pageToken?: string | undefined;
  /** Only names ≥ this. */
  startOffset?: string | undefined;
  /** Only names < this. */
  endOffset?: string | undefined;
  /** Also list an object whose name ends at a delimiter as an item, not only as a prefix. */
  includeTrailingDelimiter?: boolean | undefined;
}

/** One page of a listing. */
export interface ListPage {
  /** Names of the objects on this page, sorted. */
  names: string[];
  /** Common prefixes on this page, sorted. */
  prefixes: string[];
  /** Set when more entries follow. */
  nextPageToken: string | undefined;
}

interface Entry {
  key: string;
  isPrefix: boolean;
  alsoObject: boolean;
}

/** Orders object names as GCS does: by their UTF-8 bytes. */
export function compareNames(left: string, right: string): number {
  return Buffer.compare(Buffer.from(left, "utf8"), Buffer.from(right, "utf8"));
}

/**
 * Lists one page of `sortedNames` (sorted with {@link compareNames}) like `objects.list`: filtered by prefix and offsets, grouped by delimiter, at most
 * `maxResults` objects and prefixes together. The page token names the last entry returned, so
 * objects added or removed between pages shift nothing.
 */
export function listPage(sortedNames: readonly string[], query: ListQuery): ListPage {
  const prefix = query.prefix ?? "";
  const delimiter = query.delimiter ?? "";
  const maxResults = query.maxResults ?? 1000;
  if (!Number.isInteger(maxResults) || maxResults < 1) {
    throw invalidRequest(`Invalid value for maxResults: ${maxResults}`);
  }
  const pageSize = Math.min(maxResults, 1000);
  const after = query.pageToken === undefined ? undefined : decodePageToken(query.pageToken);
  const entries: Entry[] = [];
  for (const name of sortedNames) {
    if (!name.startsWith(prefix)) {
      continue;
    }
    if (query.startOffset !== undefined && compareNames(name, query.startOffset) < 0) {
      continue;
    }
    if (
      query.endOffset !== undefined &&
      query.endOffset !== "" &&
      compareNames(name, query.endOffset) >= 0
    ) {
      continue;
    }
    const cut = delimiter === "" ? -1 : name.indexOf(delimiter, prefix.length);
    if (cut === -1) {
      entries.push({ key: name, isPrefix: false, alsoObject: false });
      continue;
    }
    const commonPrefix = name.slice(0, cut + delimiter.length);
    const isTrailing = query.includeTrailingDelimiter === true && name === commonPrefix;
    const last = entries.at(-1);
    // Sorted names put every name under one prefix next to each other.
    if (last?.isPrefix === true && last.key === commonPrefix) {
      last.alsoObject ||= isTrailing;
      continue;
    }
    entries.push({ key: commonPrefix, isPrefix: true, alsoObject: isTrailing });
  }
  const remaining =
    after === undefined ? entries : entries.filter((entry) => compareNames(entry.key, after) > 0);
  const page = remaining.slice(0, pageSize);
  const names: string[] = [];
  const prefixes: string[] = [];
  for (const entry of page) {
    if (entry.isPrefix) {
      prefixes.push(entry.key);
    }
    if (!entry.isPrefix || entry.alsoObject) {
      names.push(entry.key);
    }
  }
  const lastEntry = page.at(-1);
  return {
    names,
    prefixes,
    nextPageToken:
      remaining.length > page.length && lastEntry !== undefined
        ? Buffer.from(lastEntry.key, "utf8").toString("base64url")
        : undefined,
  };
}

function decodePageToken(token: string): string {
  if (!/^[A-Za-z0-9_-]+$/.test(token)) {
    throw invalidRequest(`Invalid pageToken: "${token}"`);
  }
  return Buffer.from(token, "base64url").toString("utf8");
}
