import { describe, expect, it, vi } from "vitest";
import { parseRetryAfter, retry, retryAfterFromResponse, sleep } from "./retry.js";
import { SpotkitError } from "./spotkit-error.js";

/** A sleep that records the delays instead of waiting. */
function recordingSleep() {
  const delays: number[] = [];
  const fake = async (ms: number, signal?: AbortSignal) => {
    signal?.throwIfAborted();
    delays.push(ms);
  };
  return { delays, sleep: fake };
}

/** An operation that fails `failures` times, then returns "done". */
function failing(failures: number, error: unknown = new Error("boom")) {
  const calls: number[] = [];
  const operation = async (attempt: number) => {
    calls.push(attempt);
    if (calls.length <= failures) {
      throw error;
    }
    return "done";
  };
  return { calls, operation };
}

describe("retry", () => {
  it("returns the first success without waiting", async () => {
    const { delays, sleep: fake } = recordingSleep();
    const { calls, operation } = failing(0);
    await expect(retry(operation, { sleep: fake })).resolves.toBe("done");
    expect(calls).toEqual([1]);
    expect(delays).toEqual([]);
  });

  it("retries until success and numbers the attempts from 1", async () => {
    const { delays, sleep: fake } = recordingSleep();
    const { calls, operation } = failing(2);
    await expect(retry(operation, { sleep: fake, jitter: false })).resolves.toBe("done");
    expect(calls).toEqual([1, 2, 3]);
    expect(delays).toHaveLength(2);
  });

  it("makes `attempts` tries in total, then rethrows the last error", async () => {
    const { delays, sleep: fake } = recordingSleep();
    let count = 0;
    const operation = async () => {
      count++;
      throw new Error(`failure ${count}`);
    };
    await expect(retry(operation, { attempts: 3, sleep: fake })).rejects.toThrow("failure 3");
    expect(count).toBe(3);
    expect(delays).toHaveLength(2);
  });

  it("defaults to 5 attempts", async () => {
    const { sleep: fake } = recordingSleep();
    const { calls, operation } = failing(Number.POSITIVE_INFINITY);
    await expect(retry(operation, { sleep: fake })).rejects.toThrow("boom");
    expect(calls).toEqual([1, 2, 3, 4, 5]);
  });

  it("grows the delay by `factor` and caps it at `maxDelay` without jitter", async () => {
    const { delays, sleep: fake } = recordingSleep();
    const { operation } = failing(Number.POSITIVE_INFINITY);
    await expect(
      retry(operation, {
        attempts: 7,
        minDelay: 100,
        maxDelay: 1000,
        factor: 3,
        jitter: false,
        sleep: fake,
      }),
    ).rejects.toThrow();
    expect(delays).toEqual([100, 300, 900, 1000, 1000, 1000]);
  });

  it("uses the defaults 500 ms × 2 capped at 30 s", async () => {
    const { delays, sleep: fake } = recordingSleep();
    const { operation } = failing(Number.POSITIVE_INFINITY);
    await expect(retry(operation, { attempts: 9, jitter: false, sleep: fake })).rejects.toThrow();
    expect(delays).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000]);
  });

  it("applies full jitter: a random fraction of the capped delay", async () => {
    const { delays, sleep: fake } = recordingSleep();
    const { operation } = failing(Number.POSITIVE_INFINITY);
    const randoms = [0, 0.5, 0.999_999, 0.25];
    await expect(
      retry(operation, {
        attempts: 5,
        minDelay: 1000,
        maxDelay: 3000,
        random: () => randoms.shift() ?? 0,
        sleep: fake,
      }),
    ).rejects.toThrow();
    // Ceilings are 1000, 2000, 3000 (capped from 4000), 3000 (capped from 8000).
    expect(delays).toEqual([0, 1000, 2999, 750]);
  });

  it("keeps jittered delays within [0, ceiling] even for an out-of-range random source", async () => {
    const { delays, sleep: fake } = recordingSleep();
    const { operation } = failing(Number.POSITIVE_INFINITY);
    const randoms = [-1, 7];
    await expect(
      retry(operation, {
        attempts: 3,
        minDelay: 100,
        random: () => randoms.shift() ?? 0,
        sleep: fake,
      }),
    ).rejects.toThrow();
    expect(delays).toEqual([0, 200]);
  });

  it("jitters with Math.random by default, within bounds", async () => {
    const { delays, sleep: fake } = recordingSleep();
    const { operation } = failing(Number.POSITIVE_INFINITY);
    await expect(
      retry(operation, { attempts: 20, minDelay: 10, maxDelay: 80, sleep: fake }),
    ).rejects.toThrow();
    expect(delays).toHaveLength(19);
    for (const [index, delay] of delays.entries()) {
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThanOrEqual(Math.min(80, 10 * 2 ** index));
    }
  });

  it("waits what the server asked for instead of the backoff, capped at five minutes", async () => {
    const { delays, sleep: fake } = recordingSleep();
    const asked = [7000, undefined, 3_600_000];
    const { operation } = failing(Number.POSITIVE_INFINITY);
    await expect(
      retry(operation, {
        attempts: 4,
        minDelay: 100,
        jitter: false,
        retryAfter: () => asked.shift(),
        sleep: fake,
      }),
    ).rejects.toThrow();
    expect(delays).toEqual([7000, 200, 300_000]);
  });

  it("ignores a negative or non-finite server delay", async () => {
    const { delays, sleep: fake } = recordingSleep();
    const asked = [-5, Number.NaN];
    const { operation } = failing(2);
    await retry(operation, {
      minDelay: 100,
      jitter: false,
      retryAfter: () => asked.shift(),
      sleep: fake,
    });
    expect(delays).toEqual([100, 200]);
  });

  it("tells onRetry about each wait", async () => {
    const { sleep: fake } = recordingSleep();
    const error = new Error("flaky");
    const { operation } = failing(2, error);
    const onRetry = vi.fn();
    await retry(operation, { minDelay: 10, jitter: false, onRetry, sleep: fake });
    expect(onRetry.mock.calls).toEqual([
      [{ error, attempt: 1, delay: 10 }],
      [{ error, attempt: 2, delay: 20 }],
    ]);
  });

  it("stops at once when shouldRetry says no", async () => {
    const { delays, sleep: fake } = recordingSleep();
    const { calls, operation } = failing(Number.POSITIVE_INFINITY, new Error("fatal"));
    const shouldRetry = vi.fn(() => false);
    await expect(retry(operation, { shouldRetry, sleep: fake })).rejects.toThrow("fatal");
    expect(calls).toEqual([1]);
    expect(delays).toEqual([]);
    expect(shouldRetry).toHaveBeenCalledWith(expect.any(Error), 1);
  });

  it("does not retry settings errors or AbortErrors by default, but retries other SpotkitErrors", async () => {
    const { sleep: fake } = recordingSleep();

    const settings = failing(5, new SpotkitError("E_SETTINGS_INVALID", "bad setting"));
    await expect(retry(settings.operation, { sleep: fake })).rejects.toThrow("bad setting");
    expect(settings.calls).toEqual([1]);

    const aborted = failing(5, new DOMException("stopped", "AbortError"));
    await expect(retry(aborted.operation, { sleep: fake })).rejects.toThrow("stopped");
    expect(aborted.calls).toEqual([1]);

    const other = failing(1, new SpotkitError("E_HTTP_STATUS", "server error"));
    await expect(retry(other.operation, { sleep: fake })).resolves.toBe("done");
    expect(other.calls).toEqual([1, 2]);
  });

  it("rejects without calling the operation when the signal is already aborted", async () => {
    const controller = new AbortController();
    const reason = new Error("cancelled before start");
    controller.abort(reason);
    const { calls, operation } = failing(0);
    await expect(retry(operation, { signal: controller.signal })).rejects.toBe(reason);
    expect(calls).toEqual([]);
  });

  it("rejects promptly with the signal's reason when aborted during the real sleep", async () => {
    const controller = new AbortController();
    const { calls, operation } = failing(Number.POSITIVE_INFINITY);
    const promise = retry(operation, {
      signal: controller.signal,
      minDelay: 60_000,
      jitter: false,
      // Abort once the first wait has started: the default sleep would otherwise wait a minute.
      onRetry: () => queueMicrotask(() => controller.abort()),
    });
    const error = await promise.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DOMException);
    expect((error as DOMException).name).toBe("AbortError");
    expect(calls).toEqual([1]);
  });

  it("rejects promptly when aborted while an operation is still running", async () => {
    const controller = new AbortController();
    const reason = new Error("user cancelled");
    const operation = () => new Promise<never>(() => {});
    const promise = retry(operation, { signal: controller.signal });
    setTimeout(() => controller.abort(reason), 5);
    await expect(promise).rejects.toBe(reason);
  });

  it("prefers the abort reason over the operation's error once aborted", async () => {
    const controller = new AbortController();
    const reason = new Error("user cancelled");
    const { sleep: fake } = recordingSleep();
    const operation = async () => {
      controller.abort(reason);
      throw new Error("fetch failed");
    };
    await expect(retry(operation, { signal: controller.signal, sleep: fake })).rejects.toBe(reason);
  });

  it("rejects invalid options with a message naming the option", async () => {
    const operation = async () => "done";
    await expect(retry(operation, { attempts: 0 })).rejects.toThrow(/'attempts'/);
    await expect(retry(operation, { attempts: 1.5 })).rejects.toThrow(/'attempts'/);
    await expect(retry(operation, { minDelay: -1 })).rejects.toThrow(/'minDelay'/);
    await expect(retry(operation, { factor: 0.5 })).rejects.toThrow(/'factor'/);
  });
});

describe("sleep", () => {
  it("resolves after the delay", async () => {
    await expect(sleep(1)).resolves.toBeUndefined();
  });

  it("rejects at once with the reason of an already aborted signal", async () => {
    const reason = new Error("already");
    await expect(sleep(60_000, AbortSignal.abort(reason))).rejects.toBe(reason);
  });

  it("clears its timer when aborted", async () => {
    vi.useFakeTimers();
    try {
      const controller = new AbortController();
      const promise = sleep(60_000, controller.signal);
      expect(vi.getTimerCount()).toBe(1);
      controller.abort();
      await expect(promise).rejects.toMatchObject({ name: "AbortError" });
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("stops listening to the signal once the timer fired", async () => {
    const controller = new AbortController();
    const remove = vi.spyOn(controller.signal, "removeEventListener");
    await sleep(1, controller.signal);
    expect(remove).toHaveBeenCalledWith("abort", expect.any(Function));
  });
});

describe("parseRetryAfter", () => {
  const now = Date.UTC(2025, 0, 1, 12, 0, 0);

  it.each([
    ["120", 120_000],
    ["0", 0],
    [" 5 ", 5000],
    ["1.5", 1500],
    ["0.0004", 1],
  ])("reads delay-seconds %j as %d ms", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it.each([
    ["Wed, 01 Jan 2025 12:00:30 GMT", 30_000],
    ["Wednesday, 01-Jan-25 12:01:00 GMT", 60_000],
    ["Wed Jan  1 12:00:02 2025", 2000],
    ["Wed, 01 Jan 2025 11:00:00 GMT", 0],
  ])("reads the HTTP date %j relative to now as %d ms", (value, expected) => {
    expect(parseRetryAfter(value, now)).toBe(expected);
  });

  it.each([
    [undefined],
    [null],
    [""],
    ["-5"],
    ["soon"],
    ["soon 2020"],
    ["1e3"],
    ["12abc"],
    ["Wed, 31 Feb 2025 12:00:00 GMT"],
    ["Wed, 01 Foo 2025 12:00:00 GMT"],
    ["Wed, 01 Jan 2025 25:00:00 GMT"],
  ])("returns undefined for %j", (value) => {
    expect(parseRetryAfter(value, now)).toBeUndefined();
  });
});

describe("retryAfterFromResponse", () => {
  it("reads the Retry-After header of a response", () => {
    const response = new Response(null, { status: 429, headers: { "Retry-After": "3" } });
    expect(retryAfterFromResponse(response)).toBe(3000);
  });

  it("returns undefined without the header", () => {
    expect(retryAfterFromResponse(new Response(null, { status: 503 }))).toBeUndefined();
  });
});
