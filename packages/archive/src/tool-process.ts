import { type ChildProcess, type StdioOptions, spawn } from "node:child_process";
import { ArchiveError } from "./archive-error.js";

/** How long a child gets to exit after SIGTERM before it gets SIGKILL. */
const killGracePeriod = 2000;
/** Milliseconds to wait for a child's pipes to close once it exited. */
const closeGracePeriod = 5000;

/** Bytes of a child's stderr kept for messages. */
const stderrLimit = 16 * 1024;

/** How a child ended. */
export interface ToolExit {
  /** Its exit code, `null` when a signal ended it or it never started. */
  code: number | null;
  /** The signal that ended it. */
  signal: NodeJS.Signals | null;
  /** Why it could not be started (`ENOENT` when the binary is missing). */
  spawnError?: Error;
}

/** A running `tar` or `zstd`. */
export interface ToolProcess {
  readonly child: ChildProcess;
  /** What the child does, for messages (`tar --extract`, `zstd -d`). */
  readonly description: string;
  /** Settles when the child exited and its output pipes closed; never rejects. */
  readonly exited: Promise<ToolExit>;
  /** The end of what the child printed on stderr. */
  stderr(): string;
  /** True once {@link stop} was called while the child was still running. */
  readonly stopped: boolean;
  /** Sends SIGTERM, then SIGKILL if the child is still there after a grace period. */
  stop(): void;
}

/** Install hints per binary, for a missing one. */
const installHints: Record<string, string> = {
  tar: "install GNU tar (Alpine: `apk add tar`, Debian/Ubuntu: `apt-get install tar`); BusyBox tar is not enough",
  zstd: "install zstd (Alpine: `apk add zstd`, Debian/Ubuntu: `apt-get install zstd`)",
};

/**
 * Starts `command` with `args`. The child's stderr is kept (its end) for messages; stdin and stdout
 * are as `stdio` says.
 */
export function startTool(
  command: string,
  args: readonly string[],
  description: string,
  stdio: StdioOptions,
): ToolProcess {
  const child = spawn(command, args, { stdio });
  let stderrText = "";
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (text: string) => {
    stderrText = (stderrText + text).slice(-stderrLimit);
  });
  let stopped = false;
  let killTimer: NodeJS.Timeout | undefined;
  const exited = new Promise<ToolExit>((resolve) => {
    child.on("error", (error) => {
      // Only a failed start leaves no pid; other errors (a failed kill) change nothing here.
      if (child.pid === undefined) resolve({ code: null, signal: null, spawnError: error });
    });
    child.once("close", (code, signal) => resolve({ code, signal }));
    // "close" waits for the output pipes too; should one stay open after the child is gone (a
    // descriptor inherited by a grandchild, a stream nobody reads), do not wait for it forever.
    child.once("exit", (code, signal) => {
      setTimeout(() => resolve({ code, signal }), closeGracePeriod).unref();
    });
  }).finally(() => clearTimeout(killTimer));
  return {
    child,
    description,
    exited,
    stderr: () => stderrText.trim(),
    get stopped() {
      return stopped;
    },
    stop() {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      stopped = true;
      child.kill("SIGTERM");
      killTimer ??= setTimeout(() => child.kill("SIGKILL"), killGracePeriod);
      killTimer.unref();
    },
  };
}

/** True when the child ended by itself with a failure (not stopped by us, not a clean exit). */
export function failedOnItsOwn(tool: ToolProcess, exit: ToolExit): boolean {
  if (exit.spawnError !== undefined) return true;
  if (tool.stopped) return false;
  return exit.code !== 0;
}

/**
 * The error for a child that failed: a missing binary names what to install, a failure quotes the
 * child's stderr.
 */
export function toolError(tool: ToolProcess, exit: ToolExit, command: string): ArchiveError {
  if (exit.spawnError !== undefined) {
    const missing = (exit.spawnError as NodeJS.ErrnoException).code === "ENOENT";
    const hint = installHints[command.split("/").at(-1) ?? command] ?? `install ${command}`;
    return new ArchiveError(
      "E_ARCHIVE_TOOL",
      missing
        ? `\`${command}\` was not found on PATH: ${hint}.`
        : `\`${tool.description}\` could not be started (${exit.spawnError.message}).`,
      { cause: exit.spawnError },
    );
  }
  const how = exit.signal === null ? `with exit code ${exit.code}` : `by signal ${exit.signal}`;
  const said = tool.stderr();
  return new ArchiveError(
    "E_ARCHIVE_TOOL",
    `\`${tool.description}\` failed ${how}${said === "" ? "" : `: ${said}`}`,
  );
}
