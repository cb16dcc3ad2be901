import type { ObjectInfo, ObjectStore } from "@spotkit/storage";

/** The archive a restore found. */
export interface CacheMatch {
  /** The cache key the archive was saved under (the exact key, a restore key, or a key a restore key is a prefix of). */
  key: string;
  /** The object holding the archive. */
  objectKey: string;
  /** True when `key` is the exact key asked for; false for a match through `restoreKeys`. */
  exact: boolean;
  /** What the store knows about the object (size, last modified). */
  info: ObjectInfo;
}

/** Options of {@link findCacheObject}. */
export interface FindCacheObjectOptions {
  store: ObjectStore;
  /** The exact key, tried first. */
  key: string;
  /**
   * Tried in order after the exact key, as actions/cache does: each one first as an exact key,
   * then as a prefix of saved keys, the newest of those (by last modified) first.
   * @default []
   */
  restoreKeys?: readonly string[];
  /** The object that holds the archive of a key. */
  objectKey(key: string): string;
  signal?: AbortSignal;
}

/**
 * A key no template renders, used to find where a key sits inside the object key (drone-cache:
 * `<remote_root>/<key>/archive.tar.zst`; plugins/s3-cache: `<path>/<filename>`).
 */
const keyMarker = "spotkit-cache-key-marker-5c1e7a";

/**
 * Finds the archive to restore: the exact key (one HEAD), then each restore key as an exact key
 * (one HEAD) and as a prefix (one listing, newest first). Returns undefined when nothing matches.
 * Store failures are thrown: the caller decides whether a failure is a miss.
 */
export async function findCacheObject(
  options: FindCacheObjectOptions,
): Promise<CacheMatch | undefined> {
  const { store, signal } = options;
  const exactKey = options.objectKey(options.key);
  const exact = await store.head(exactKey, { signal });
  if (exact !== undefined) {
    return { key: options.key, objectKey: exactKey, exact: true, info: exact };
  }

  const layout = keyLayout(options.objectKey);
  for (const restoreKey of options.restoreKeys ?? []) {
    if (restoreKey === "") continue;
    const objectKey = options.objectKey(restoreKey);
    // The exact key was looked up already; a restore key equal to it only matters as a prefix.
    // A key ending in `/` names a folder of keys, never an archive of its own.
    if (objectKey !== exactKey && !restoreKey.endsWith("/")) {
      const info = await store.head(objectKey, { signal });
      if (info !== undefined) return { key: restoreKey, objectKey, exact: false, info };
    }
    if (layout === undefined) continue;
    const newest = await findNewestWithPrefix(store, layout, restoreKey, signal);
    if (newest !== undefined) return newest;
  }
  return undefined;
}

/** Where the key sits in an object key: the text before it and after it. */
interface KeyLayout {
  before: string;
  after: string;
}

/**
 * Splits the object key of a marker key around the marker. Undefined when the object key does
 * not contain the key as written (then restore keys can only match exactly).
 */
export function keyLayout(objectKey: (key: string) => string): KeyLayout | undefined {
  const sample = objectKey(keyMarker);
  const at = sample.indexOf(keyMarker);
  if (at < 0 || sample.indexOf(keyMarker, at + 1) >= 0) return undefined;
  return { before: sample.slice(0, at), after: sample.slice(at + keyMarker.length) };
}

async function findNewestWithPrefix(
  store: ObjectStore,
  layout: KeyLayout,
  prefix: string,
  signal: AbortSignal | undefined,
): Promise<CacheMatch | undefined> {
  const listPrefix = layout.before + prefix;
  let newest: CacheMatch | undefined;
  for await (const entry of store.list({ prefix: listPrefix, signal })) {
    if (entry.type !== "object") continue;
    // Only archives: the object key must end as this layout's do (same file name, so the same
    // format), and the key between must itself start with the prefix (`a/` must not match the
    // archive of key `a`, whose object key also starts with `<before>a/`).
    if (!entry.key.endsWith(layout.after)) continue;
    if (entry.key.length < layout.before.length + layout.after.length) continue;
    const key = entry.key.slice(layout.before.length, entry.key.length - layout.after.length);
    if (key === "" || !key.startsWith(prefix)) continue;
    if (newest === undefined || isNewer(entry, newest.info)) {
      const { type: _type, ...info } = entry;
      newest = { key, objectKey: entry.key, exact: false, info };
    }
  }
  return newest;
}

/** Newer by last modified; among equal times (or none), the greater key, so the choice is stable. */
function isNewer(candidate: ObjectInfo, current: ObjectInfo): boolean {
  const candidateTime = candidate.lastModified?.getTime() ?? Number.NEGATIVE_INFINITY;
  const currentTime = current.lastModified?.getTime() ?? Number.NEGATIVE_INFINITY;
  if (candidateTime !== currentTime) return candidateTime > currentTime;
  return candidate.key > current.key;
}
