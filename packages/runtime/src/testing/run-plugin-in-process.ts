import type { Plugin } from "../define-plugin.js";
import { executePlugin } from "../execute-plugin.js";
import type { PluginTestOptions, PluginTestResult } from "./plugin-test-options.js";
import { prepareTestRun } from "./prepare-test-run.js";

/**
 * Runs a plugin in this process, as `runMain` would, with settings encoded by Drone's rules (or
 * Woodpecker's) and output captured. Fast, and lets a test inject servers on 127.0.0.1.
 *
 * @example
 * const result = await runPluginInProcess(plugin, {
 *   settings: { channel: "dev", mentions: ["U1", "U2"], webhook: { from_secret: "slack" } },
 *   secrets: { slack: "http://127.0.0.1:8080/hook" },
 * });
 * expect(result.exitCode).toBe(0);
 */
export async function runPluginInProcess(
  plugin: Plugin,
  options: PluginTestOptions = {},
): Promise<PluginTestResult> {
  const run = await prepareTestRun(options);
  let stdout = "";
  let stderr = "";
  let output = "";
  try {
    const exitCode = await executePlugin(plugin, {
      argv: options.argv ?? [],
      env: run.env,
      cwd: options.cwd ?? process.cwd(),
      stdout: (text) => {
        stdout += text;
        output += text;
      },
      stderr: (text) => {
        stderr += text;
        output += text;
      },
      ...(options.signal ? { signal: options.signal } : {}),
    });
    return { exitCode, stdout, stderr, output, outputs: await run.readOutputs(), env: run.env };
  } finally {
    await run.dispose();
  }
}
