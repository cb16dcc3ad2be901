import { describe, expect, it } from "vitest";
import { createByteBudget } from "./byte-budget.js";

describe("createByteBudget", () => {
  it("grants what fits at once and queues the rest until bytes come back", async () => {
    const budget = createByteBudget(100);
    const first = await budget.acquire(60);
    let secondGranted = false;
    const second = budget.acquire(60).then((release) => {
      secondGranted = true;
      return release;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(secondGranted).toBe(false);
    expect(budget.used).toBe(60);
    first();
    first();
    const releaseSecond = await second;
    expect(budget.used).toBe(60);
    releaseSecond();
    expect(budget.used).toBe(0);
  });

  it("grants a request larger than the budget when nothing else is taken", async () => {
    const budget = createByteBudget(10);
    const release = await budget.acquire(50);
    expect(budget.used).toBe(50);
    release();
    expect(budget.used).toBe(0);
  });

  it("serves in order: a small request does not overtake a large one waiting", async () => {
    const budget = createByteBudget(100);
    const held = await budget.acquire(50);
    const order: string[] = [];
    const large = budget.acquire(80).then((release) => {
      order.push("large");
      return release;
    });
    const small = budget.acquire(10).then((release) => {
      order.push("small");
      return release;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual([]);
    held();
    (await large)();
    (await small)();
    expect(order).toEqual(["large", "small"]);
  });

  it("rejects a waiting request when its signal aborts, and lets the ones behind it through", async () => {
    const budget = createByteBudget(100);
    const held = await budget.acquire(90);
    const controller = new AbortController();
    const aborted = budget.acquire(50, controller.signal);
    const behind = budget.acquire(10);
    controller.abort(new Error("stop"));
    await expect(aborted).rejects.toThrow("stop");
    (await behind)();
    held();
    expect(budget.used).toBe(0);
    await expect(budget.acquire(1, controller.signal)).rejects.toThrow("stop");
  });
});
