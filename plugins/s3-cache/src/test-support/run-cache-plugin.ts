import { join } from "node:path";
import { type PluginEntryOptions, runPluginEntry } from "@spotkit/runtime/testing";

/** The built entry the integration tests run, as the image runs it. */
export const cacheEntry = join(import.meta.dirname, "..", "..", "dist", "main.js");

/** The build metadata of every test run: a push to `feature/cache` of `octo/app`, build 42. */
export function droneBuildEnv(workspace: string): Record<string, string> {
  return {
    CI: "true",
    DRONE: "true",
    DRONE_REPO: "octo/app",
    DRONE_REPO_OWNER: "octo",
    DRONE_REPO_NAME: "app",
    DRONE_REPO_BRANCH: "main",
    DRONE_COMMIT_BRANCH: "feature/cache",
    DRONE_BRANCH: "feature/cache",
    DRONE_COMMIT_SHA: "8f3c0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b",
    DRONE_COMMIT: "8f3c0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b",
    DRONE_BUILD_NUMBER: "42",
    DRONE_BUILD_EVENT: "push",
    DRONE_WORKSPACE: workspace,
  };
}

/**
 * Runs dist/main.js as a Drone runner starts the image: settings Drone-encoded, the workspace as
 * working directory and `DRONE_WORKSPACE`, the build metadata of {@link droneBuildEnv}.
 */
export function runCachePlugin(
  workspace: string,
  options: Omit<PluginEntryOptions, "cwd">,
): ReturnType<typeof runPluginEntry> {
  return runPluginEntry(cacheEntry, {
    timeout: 90_000,
    ...options,
    cwd: workspace,
    env: { ...droneBuildEnv(workspace), ...options.env },
  });
}
