import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { readGodotenv } from "../dotenv-parser.js";
import { encodeSettings } from "./encode-settings.js";
import type { PluginTestOptions } from "./plugin-test-options.js";

/** The environment of a test run and a way to read back its outputs and clean up. */
export interface TestRun {
  env: Record<string, string>;
  readOutputs(): Promise<Record<string, string>>;
  dispose(): Promise<void>;
}

/**
 * Encodes the settings the way the chosen runner does and gives the run its own
 * `$DRONE_OUTPUT` file in a temporary folder.
 */
export async function prepareTestRun(options: PluginTestOptions): Promise<TestRun> {
  const folder = await mkdtemp(join(tmpdir(), "spotkit-test-"));
  const outputFile = join(folder, "output.env");
  const encoded = encodeSettings(options.settings ?? {}, options.encoding ?? "drone", {
    secrets: options.secrets ?? {},
  });
  const env = { DRONE_OUTPUT: outputFile, ...options.env, ...encoded };
  return {
    env,
    async readOutputs() {
      const text = await readFile(outputFile, "utf8").catch(() => "");
      // Read as drone-plugin-lib (godotenv) reads the file, not as Node's dotenv parser would.
      return Object.fromEntries(readGodotenv(text));
    },
    dispose: () => rm(folder, { recursive: true, force: true }),
  };
}
