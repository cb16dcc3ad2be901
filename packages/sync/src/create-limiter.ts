/** Runs works handed to it at most a given number at a time, in the order they were handed. */
export type Limiter = <T>(work: () => Promise<T>) => Promise<T>;

/**
 * Creates a {@link Limiter}: each call waits for a free slot, runs `work`, and frees the slot when
 * the work settles, whatever its outcome. For works that arrive one by one (a file whose hash is
 * ready), where {@link runConcurrently} needs the whole list up front.
 */
export function createLimiter(concurrency: number): Limiter {
  const slots = Math.max(1, Math.floor(concurrency));
  let running = 0;
  const waiting: (() => void)[] = [];
  // A freed slot goes straight to the next waiting work: were it given back first, a work
  // arriving before the waiting one resumes could take it, and more than `slots` would run.
  const release = () => {
    const next = waiting.shift();
    if (next === undefined) running -= 1;
    else next();
  };
  return async (work) => {
    if (running >= slots) await new Promise<void>((resolve) => waiting.push(resolve));
    else running += 1;
    try {
      return await work();
    } finally {
      release();
    }
  };
}
