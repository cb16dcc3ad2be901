import type { ListEntry, ObjectInfo } from "./object-store.js";

/**
 * The objects and common prefixes of one listing page in key order. Azure and GCS return them as
 * two sorted lists; merging keeps `list` in key order across both.
 */
export function* mergeListEntries(
  objects: readonly ({ type: "object" } & ObjectInfo)[],
  prefixes: readonly { type: "prefix"; prefix: string }[],
): Generator<ListEntry> {
  let objectIndex = 0;
  let prefixIndex = 0;
  for (;;) {
    const object = objects[objectIndex];
    const prefix = prefixes[prefixIndex];
    if (object === undefined && prefix === undefined) {
      return;
    }
    if (prefix === undefined || (object !== undefined && object.key < prefix.prefix)) {
      objectIndex++;
      yield object as ListEntry;
    } else {
      prefixIndex++;
      yield prefix;
    }
  }
}
