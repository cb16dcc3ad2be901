import type { ChildProcess } from "node:child_process";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { useTemporaryFolder } from "./test-support/temporary-folder.js";
import { runPluginEntry } from "./testing/run-plugin-entry.js";

const fixture = new URL("./__fixtures__/sleepy-plugin.mjs", import.meta.url).pathname;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(condition: () => boolean, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const temporaryFolder = useTemporaryFolder("spotkit-sigterm-");

describe("runMain in a real process", () => {
  it("on SIGTERM aborts the child, runs cleanup and exits 143 quickly", async () => {
    const marker = join(temporaryFolder(), "marker");
    let child: ChildProcess | undefined;
    let seen = "";
    const started = Date.now();
    let signalledAt = 0;
    const result = await runPluginEntry(fixture, {
      settings: { marker, token: { from_secret: "token" } },
      secrets: { token: "console-secret-42" },
      timeout: 20_000,
      onSpawn: (spawned) => {
        child = spawned;
        spawned.stdout?.on("data", (chunk: Buffer) => {
          seen += chunk.toString();
          if (/grandchild \d+/.test(seen) && !signalledAt) {
            signalledAt = Date.now();
            spawned.kill("SIGTERM");
          }
        });
      },
    });
    expect(child).toBeDefined();
    expect(result.exitCode).toBe(143);
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
    expect(await readFile(marker, "utf8")).toBe("cleaned");
    const grandchild = Number(/grandchild (\d+)/.exec(result.stdout)?.[1]);
    await waitFor(() => !isAlive(grandchild), 5_000);
    expect(result.output).toContain("console says ******");
    expect(result.output).not.toContain("console-secret-42");
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it("exits within 10 s of SIGTERM even when the plugin ignores cancellation", async () => {
    const marker = join(temporaryFolder(), "marker");
    let signalledAt = 0;
    const result = await runPluginEntry(fixture, {
      settings: { marker, stubborn: true },
      timeout: 20_000,
      onSpawn: (spawned) => {
        spawned.stderr?.on("data", (chunk: Buffer) => {
          if (chunk.toString().includes("started stubborn") && !signalledAt) {
            signalledAt = Date.now();
            spawned.kill("SIGTERM");
          }
        });
      },
    });
    expect(signalledAt).toBeGreaterThan(0);
    expect(result.exitCode).toBe(143);
    expect(Date.now() - signalledAt).toBeLessThan(10_000);
  });
});
