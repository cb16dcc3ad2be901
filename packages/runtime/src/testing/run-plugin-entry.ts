import { type ChildProcess, spawn } from "node:child_process";
import type { PluginTestOptions, PluginTestResult } from "./plugin-test-options.js";
import { prepareTestRun } from "./prepare-test-run.js";

/** Options for running a built plugin entry as its own process. */
export interface PluginEntryOptions extends PluginTestOptions {
  /** Kill the process (SIGKILL) after this many ms. @default 60000 */
  timeout?: number;
  /** Called once the process started, e.g. to send it SIGTERM later. */
  onSpawn?: (child: ChildProcess) => void;
  /** The Node.js binary. @default the one running the tests */
  node?: string;
}

// The child gets a clean environment: only what a runner would pass besides the settings, so that
// a PLUGIN_* variable of the developer's shell cannot leak into a test.
const inheritedVariables = [
  "PATH",
  "HOME",
  "TMPDIR",
  "LANG",
  "NODE_EXTRA_CA_CERTS",
  "SSL_CERT_FILE",
];

/**
 * Runs a plugin's built entry (`dist/main.js`) as a real process with a Drone-encoded (or
 * Woodpecker-encoded) environment, exactly as a runner starts the container's entrypoint.
 */
export async function runPluginEntry(
  entry: string,
  options: PluginEntryOptions = {},
): Promise<PluginTestResult> {
  const run = await prepareTestRun(options);
  const env: Record<string, string> = {};
  for (const name of inheritedVariables) {
    const value = process.env[name];
    if (value !== undefined) env[name] = value;
  }
  Object.assign(env, run.env);
  try {
    const child = spawn(options.node ?? process.execPath, [entry, ...(options.argv ?? [])], {
      env,
      cwd: options.cwd ?? process.cwd(),
      stdio: ["ignore", "pipe", "pipe"],
    });
    options.onSpawn?.(child);
    let stdout = "";
    let stderr = "";
    let output = "";
    child.stdout?.setEncoding("utf8").on("data", (text: string) => {
      stdout += text;
      output += text;
    });
    child.stderr?.setEncoding("utf8").on("data", (text: string) => {
      stderr += text;
      output += text;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeout ?? 60_000);
    const exitCode = await new Promise<number>((resolve, reject) => {
      child.on("error", reject);
      child.on("close", (code, signal) => resolve(code ?? 128 + (signal === "SIGKILL" ? 9 : 15)));
    }).finally(() => clearTimeout(timer));
    return { exitCode, stdout, stderr, output, outputs: await run.readOutputs(), env: run.env };
  } finally {
    await run.dispose();
  }
}
