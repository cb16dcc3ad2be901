import { spawn } from "node:child_process";
import { createOutputTail } from "./output-tail.js";
import { TestPeerError } from "./test-peer-error.js";

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  /** Milliseconds after which the command is killed and the call rejects with `E_PEER_TIMEOUT`. */
  timeout: number;
  /** What to install when the program is missing, quoted in the `E_PEER_MISSING` error. */
  installHint: string;
  /** Working directory. @default the current directory */
  cwd?: string;
}

/**
 * Runs a short command to completion (argv array, no shell) and resolves with its stdout.
 * Rejects with `E_PEER_MISSING` when the program is not installed, `E_PEER_TIMEOUT` when it runs
 * longer than `timeout`, and `E_PEER_START` when it fails, quoting the end of its output.
 */
export async function runCommand(
  command: string,
  args: readonly string[],
  options: RunCommandOptions,
): Promise<string> {
  const commandLine = [command, ...args].join(" ");
  return await new Promise<string>((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const tail = createOutputTail(4096);
    child.stdout.on("data", (chunk: Buffer) => {
      stdout.push(chunk);
      tail.append(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => tail.append(chunk));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeout);
    child.once("error", (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      if (error.code === "ENOENT") {
        reject(new TestPeerError("E_PEER_MISSING", `${command} not found: ${options.installHint}`));
      } else {
        reject(new TestPeerError("E_PEER_START", `cannot run ${commandLine}: ${error.message}`));
      }
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(
          new TestPeerError(
            "E_PEER_TIMEOUT",
            `${commandLine} did not finish within ${options.timeout} ms. Its output ended with:\n${tail.text()}`,
          ),
        );
      } else if (code === 0) {
        resolve(Buffer.concat(stdout).toString("utf8"));
      } else {
        reject(
          new TestPeerError(
            "E_PEER_START",
            `${commandLine} failed (${code === null ? `signal ${signal}` : `exit code ${code}`}). Its output ended with:\n${tail.text()}`,
          ),
        );
      }
    });
  });
}
