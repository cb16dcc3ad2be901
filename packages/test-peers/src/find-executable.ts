import { accessSync, constants, statSync } from "node:fs";
import { delimiter, join } from "node:path";

/**
 * Finds a program the way a shell would: the first executable file called `name` in the
 * directories of `env.PATH`.
 * @param name the program, without a directory (`radosgw`).
 * @param env the environment whose `PATH` is searched.
 * @returns the program's full path, or `undefined` when it is not installed.
 */
export function findExecutable(
  name: string,
  env: Record<string, string | undefined>,
): string | undefined {
  for (const directory of (env.PATH ?? "").split(delimiter)) {
    if (directory === "") {
      continue;
    }
    const candidate = join(directory, name);
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) {
        return candidate;
      }
    } catch {
      // Not here, or not executable: keep looking, as a shell would.
    }
  }
  return undefined;
}
