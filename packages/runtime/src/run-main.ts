import type { Plugin } from "./define-plugin.js";
import { executePlugin } from "./execute-plugin.js";
import { SecretMasker } from "./secret-masker.js";

/** How long cleanup may take after SIGTERM/SIGINT before the process exits anyway. */
const cancelGracePeriod = 8_000;

const signalNumbers: Record<string, number> = { SIGINT: 2, SIGTERM: 15 };

/**
 * The entry of a plugin's executable: runs the plugin with the real process's arguments,
 * environment and streams, and turns the result into the exit code.
 *
 * SIGTERM and SIGINT abort the run's signal; cleanup gets a few seconds, then the process exits
 * with 128 + the signal number within 10 s whatever the plugin does. Anything written to stdout
 * or stderr, by the plugin, a library or a child process, goes through the secret masker.
 * This is the only place in spotkit that reads `process.env` and calls `process.exit`.
 */
export function runMain(plugin: Plugin): Promise<number> {
  const controller = new AbortController();
  const masker = new SecretMasker();
  const writeStdout = process.stdout.write.bind(process.stdout);
  const writeStderr = process.stderr.write.bind(process.stderr);
  maskProcessStream(process.stdout, masker);
  maskProcessStream(process.stderr, masker);

  let receivedSignal: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    const code = 128 + (signalNumbers[signal] ?? 15);
    if (receivedSignal) process.exit(code); // a second signal: stop now
    receivedSignal = signal;
    controller.abort(new Error(`received ${signal}`));
    setTimeout(() => process.exit(code), cancelGracePeriod).unref();
  };
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);

  return executePlugin(plugin, {
    argv: process.argv.slice(2),
    env: process.env,
    cwd: process.cwd(),
    stdout: (text) => writeStdout(text),
    stderr: (text) => writeStderr(text),
    isTTY: Boolean(process.stderr.isTTY),
    signal: controller.signal,
    masker,
  }).then((code) => {
    const exitCode = receivedSignal ? 128 + (signalNumbers[receivedSignal] ?? 15) : code;
    process.exitCode = exitCode;
    // Keep-alive sockets or a library's timer must not keep a finished step running.
    setTimeout(() => process.exit(exitCode), 1_000).unref();
    return exitCode;
  });
}

// Libraries (and console.log in a plugin) write to the process streams directly; masking each
// chunk there keeps secrets out of those writes too. The runtime's own writers already mask.
function maskProcessStream(stream: NodeJS.WriteStream, masker: SecretMasker): void {
  const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
  stream.write = ((chunk: unknown, ...rest: unknown[]) => {
    const text =
      typeof chunk === "string" ? chunk : Buffer.from(chunk as Uint8Array).toString("utf8");
    return write(masker.mask(text), ...rest);
  }) as typeof stream.write;
}
