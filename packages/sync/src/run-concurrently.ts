/**
 * Runs `work` for every item, at most `concurrency` at a time, in order of the items.
 *
 * The first failure stops the rest: no further item starts, and the signal handed to the works
 * still running is aborted (with the failure as reason) so their transfers stop rather than run to
 * the end. Once every running work has settled, the failure is thrown. An abort of `signal` does
 * the same and throws its reason, whatever the works threw in consequence.
 */
export async function runConcurrently<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T, signal: AbortSignal) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  signal?.throwIfAborted();
  const controller = new AbortController();
  const combined =
    signal === undefined ? controller.signal : AbortSignal.any([signal, controller.signal]);
  let next = 0;
  let failure: { error: unknown } | undefined;

  const worker = async (): Promise<void> => {
    while (failure === undefined && !combined.aborted && next < items.length) {
      const item = items[next] as T;
      next += 1;
      try {
        await work(item, combined);
      } catch (error) {
        if (failure === undefined) {
          failure = { error };
          controller.abort(error);
        }
      }
    }
  };

  const workers = Math.max(1, Math.min(concurrency, items.length));
  await Promise.all(Array.from({ length: workers }, worker));
  signal?.throwIfAborted();
  if (failure !== undefined) throw failure.error;
}
