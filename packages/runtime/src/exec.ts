import { type ChildProcess, spawn } from "node:child_process";
import { stat } from "node:fs/promises";
import { constants } from "node:os";
import { resolve as resolvePath } from "node:path";
import type { Readable } from "node:stream";
import type { Logger } from "./logger.js";
import { createMaskingWriter, type SecretMasker } from "./secret-masker.js";
import { SpotkitError } from "./spotkit-error.js";

/** Default of {@link ExecOptions.maxBuffer}: 16 MiB per stream. */
const defaultMaxBuffer = 16 * 1024 * 1024;

/** Default of {@link ExecOptions.killGracePeriod}: 5 s, so a cancelled plugin still exits within 10 s. */
const defaultKillGracePeriod = 5000;

/**
 * How long to wait for the output pipes to close once the child exited. A grandchild that inherited
 * them (a daemon, an ssh agent) can keep them open for ever; we stop listening rather than hang.
 */
const stdioCloseTimeout = 10_000;

/** The same, once we killed the child: cancellation must stay fast. */
const stdioCloseTimeoutAfterKill = 1000;

/** How many trailing output lines a failure message quotes. */
const failureTailLines = 10;

/** Options of one {@link Exec} call. */
export interface ExecOptions {
  /**
   * Working directory of the child, resolved against the context's `cwd`.
   * @default the context's `cwd`
   */
  cwd?: string;
  /**
   * Variables merged over the context's env for this call; a variable set to `undefined` is removed.
   * @default {}
   */
  env?: Record<string, string | undefined>;
  /**
   * Written to the child's stdin, which is then closed. Without it the child's stdin is `/dev/null`,
   * so a tool that prompts fails instead of hanging the build.
   */
  input?: string | Uint8Array;
  /** Milliseconds after which the child is stopped and the call rejects with `E_EXEC_TIMEOUT`. */
  timeout?: number;
  /**
   * Do not echo the child's output to the log streams. It is still captured and still reaches the
   * line callbacks.
   * @default false
   */
  silent?: boolean;
  /**
   * Resolve with the exit code instead of rejecting with `E_EXEC_FAILED` when the child fails.
   * @default false
   */
  ignoreReturnCode?: boolean;
  /**
   * Log `$ command args…` (masked) at info level before starting the child.
   * @default true
   */
  echoCommand?: boolean;
  /** Called with each line the child writes to stdout, masked, without its line ending. */
  onStdoutLine?: (line: string) => void;
  /** Called with each line the child writes to stderr, masked, without its line ending. */
  onStderrLine?: (line: string) => void;
  /**
   * How many bytes of each captured stream to keep in the result; beyond that the oldest output is
   * dropped, since the end of the output is what explains a failure.
   * @default 16777216 (16 MiB)
   */
  maxBuffer?: number;
  /**
   * Milliseconds between SIGTERM and SIGKILL when the child is stopped on timeout or cancellation.
   * @default 5000
   */
  killGracePeriod?: number;
}

/** How a child process ended, and what it wrote. */
export interface ExecResult {
  /** The exit code; for a child ended by a signal, 128 plus the signal's number, as shells do. */
  exitCode: number;
  /** The signal that ended the child, if one did. */
  signal?: NodeJS.Signals;
  /** Everything the child wrote to stdout (its tail, see `maxBuffer`), with secrets masked. */
  stdout: string;
  /** Everything the child wrote to stderr (its tail, see `maxBuffer`), with secrets masked. */
  stderr: string;
}

/**
 * Runs `command` with `args` as a child process, without a shell: arguments reach the program as
 * they are, so nothing needs quoting and nothing can be injected.
 */
export type Exec = (
  command: string,
  args: readonly string[],
  options?: ExecOptions,
) => Promise<ExecResult>;

/** What every child process started by one {@link createExec} shares. */
export interface ExecContext {
  /** The environment children inherit; the runtime never reads `process.env` itself. */
  env: Record<string, string | undefined>;
  /** The default working directory. */
  cwd: string;
  /** Masks secrets in echoed commands, streamed and captured output and error messages. */
  masker: SecretMasker;
  /** Receives the echoed command (info) and process diagnostics (debug). */
  logger: Pick<Logger, "info" | "debug">;
  /** Receives the children's stdout, masked, a line at a time. */
  stdout: (text: string) => void;
  /** Receives the children's stderr, masked, a line at a time. */
  stderr: (text: string) => void;
  /** Cancels the work: running children are stopped and no new one starts. */
  signal: AbortSignal;
}

const execErrorMarker = Symbol.for("spotkit.error.exec");

/**
 * Why a child process could not run or did not succeed. `stdout` and `stderr` hold what it wrote,
 * masked; so does the message.
 *
 * Codes: `E_EXEC_FAILED` (non-zero exit, death by a signal, or a failure to start),
 * `E_EXEC_NOT_FOUND` (no such program), `E_EXEC_CWD_NOT_FOUND` (no such working directory),
 * `E_EXEC_TIMEOUT` (the `timeout` option) and `E_EXEC_ABORTED` (the context's signal).
 */
export class ExecError extends SpotkitError {
  /** The exit code, when the child ran and exited. */
  readonly exitCode?: number;
  /** The signal that ended the child, when one did. */
  readonly signal?: NodeJS.Signals;
  /** What the child wrote to stdout, masked. */
  readonly stdout: string;
  /** What the child wrote to stderr, masked. */
  readonly stderr: string;

  constructor(
    code: string,
    message: string,
    details: {
      exitCode?: number;
      signal?: NodeJS.Signals;
      stdout?: string;
      stderr?: string;
      cause?: unknown;
    } = {},
  ) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "ExecError";
    // Non-enumerable, so that it stays out of logged and serialised errors.
    Object.defineProperty(this, execErrorMarker, { value: true });
    if (details.exitCode !== undefined) {
      this.exitCode = details.exitCode;
    }
    if (details.signal !== undefined) {
      this.signal = details.signal;
    }
    this.stdout = details.stdout ?? "";
    this.stderr = details.stderr ?? "";
  }

  /** True for any {@link ExecError}, whichever copy of the runtime made it. */
  static override isInstance(error: unknown): error is ExecError {
    return typeof error === "object" && error !== null && execErrorMarker in error;
  }
}

/**
 * Creates the {@link Exec} function plugins use to run tools such as `git`, `docker` or `helm`.
 *
 * The child's stdout and stderr stream live to `context.stdout` / `context.stderr`, masked and
 * line-buffered, and are captured (masked) for the result. Aborting `context.signal`, or the
 * per-call `timeout`, sends SIGTERM to the child and SIGKILL after `killGracePeriod`; the call then
 * rejects with an {@link ExecError}.
 */
export function createExec(context: ExecContext): Exec {
  return (command, args, options = {}) => runProcess(context, command, args, options);
}

// --- internal ---

type StopReason = "timeout" | "abort";

async function runProcess(
  context: ExecContext,
  command: string,
  args: readonly string[],
  options: ExecOptions,
): Promise<ExecResult> {
  const { masker, logger } = context;
  const displayName = masker.mask(command);

  if (context.signal.aborted) {
    throw new ExecError(
      "E_EXEC_ABORTED",
      `The process '${displayName}' was not started because the run was cancelled.`,
      { cause: context.signal.reason },
    );
  }

  const cwd = resolvePath(context.cwd, options.cwd ?? ".");
  const env = mergeEnv(context.env, options.env);
  if (options.echoCommand ?? true) {
    logger.info(formatCommand(masker, command, args));
  }

  const outcome = await spawnAndWait({
    command,
    args,
    cwd,
    env,
    options,
    context,
  });
  const { exitCode, signal, stdout, stderr, stopReason, spawnError, callbackError } = outcome;

  if (spawnError) {
    throw await startFailure(spawnError, { masker, displayName, cwd });
  }
  logger.debug(
    masker.mask(
      signal
        ? `The process '${command}' was ended by ${signal}.`
        : `The process '${command}' exited with code ${exitCode}.`,
    ),
  );

  const details = {
    ...(exitCode === null ? {} : { exitCode }),
    ...(signal === null ? {} : { signal }),
    stdout,
    stderr,
  };
  if (stopReason === "timeout") {
    throw new ExecError(
      "E_EXEC_TIMEOUT",
      `The process '${displayName}' did not finish within ${options.timeout} ms and was stopped. ` +
        "Raise the timeout if it legitimately needs longer.",
      details,
    );
  }
  if (stopReason === "abort") {
    throw new ExecError(
      "E_EXEC_ABORTED",
      `The process '${displayName}' was stopped because the run was cancelled.`,
      { ...details, cause: context.signal.reason },
    );
  }
  if (callbackError !== undefined) {
    throw callbackError;
  }

  const code = exitCode ?? 128 + (signal ? (constants.signals[signal] ?? 0) : 0);
  if (code !== 0 && !options.ignoreReturnCode) {
    const ending = signal ? `was ended by signal ${signal}` : `failed with exit code ${exitCode}`;
    throw new ExecError(
      "E_EXEC_FAILED",
      `The process '${displayName}' ${ending}${formatTail(stderr || stdout)}`,
      details,
    );
  }
  return signal ? { exitCode: code, signal, stdout, stderr } : { exitCode: code, stdout, stderr };
}

interface ProcessOutcome {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  stopReason?: StopReason;
  spawnError?: NodeJS.ErrnoException;
  callbackError?: unknown;
}

/** Starts the child, pipes its output and settles once it exited and its output was read. */
function spawnAndWait(parameters: {
  command: string;
  args: readonly string[];
  cwd: string;
  env: Record<string, string>;
  options: ExecOptions;
  context: ExecContext;
}): Promise<ProcessOutcome> {
  const { command, args, cwd, env, options, context } = parameters;
  const killGracePeriod = options.killGracePeriod ?? defaultKillGracePeriod;
  const maxBuffer = options.maxBuffer ?? defaultMaxBuffer;

  return new Promise<ProcessOutcome>((resolve) => {
    let child: ChildProcess;
    try {
      child = spawn(command, args, {
        cwd,
        env,
        shell: false,
        windowsHide: true,
        stdio: [options.input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      });
    } catch (error) {
      // Invalid arguments (a NUL byte, say) throw synchronously instead of emitting "error".
      resolve({
        exitCode: null,
        signal: null,
        stdout: "",
        stderr: "",
        spawnError: error as NodeJS.ErrnoException,
      });
      return;
    }

    let callbackError: unknown;
    const guard = (callback: ((line: string) => void) | undefined) =>
      callback &&
      ((line: string) => {
        if (callbackError !== undefined) {
          return;
        }
        try {
          callback(line);
        } catch (error) {
          // Throwing inside a stream handler would crash the process; report it from the call.
          callbackError = error;
        }
      });
    const stdout = pipeOutput(child.stdout, {
      masker: context.masker,
      live: options.silent ? undefined : context.stdout,
      onLine: guard(options.onStdoutLine),
      maxBuffer,
    });
    const stderr = pipeOutput(child.stderr, {
      masker: context.masker,
      live: options.silent ? undefined : context.stderr,
      onLine: guard(options.onStderrLine),
      maxBuffer,
    });

    if (options.input !== undefined && child.stdin) {
      // A child that exits without reading its input makes the write fail with EPIPE; its exit
      // code tells the story, so the write error is not one.
      child.stdin.on("error", () => {});
      child.stdin.end(options.input);
    }

    let stopReason: StopReason | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let closeTimer: NodeJS.Timeout | undefined;
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let spawnError: NodeJS.ErrnoException | undefined;
    let settled = false;

    const stop = (reason: StopReason) => {
      if (stopReason !== undefined || exit !== undefined) {
        return;
      }
      stopReason = reason;
      child.kill("SIGTERM");
      killTimer = setTimeout(() => child.kill("SIGKILL"), killGracePeriod);
    };
    const onAbort = () => stop("abort");
    context.signal.addEventListener("abort", onAbort, { once: true });
    if (context.signal.aborted) {
      // Aborted by a listener that ran while we were starting the child (the echo, say).
      onAbort();
    }
    const timeoutTimer =
      options.timeout !== undefined && options.timeout > 0
        ? setTimeout(() => stop("timeout"), options.timeout)
        : undefined;

    const finish = () => {
      if (settled) {
        return;
      }
      settled = true;
      clearTimeout(timeoutTimer);
      clearTimeout(killTimer);
      clearTimeout(closeTimer);
      context.signal.removeEventListener("abort", onAbort);
      resolve({
        exitCode: exit?.code ?? null,
        signal: exit?.signal ?? null,
        stdout: stdout.finish(),
        stderr: stderr.finish(),
        ...(stopReason === undefined ? {} : { stopReason }),
        ...(spawnError === undefined ? {} : { spawnError }),
        ...(callbackError === undefined ? {} : { callbackError }),
      });
    };

    child.on("error", (error: NodeJS.ErrnoException) => {
      // After a successful start, "error" only reports a failed kill; the exit still comes.
      if (child.pid === undefined) {
        spawnError = error;
        finish();
      }
    });
    child.on("exit", (code, signal) => {
      exit = { code, signal };
      clearTimeout(killTimer);
      closeTimer = setTimeout(
        () => {
          child.stdout?.destroy();
          child.stderr?.destroy();
          finish();
        },
        stopReason === undefined ? stdioCloseTimeout : stdioCloseTimeoutAfterKill,
      );
    });
    child.on("close", () => {
      if (exit !== undefined) {
        finish();
      }
    });
  });
}

/** Masks one output stream and fans it out to the live log, the line callback and the capture. */
function pipeOutput(
  stream: Readable | null,
  parameters: {
    masker: SecretMasker;
    live: ((text: string) => void) | undefined;
    onLine: ((line: string) => void) | undefined;
    maxBuffer: number;
  },
): { finish(): string } {
  const { masker, live, onLine, maxBuffer } = parameters;
  const capture = createTailBuffer(maxBuffer);
  const lines = onLine ? createLineSplitter(onLine) : undefined;
  // One masking pass feeds every consumer, so all of them see the same masked text.
  const writer = createMaskingWriter(masker, (text) => {
    capture.push(text);
    lines?.push(text);
    live?.(text);
  });
  stream?.on("data", (chunk: Buffer) => writer.write(chunk));
  let finished: string | undefined;
  return {
    finish() {
      if (finished === undefined) {
        writer.flush();
        lines?.end();
        finished = capture.toString();
      }
      return finished;
    },
  };
}

/** Keeps the last `maxBytes` bytes (UTF-8) of the text pushed into it. */
function createTailBuffer(maxBytes: number): { push(text: string): void; toString(): string } {
  const chunks: { text: string; bytes: number }[] = [];
  let total = 0;
  return {
    push(text) {
      const bytes = Buffer.byteLength(text);
      chunks.push({ text, bytes });
      total += bytes;
      // Drop whole chunks that lie entirely before the tail; the last partial cut is in toString.
      while (chunks.length > 1 && total - (chunks[0]?.bytes ?? 0) >= maxBytes) {
        total -= chunks.shift()?.bytes ?? 0;
      }
    },
    toString() {
      const text = chunks.map((chunk) => chunk.text).join("");
      if (total <= maxBytes) {
        return text;
      }
      const tail = Buffer.from(text).subarray(total - Math.max(0, maxBytes));
      // Start at a character boundary rather than inside a multi-byte character.
      let start = 0;
      while (start < tail.length && ((tail[start] ?? 0) & 0xc0) === 0x80) {
        start++;
      }
      return tail.subarray(start).toString("utf8");
    },
  };
}

/** Calls `onLine` for each complete line of the text pushed into it, without its line ending. */
function createLineSplitter(onLine: (line: string) => void): {
  push(text: string): void;
  end(): void;
} {
  let pending = "";
  return {
    push(text) {
      const parts = (pending + text).split("\n");
      pending = parts.pop() ?? "";
      for (const line of parts) {
        onLine(line.endsWith("\r") ? line.slice(0, -1) : line);
      }
    },
    end() {
      if (pending !== "") {
        onLine(pending.endsWith("\r") ? pending.slice(0, -1) : pending);
        pending = "";
      }
    },
  };
}

function mergeEnv(
  base: Record<string, string | undefined>,
  overrides: Record<string, string | undefined> | undefined,
): Record<string, string> {
  const merged: Record<string, string> = {};
  for (const [name, value] of Object.entries({ ...base, ...overrides })) {
    if (value !== undefined) {
      merged[name] = value;
    }
  }
  return merged;
}

/**
 * `$ command args…` with arguments quoted as a POSIX shell would need, so that the line can be
 * copied into a terminal. Each argument is masked before quoting (quoting could otherwise split a
 * secret that contains a quote), and the whole line again after, for secrets that span arguments.
 */
function formatCommand(masker: SecretMasker, command: string, args: readonly string[]): string {
  const words = [command, ...args].map((word) => quoteForShell(masker.mask(word)));
  return masker.mask(`$ ${words.join(" ")}`);
}

function quoteForShell(word: string): string {
  if (word !== "" && /^[\w@%+=:,./-]+$/.test(word)) {
    return word;
  }
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The last lines of the output, to quote in a failure message, or "" when there are none. */
function formatTail(output: string): string {
  const lines = output
    .split(/\r?\n/)
    .filter((line) => line.trim() !== "")
    .slice(-failureTailLines);
  return lines.length === 0 ? "." : `:\n${lines.join("\n")}`;
}

/** Turns a failure to start the child into an error that says what to fix. */
async function startFailure(
  error: NodeJS.ErrnoException,
  parameters: { masker: SecretMasker; displayName: string; cwd: string },
): Promise<ExecError> {
  const { masker, displayName, cwd } = parameters;
  if (error.code === "ENOENT") {
    // spawn reports a missing working directory as a missing program; tell the two apart.
    const cwdExists = await stat(cwd).then(
      (stats) => stats.isDirectory(),
      () => false,
    );
    if (!cwdExists) {
      return new ExecError(
        "E_EXEC_CWD_NOT_FOUND",
        `Cannot run '${displayName}': the working directory '${masker.mask(cwd)}' does not exist. ` +
          "Create it first or pass an existing 'cwd'.",
        { cause: error },
      );
    }
    const hint = displayName.includes("/")
      ? "Check the path, or install it there."
      : "Install it in the image, or add the folder that holds it to PATH.";
    return new ExecError(
      "E_EXEC_NOT_FOUND",
      `The command '${displayName}' was not found: it must be installed and on the PATH. ${hint}`,
      { cause: error },
    );
  }
  if (error.code === "EACCES") {
    return new ExecError(
      "E_EXEC_FAILED",
      `The command '${displayName}' could not be started: permission denied. ` +
        "Make sure it is an executable file (chmod +x).",
      { cause: error },
    );
  }
  return new ExecError(
    "E_EXEC_FAILED",
    `The command '${displayName}' could not be started: ${masker.mask(error.message)}`,
    { cause: error },
  );
}
