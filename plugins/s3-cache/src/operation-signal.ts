/** A signal for one store operation: the step's signal plus a time limit. */
export interface OperationSignal {
  /** Aborted when the step is cancelled or the time limit passes. */
  signal: AbortSignal;
  /** True when the time limit (not the step) aborted `signal`. */
  timedOut(): boolean;
  /** Stops the timer; call it when the operation ended. */
  dispose(): void;
}

/**
 * Combines the step's signal with `backend_operation_timeout`, so that a store that hangs ends the
 * operation (a miss or a skipped save) instead of the build. A timeout of 0 or less means none.
 */
export function createOperationSignal(parent: AbortSignal, timeoutMs: number): OperationSignal {
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = () => controller.abort(parent.reason);
  if (parent.aborted) onAbort();
  else parent.addEventListener("abort", onAbort, { once: true });
  const timer =
    timeoutMs > 0 && Number.isFinite(timeoutMs)
      ? setTimeout(() => {
          timedOut = true;
          controller.abort(
            new DOMException(`The operation took longer than ${timeoutMs} ms`, "TimeoutError"),
          );
        }, timeoutMs)
      : undefined;
  // The timer must not keep a finished process alive.
  timer?.unref();
  return {
    signal: controller.signal,
    timedOut: () => timedOut && !parent.aborted,
    dispose() {
      if (timer !== undefined) clearTimeout(timer);
      parent.removeEventListener("abort", onAbort);
    },
  };
}
