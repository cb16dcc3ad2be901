import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";

/** How often a stopping process is checked. */
const pollInterval = 50;

/**
 * True while the process `pid` exists and is not a zombie.
 *
 * Daemons that fork away end up as children of PID 1, which on some machines never reaps them: a
 * killed daemon then stays in the process table as a zombie. It no longer runs, so it counts as
 * stopped here.
 */
export async function isProcessRunning(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM means it exists but belongs to someone else: still running.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  try {
    const stat = await readFile(`/proc/${pid}/stat`, "utf8");
    // The state follows the command name, which is in parentheses and may itself contain spaces.
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    return state !== "Z" && state !== "X";
  } catch {
    return false;
  }
}

/** Options of {@link stopProcessById}. */
export interface StopProcessOptions {
  /**
   * Milliseconds between SIGTERM and SIGKILL.
   * @default 10000
   */
  gracePeriod?: number;
  /**
   * Signal the whole process group `pid` leads rather than the one process.
   * @default false
   */
  group?: boolean;
}

/**
 * Stops a process we started, by its PID: SIGTERM, then SIGKILL when it is still running after the
 * grace period. Resolves once it no longer runs; rejects when even SIGKILL did not end it in 5 s.
 */
export async function stopProcessById(
  pid: number,
  options: StopProcessOptions = {},
): Promise<void> {
  const gracePeriod = options.gracePeriod ?? 10_000;
  const target = options.group === true ? -pid : pid;
  if (!sendSignal(target, "SIGTERM") && !(await isProcessRunning(pid))) {
    return;
  }
  if (await waitUntilStopped(pid, gracePeriod)) {
    if (options.group === true) {
      // The leader is gone; members of its group that ignored SIGTERM must not outlive it.
      sendSignal(target, "SIGKILL");
    }
    return;
  }
  sendSignal(target, "SIGKILL");
  if (!(await waitUntilStopped(pid, 5000))) {
    throw new Error(`process ${pid} is still running 5 s after SIGKILL`);
  }
}

/** Sends a signal; false when there is no such process (any more). */
function sendSignal(target: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(target, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") {
      return false;
    }
    throw error;
  }
}

async function waitUntilStopped(pid: number, timeout: number): Promise<boolean> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (!(await isProcessRunning(pid))) {
      return true;
    }
    await sleep(pollInterval);
  }
  return !(await isProcessRunning(pid));
}
