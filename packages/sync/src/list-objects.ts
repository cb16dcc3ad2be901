import type { ObjectInfo, ObjectStore } from "@spotkit/storage";

/**
 * Lists every object under `prefix`: one listing, all pages, with metadata where the store's
 * listing can carry it at no extra request (Azure). Entries outside the prefix are dropped, so a
 * misbehaving store can never make `delete` reach beyond the target.
 */
export async function listObjects(
  store: ObjectStore,
  prefix: string,
  signal?: AbortSignal,
): Promise<ObjectInfo[]> {
  const objects: ObjectInfo[] = [];
  for await (const entry of store.list({ prefix, includeMetadata: true, signal })) {
    if (entry.type !== "object" || !entry.key.startsWith(prefix)) continue;
    const { type: _type, ...info } = entry;
    objects.push(info);
  }
  return objects;
}
