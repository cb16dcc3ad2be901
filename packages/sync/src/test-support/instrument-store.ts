import type { ListEntry, ObjectStore } from "@spotkit/storage";
import type { FaultInjector, RequestKind } from "./memory-store.js";

/** A store wrapped by {@link instrumentStore}. */
export interface InstrumentedStore extends ObjectStore {
  /** Calls by kind (a listing counts once, however many pages it has). */
  readonly requests: Record<RequestKind, number>;
  /** Fails calls: set by a test. */
  fault: FaultInjector | undefined;
  /** Entries every listing yields after the store's own (hostile keys, for instance). */
  extraListEntries: ListEntry[];
  resetCounts(): void;
}

/**
 * Wraps a real store to count its calls by kind, fail chosen calls and add listing entries, so
 * tests against a real adapter can assert "one listing, no put".
 */
export function instrumentStore(store: ObjectStore): InstrumentedStore {
  const requests: Record<RequestKind, number> = {
    check: 0,
    list: 0,
    head: 0,
    put: 0,
    get: 0,
    delete: 0,
    copy: 0,
  };
  const instrumented: InstrumentedStore = {
    url: store.url,
    requests,
    fault: undefined,
    extraListEntries: [],
    resetCounts() {
      for (const kind of Object.keys(requests) as RequestKind[]) requests[kind] = 0;
    },
    reportsMd5: (size, options) => store.reportsMd5(size, options),
    async check(options) {
      count("check", "");
      await store.check(options);
    },
    async *list(options) {
      count("list", options?.prefix ?? "");
      yield* store.list(options);
      yield* instrumented.extraListEntries;
    },
    async head(key, options) {
      count("head", key);
      return await store.head(key, options);
    },
    async put(key, body, options) {
      count("put", key);
      return await store.put(key, body, options);
    },
    async get(key, options) {
      count("get", key);
      return await store.get(key, options);
    },
    async delete(keys, options) {
      count("delete", keys.join(","));
      await store.delete(keys, options);
    },
    async copy(fromKey, toKey, options) {
      count("copy", fromKey);
      await store.copy(fromKey, toKey, options);
    },
  };
  function count(kind: RequestKind, target: string): void {
    requests[kind] += 1;
    const error = instrumented.fault?.(kind, target, 0);
    if (error !== undefined) throw error;
  }
  return instrumented;
}
