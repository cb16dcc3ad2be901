/**
 * Runs `action` on every item, at most `limit` at a time. After the first failure no new item
 * starts; the running ones finish, then the first error is thrown. An aborted `signal` stops new
 * items the same way and throws its reason.
 */
export async function forEachConcurrently<T>(
  items: readonly T[],
  limit: number,
  action: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (next < items.length && failure === undefined && !signal?.aborted) {
      const item = items[next++] as T;
      try {
        await action(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker);
  await Promise.all(workers);
  signal?.throwIfAborted();
  if (failure) {
    throw failure.error;
  }
}
