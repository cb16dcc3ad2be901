import { describe, expect, it } from "vitest";
import { runConcurrently } from "./run-concurrently.js";

/** A promise a test resolves by hand. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve = () => {};
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

/** Waits until `condition` holds, checking between macrotasks, for at most 2 s. */
async function until(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 2000 && !condition(); attempt += 1) {
    await new Promise((resolve) => setTimeout(resolve, 1));
  }
  expect(condition()).toBe(true);
}

describe("runConcurrently", () => {
  it("runs every item, never more than the limit at once", async () => {
    let running = 0;
    let most = 0;
    const done: number[] = [];
    await runConcurrently(
      Array.from({ length: 20 }, (_, index) => index),
      3,
      async (item) => {
        running += 1;
        most = Math.max(most, running);
        await new Promise((resolve) => setImmediate(resolve));
        done.push(item);
        running -= 1;
      },
    );
    expect(done.sort((left, right) => left - right)).toEqual(
      Array.from({ length: 20 }, (_, index) => index),
    );
    expect(most).toBe(3);
  });

  it("does nothing for no items", async () => {
    await runConcurrently([], 4, async () => {
      throw new Error("never");
    });
  });

  it("on the first failure, starts nothing more, aborts the running works and throws it", async () => {
    const started: number[] = [];
    const abortedReasons: unknown[] = [];
    const failure = new Error("upload 1 failed");
    const gate = deferred();
    const promise = runConcurrently([0, 1, 2, 3, 4], 2, async (item, signal) => {
      started.push(item);
      if (item === 1) {
        await gate.promise;
        throw failure;
      }
      await new Promise<void>((_, reject) => {
        signal.addEventListener("abort", () => {
          abortedReasons.push(signal.reason);
          reject(new Error("aborted"));
        });
      });
    });
    await until(() => started.length === 2);
    gate.resolve();
    await expect(promise).rejects.toBe(failure);
    expect(started).toEqual([0, 1]);
    expect(abortedReasons).toEqual([failure]);
  });

  it("throws the caller's abort reason rather than what the works threw", async () => {
    const controller = new AbortController();
    const started: number[] = [];
    const promise = runConcurrently(
      [0, 1, 2],
      1,
      async (item, signal) => {
        started.push(item);
        await new Promise<void>((_, reject) => {
          signal.addEventListener("abort", () => reject(new Error("work saw the abort")));
        });
      },
      controller.signal,
    );
    await until(() => started.length === 1);
    controller.abort(new Error("SIGTERM"));
    await expect(promise).rejects.toThrow("SIGTERM");
    expect(started).toEqual([0]);
  });

  it("throws at once when the signal is already aborted", async () => {
    const controller = new AbortController();
    controller.abort(new Error("stopped"));
    let ran = false;
    await expect(
      runConcurrently(
        [1],
        1,
        async () => {
          ran = true;
        },
        controller.signal,
      ),
    ).rejects.toThrow("stopped");
    expect(ran).toBe(false);
  });
});
