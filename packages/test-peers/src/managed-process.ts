import { spawn } from "node:child_process";
import { setTimeout as sleep } from "node:timers/promises";
import { createOutputTail } from "./output-tail.js";
import { TestPeerError } from "./test-peer-error.js";

/** How a child process ended. */
export interface ProcessExit {
  /** The exit code, or `null` when a signal ended it. */
  code: number | null;
  /** The signal that ended it, or `null`. */
  signal: NodeJS.Signals | null;
}

/** A long-running child process (a server) that we started and must stop. */
export interface ManagedProcess {
  /** The child's PID. */
  readonly pid: number;
  /** Settles when the child has exited; never rejects. */
  readonly exited: Promise<ProcessExit>;
  /** How the child ended, or `undefined` while it runs. */
  exitStatus(): ProcessExit | undefined;
  /** The last few KiB the child wrote to stdout and stderr. */
  output(): string;
  /**
   * SIGTERM, then SIGKILL after `gracePeriod` ms; resolves once the child has exited.
   * @default gracePeriod 10000
   */
  stop(gracePeriod?: number): Promise<void>;
}

/** Options of {@link startManagedProcess}. */
export interface ManagedProcessOptions {
  /** Working directory of the child. @default the current directory */
  cwd?: string;
  /** The child's environment. @default the parent's environment */
  env?: Record<string, string | undefined>;
  /** What to install when the program is missing, quoted in the `E_PEER_MISSING` error. */
  installHint: string;
}

/**
 * Starts `command` with `args` (an argv array, never a shell string) and keeps the end of its
 * output. Rejects with `E_PEER_MISSING` when the program is not installed.
 */
export async function startManagedProcess(
  command: string,
  args: readonly string[],
  options: ManagedProcessOptions,
): Promise<ManagedProcess> {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  const tail = createOutputTail();
  child.stdout?.on("data", (chunk: Buffer) => tail.append(chunk));
  child.stderr?.on("data", (chunk: Buffer) => tail.append(chunk));
  let status: ProcessExit | undefined;
  const exited = new Promise<ProcessExit>((resolve) => {
    child.once("exit", (code, signal) => {
      status = { code, signal };
      resolve(status);
    });
  });
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") {
        reject(new TestPeerError("E_PEER_MISSING", `${command} not found: ${options.installHint}`));
      } else {
        reject(new TestPeerError("E_PEER_START", `cannot start ${command}: ${error.message}`));
      }
    });
  });
  const pid = child.pid;
  if (pid === undefined) {
    throw new TestPeerError("E_PEER_START", `cannot start ${command}: no PID was assigned`);
  }
  return {
    pid,
    exited,
    exitStatus: () => status,
    output: () => tail.text(),
    async stop(gracePeriod = 10_000) {
      if (status !== undefined) {
        return;
      }
      child.kill("SIGTERM");
      const timedOut = Symbol("timedOut");
      const first = await Promise.race([exited, sleep(gracePeriod, timedOut)]);
      if (first === timedOut) {
        child.kill("SIGKILL");
        const second = await Promise.race([exited, sleep(5000, timedOut)]);
        if (second === timedOut) {
          throw new TestPeerError(
            "E_PEER_START",
            `${command} (PID ${pid}) is still running 5 s after SIGKILL`,
          );
        }
      }
    },
  };
}
