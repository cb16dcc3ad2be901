/** Hands out a fixed number of bytes (of memory, typically) to whoever asks, in order of asking. */
export interface ByteBudget {
  /**
   * Waits until `bytes` are free and takes them; resolves with the function that gives them back
   * (calling it twice gives them back once). A request larger than the whole budget is granted
   * when nothing else is taken, so that it runs alone instead of never.
   *
   * @throws the signal's reason when `signal` aborts while waiting (nothing is taken then).
   */
  acquire(bytes: number, signal?: AbortSignal): Promise<() => void>;
  /** Bytes taken right now. */
  readonly used: number;
}

/**
 * Creates a {@link ByteBudget} of `limit` bytes. Requests are served first come, first served: a
 * large request waiting at the head of the queue is not overtaken by smaller ones, so it cannot
 * starve.
 */
export function createByteBudget(limit: number): ByteBudget {
  let used = 0;
  const waiting: { bytes: number; grant: () => void }[] = [];

  const fits = (bytes: number) => used === 0 || used + bytes <= limit;
  const grantWaiting = () => {
    for (let next = waiting[0]; next !== undefined && fits(next.bytes); next = waiting[0]) {
      waiting.shift();
      next.grant();
    }
  };
  const take = (bytes: number): (() => void) => {
    used += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      used -= bytes;
      grantWaiting();
    };
  };

  return {
    get used() {
      return used;
    },
    acquire(bytes, signal) {
      if (signal?.aborted) {
        return Promise.reject(signal.reason);
      }
      if (waiting.length === 0 && fits(bytes)) {
        return Promise.resolve(take(bytes));
      }
      return new Promise((resolve, reject) => {
        const entry = {
          bytes,
          grant: () => {
            signal?.removeEventListener("abort", onAbort);
            resolve(take(bytes));
          },
        };
        const onAbort = () => {
          const index = waiting.indexOf(entry);
          if (index !== -1) waiting.splice(index, 1);
          reject(signal?.reason);
          // The ones queued behind it may fit now.
          grantWaiting();
        };
        signal?.addEventListener("abort", onAbort, { once: true });
        waiting.push(entry);
      });
    },
  };
}
