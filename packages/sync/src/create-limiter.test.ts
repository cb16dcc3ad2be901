import { describe, expect, it } from "vitest";
import { createLimiter } from "./create-limiter.js";

describe("createLimiter", () => {
  it("runs at most the given number of works at once, in the order handed", async () => {
    const limit = createLimiter(2);
    let running = 0;
    let peak = 0;
    const started: number[] = [];
    const work = (index: number) =>
      limit(async () => {
        started.push(index);
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
        return index * 10;
      });
    const results = await Promise.all([0, 1, 2, 3, 4].map(work));
    expect(results).toEqual([0, 10, 20, 30, 40]);
    expect(peak).toBe(2);
    expect(started).toEqual([0, 1, 2, 3, 4]);
  });

  it("never runs more than the limit when a work arrives while a slot is being handed over", async () => {
    const limit = createLimiter(1);
    let running = 0;
    let peak = 0;
    const work = () =>
      limit(async () => {
        running += 1;
        peak = Math.max(peak, running);
        await new Promise((resolve) => setTimeout(resolve, 5));
        running -= 1;
      });
    let finishFirst: () => void = () => {};
    const first = limit(() => new Promise<void>((resolve) => (finishFirst = resolve)));
    const second = work();
    let third: Promise<void> | undefined;
    finishFirst();
    // Runs after the first work's slot is released, before the waiting second work resumes.
    queueMicrotask(() => {
      third = work();
    });
    await first;
    await second;
    await third;
    expect(peak).toBe(1);
  });

  it("frees the slot of a work that failed", async () => {
    const limit = createLimiter(1);
    await expect(limit(() => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    await expect(limit(async () => "next")).resolves.toBe("next");
  });
});
