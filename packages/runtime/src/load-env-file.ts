import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseEnv } from "node:util";
import { SpotkitError } from "./spotkit-error.js";

/**
 * Reads a dotenv file (`env_file` / `PLUGIN_ENV_FILE`) and returns `env` with the file's variables
 * added underneath: a variable already set keeps its value, as godotenv.Load does for the Go
 * plugins.
 */
export async function loadEnvFile(
  path: string,
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): Promise<Record<string, string | undefined>> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), "utf8");
  } catch (error) {
    throw new SpotkitError(
      "E_ENV_FILE",
      `cannot read the env_file "${path}" (PLUGIN_ENV_FILE): ${(error as NodeJS.ErrnoException).code ?? error}. Check the path, relative to the workspace.`,
      { cause: error },
    );
  }
  return { ...parseEnv(text), ...env };
}
