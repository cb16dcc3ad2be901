import { afterEach, describe, expect, it, vi } from "vitest";
import {
  type CreateProgressOptions,
  createProgress,
  formatBytes,
  formatDuration,
  formatRate,
} from "./progress.js";

/** A manual clock and interval timer: tests move time and fire ticks themselves. */
function fakeEnvironment() {
  let time = 1_700_000_000_000;
  const timers = new Map<
    number,
    { callback: () => void; milliseconds: number; unrefed: boolean }
  >();
  let nextId = 1;
  const output: string[] = [];
  return {
    output,
    timers,
    text: () => output.join(""),
    advanceTime(milliseconds: number) {
      time += milliseconds;
    },
    /** Moves the clock by one interval per tick and fires every live timer. */
    tick(count = 1) {
      for (let index = 0; index < count; index += 1) {
        for (const timer of [...timers.values()]) {
          time += timer.milliseconds;
          timer.callback();
        }
      }
    },
    options(
      overrides: Partial<CreateProgressOptions> & Pick<CreateProgressOptions, "label">,
    ): CreateProgressOptions {
      return {
        write: (text) => output.push(text),
        isTTY: false,
        interval: 10_000,
        now: () => time,
        setInterval: (callback, milliseconds) => {
          const id = nextId++;
          const timer = { callback, milliseconds, unrefed: false };
          timers.set(id, timer);
          return {
            id,
            unref: () => {
              timer.unrefed = true;
            },
          };
        },
        clearInterval: (handle) => {
          timers.delete((handle as { id: number }).id);
        },
        ...overrides,
      };
    },
  };
}

describe("formatBytes", () => {
  it.each([
    [0, "0 B"],
    [999, "999 B"],
    [1000, "1.0 kB"],
    [1536, "1.5 kB"],
    [12_345_678, "12.3 MB"],
    [999_960, "1.0 MB"],
    [27_100_000_000, "27.1 GB"],
    [-2048, "-2.0 kB"],
    [Number.NaN, "0 B"],
  ])("formats %d as %s", (bytes, expected) => {
    expect(formatBytes(bytes)).toBe(expected);
  });
});

describe("formatRate and formatDuration", () => {
  it("formats rates per unit", () => {
    expect(formatRate(3_400_000, "bytes")).toBe("3.4 MB/s");
    expect(formatRate(12, "items")).toBe("12.0 items/s");
  });

  it.each([
    [400, "0.4s"],
    [8_000, "8.0s"],
    [125_000, "2m 05s"],
    [3_720_000, "1h 02m"],
  ])("formats %d ms as %s", (milliseconds, expected) => {
    expect(formatDuration(milliseconds)).toBe(expected);
  });
});

describe("createProgress without a terminal", () => {
  it("prints one line per interval with percentage, amounts and rate, then a done line", () => {
    const environment = fakeEnvironment();
    const progress = createProgress(
      environment.options({ label: "upload", total: 27_100_000, unit: "bytes" }),
    );
    expect(environment.timers.size).toBe(1);
    expect([...environment.timers.values()][0]?.unrefed).toBe(true);

    progress.advance(12_300_000); // after 10 s: 1.23 MB/s
    environment.tick();
    progress.update(27_100_000);
    environment.tick();
    progress.done();

    expect(environment.output).toEqual([
      "upload: 45% (12.3 MB of 27.1 MB, 1.2 MB/s)\n",
      "upload: 100% (27.1 MB of 27.1 MB, 1.4 MB/s)\n",
      "upload: 27.1 MB in 20.0s (1.4 MB/s)\n",
    ]);
    expect(environment.timers.size).toBe(0);
  });

  it("prints only the done line when the work ends within one interval", () => {
    const environment = fakeEnvironment();
    const progress = createProgress(environment.options({ label: "index", total: 100 }));
    progress.advance(60);
    environment.advanceTime(2_000);
    progress.advance(40);
    progress.done("indexed 100 files");
    expect(environment.output).toEqual(["index: indexed 100 files\n"]);
    expect(environment.timers.size).toBe(0);
  });

  it("counts items", () => {
    const environment = fakeEnvironment();
    const progress = createProgress(environment.options({ label: "index", total: 100 }));
    progress.advance(45);
    environment.tick();
    progress.advance(55);
    progress.done();
    expect(environment.output).toEqual([
      "index: 45% (45 of 100 items, 4.5 items/s)\n",
      "index: 100 items in 10.0s (10.0 items/s)\n",
    ]);
  });

  it("prints the amount and rate when the total is unknown", () => {
    const environment = fakeEnvironment();
    const progress = createProgress(environment.options({ label: "download", unit: "bytes" }));
    progress.advance(5_000_000);
    environment.tick();
    progress.done();
    expect(environment.output).toEqual([
      "download: 5.0 MB (500.0 kB/s)\n",
      "download: 5.0 MB in 10.0s (500.0 kB/s)\n",
    ]);
  });

  it("ignores calls after done", () => {
    const environment = fakeEnvironment();
    const progress = createProgress(environment.options({ label: "sync" }));
    progress.done();
    progress.advance(5);
    progress.done();
    expect(environment.output).toEqual(["sync: 0 items in 0.0s\n"]);
  });

  it("writes JSON lines in json format", () => {
    const environment = fakeEnvironment();
    const progress = createProgress(
      environment.options({
        label: "upload",
        total: 2_000,
        unit: "bytes",
        format: "json",
        isTTY: true,
      }),
    );
    progress.advance(1_000);
    environment.tick();
    progress.done();
    const lines = environment
      .text()
      .trimEnd()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      {
        time: "2023-11-14T22:13:30.000Z",
        level: "info",
        msg: "upload: 50% (1.0 kB of 2.0 kB, 100 B/s)",
        progress: "upload",
        completed: 1_000,
        total: 2_000,
        unit: "bytes",
        rate: 100,
      },
      {
        time: "2023-11-14T22:13:30.000Z",
        level: "info",
        msg: "upload: 1.0 kB in 10.0s (100 B/s)",
        progress: "upload",
        completed: 1_000,
        total: 2_000,
        unit: "bytes",
        rate: 100,
        done: true,
      },
    ]);
  });

  describe("with the global timers", () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it("unrefs its timer and clears it when done", () => {
      vi.useFakeTimers({ toFake: ["setInterval", "clearInterval", "Date"] });
      const output: string[] = [];
      const handles: Array<{ hasRef(): boolean }> = [];
      const progress = createProgress({
        label: "upload",
        unit: "bytes",
        write: (text) => output.push(text),
        isTTY: false,
        interval: 5_000,
        setInterval: (callback, milliseconds) => {
          const handle = setInterval(callback, milliseconds);
          handles.push(handle);
          return handle;
        },
      });
      expect(handles[0]?.hasRef()).toBe(false);
      expect(vi.getTimerCount()).toBe(1);
      progress.advance(1_000);
      vi.advanceTimersByTime(5_000);
      expect(output).toEqual(["upload: 1.0 kB (200 B/s)\n"]);
      progress.done();
      expect(vi.getTimerCount()).toBe(0);
      vi.advanceTimersByTime(20_000);
      expect(output).toHaveLength(2);
    });
  });

  it("keeps running when the writer throws", () => {
    const environment = fakeEnvironment();
    const progress = createProgress(
      environment.options({
        label: "upload",
        write: () => {
          throw new Error("EPIPE");
        },
      }),
    );
    expect(() => environment.tick()).not.toThrow();
    expect(() => progress.done()).not.toThrow();
  });
});

describe("createProgress on a terminal", () => {
  it("redraws a bar in place, at most ten times a second, and ends the line when done", () => {
    const environment = fakeEnvironment();
    const progress = createProgress(
      environment.options({ label: "upload", total: 27_100_000, unit: "bytes", isTTY: true }),
    );
    expect(environment.timers.size).toBe(0);
    expect(environment.output).toEqual(["\rupload  [--------------------]    0%  0 B / 27.1 MB\r"]);

    environment.advanceTime(50);
    progress.advance(1_000_000); // within 100 ms of the last draw: not drawn
    expect(environment.output).toHaveLength(1);

    environment.advanceTime(3_570);
    progress.advance(11_300_000);
    environment.advanceTime(10);
    progress.advance(1); // throttled again
    expect(environment.output).toHaveLength(2);
    expect(environment.output[1]).toBe(
      "\rupload  [#########-----------]   45%  12.3 MB / 27.1 MB  3.4 MB/s\r",
    );

    progress.done();
    const last = environment.output.at(-1) ?? "";
    expect(last.startsWith("\rupload: 12.3 MB in 3.6s (3.4 MB/s)")).toBe(true);
    expect(last.endsWith("\n")).toBe(true);
    // The shorter final line is padded so that no trace of the bar remains.
    expect(last.length).toBe(environment.output[1]?.length);
  });

  it("shows the amount without a bar when the total is unknown", () => {
    const environment = fakeEnvironment();
    const progress = createProgress(environment.options({ label: "scan", isTTY: true }));
    environment.advanceTime(2_000);
    progress.update(30);
    progress.done("30 files");
    expect(environment.output).toEqual([
      "\rscan  0 items\r",
      "\rscan  30 items  15.0 items/s\r",
      `\rscan: 30 files${" ".repeat(14)}\n`,
    ]);
  });
});
