import { describe, expect, it } from "vitest";
import { forEachConcurrently } from "./for-each-concurrently.js";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("forEachConcurrently", () => {
  it("runs every item, never more than the limit at once", async () => {
    let running = 0;
    let highest = 0;
    const done: number[] = [];
    await forEachConcurrently([1, 2, 3, 4, 5, 6, 7], 3, async (item) => {
      running++;
      highest = Math.max(highest, running);
      await tick();
      done.push(item);
      running--;
    });
    expect(done.sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(highest).toBe(3);
  });

  it("starts nothing new after a failure and throws the first error", async () => {
    const started: number[] = [];
    const outcome = forEachConcurrently([1, 2, 3, 4, 5, 6], 2, async (item) => {
      started.push(item);
      await tick();
      if (item === 1) {
        throw new Error("first");
      }
    });
    await expect(outcome).rejects.toThrow("first");
    expect(started.length).toBeLessThan(6);
  });

  it("throws the signal's reason when aborted", async () => {
    const controller = new AbortController();
    const outcome = forEachConcurrently(
      [1, 2, 3],
      1,
      async () => {
        controller.abort();
      },
      controller.signal,
    );
    await expect(outcome).rejects.toMatchObject({ name: "AbortError" });
  });
});
