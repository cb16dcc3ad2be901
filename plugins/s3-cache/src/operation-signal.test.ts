import { setTimeout as delay } from "node:timers/promises";
import { describe, expect, it } from "vitest";
import { createOperationSignal } from "./operation-signal.js";

describe("createOperationSignal", () => {
  it("aborts when the time limit passes, and says it timed out", async () => {
    const parent = new AbortController();
    const operation = createOperationSignal(parent.signal, 20);
    await delay(200);
    expect(operation.signal.aborted).toBe(true);
    expect(operation.timedOut()).toBe(true);
    operation.dispose();
  });

  it("follows the step's signal, which is not a timeout", () => {
    const parent = new AbortController();
    const operation = createOperationSignal(parent.signal, 60_000);
    expect(operation.signal.aborted).toBe(false);
    parent.abort(new Error("SIGTERM"));
    expect(operation.signal.aborted).toBe(true);
    expect(operation.signal.reason).toEqual(new Error("SIGTERM"));
    expect(operation.timedOut()).toBe(false);
    operation.dispose();
  });

  it("has no limit for 0, and stops its timer on dispose", async () => {
    const parent = new AbortController();
    const unlimited = createOperationSignal(parent.signal, 0);
    const disposed = createOperationSignal(parent.signal, 20);
    disposed.dispose();
    await delay(100);
    expect(unlimited.signal.aborted).toBe(false);
    expect(disposed.signal.aborted).toBe(false);
    unlimited.dispose();
  });

  it("is aborted at once when the step already was", () => {
    const parent = new AbortController();
    parent.abort();
    expect(createOperationSignal(parent.signal, 1000).signal.aborted).toBe(true);
  });
});
