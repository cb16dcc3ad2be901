import { spawn } from "node:child_process";
import { once } from "node:events";
import { describe, expect, test } from "vitest";
import { signalWhen } from "./signal-when.js";

describe("signalWhen", () => {
  test("sends the signal once the condition holds, not before", async () => {
    const child = spawn("sleep", ["30"], { stdio: "ignore" });
    let ready = false;
    signalWhen(child, () => ready, { signal: "SIGINT", intervalMs: 10 });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(child.exitCode).toBeNull();
    expect(child.signalCode).toBeNull();
    ready = true;
    const [, signal] = await once(child, "exit");
    expect(signal).toBe("SIGINT");
  });

  test("gives up after the timeout and leaves the child alone", async () => {
    const child = spawn("sleep", ["30"], { stdio: "ignore" });
    let asked = 0;
    signalWhen(
      child,
      () => {
        asked += 1;
        return false;
      },
      { intervalMs: 10, timeoutMs: 100 },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    const askedByNow = asked;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(asked).toBe(askedByNow);
    expect(child.exitCode).toBeNull();
    child.kill();
    await once(child, "exit");
  });
});
