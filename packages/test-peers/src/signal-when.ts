import type { ChildProcess } from "node:child_process";

/** Options of {@link signalWhen}. */
export interface SignalWhenOptions {
  /**
   * The signal to send.
   * @default "SIGTERM"
   */
  signal?: NodeJS.Signals;
  /**
   * How often `condition` is asked, in milliseconds.
   * @default 50
   */
  intervalMs?: number;
  /**
   * When to stop asking (the signal is then never sent), in milliseconds.
   * @default 60000
   */
  timeoutMs?: number;
}

/**
 * Sends a signal to `child` as soon as `condition()` holds: for tests that interrupt a plugin at a
 * known point, such as once the fault proxy holds back a part of an upload
 * (`signalWhen(child, () => held.applied > 0)`). Polls, and gives up after `timeoutMs` so that a
 * condition that never holds cannot keep the test process alive.
 */
export function signalWhen(
  child: ChildProcess,
  condition: () => boolean,
  options: SignalWhenOptions = {},
): void {
  function stop(): void {
    clearInterval(poll);
    clearTimeout(timeout);
  }
  const poll = setInterval(() => {
    if (!condition()) return;
    stop();
    child.kill(options.signal ?? "SIGTERM");
  }, options.intervalMs ?? 50);
  const timeout = setTimeout(stop, options.timeoutMs ?? 60_000);
  timeout.unref();
  child.once("exit", stop);
}
