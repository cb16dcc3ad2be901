/** What a progress report counts. */
export type ProgressUnit = "bytes" | "items";

/** What a piece of work reports progress about. */
export interface ProgressOptions {
  /** A short name for the work, printed first: `upload`, `restore cache`. */
  label: string;
  /** The amount the work reaches when it is complete; unknown when omitted. */
  total?: number;
  /**
   * What the amounts count: `bytes` are printed as `12.3 MB`, `items` as plain counts.
   * @default "items"
   */
  unit?: ProgressUnit;
}

/** A running progress report; call {@link Progress.done} exactly once when the work ends. */
export interface Progress {
  /** Adds `amount` to the completed amount. */
  advance(amount: number): void;
  /** Sets the completed amount. */
  update(completed: number): void;
  /**
   * Ends the report and prints its last line: `label: summary`, or the amount, time and rate
   * when no summary is given. Further calls do nothing.
   */
  done(summary?: string): void;
}

/** Options of {@link createProgress}: the work, where to write, and the clock (injectable). */
export interface CreateProgressOptions extends ProgressOptions {
  /** Receives the output, including `\r` and `\n`. */
  write: (text: string) => void;
  /** True when `write` reaches a terminal: the report is then a bar redrawn in place. */
  isTTY: boolean;
  /** Milliseconds between two plain lines when not on a terminal. */
  interval: number;
  /**
   * `json` writes each report as a JSON line (`{"time","level","msg",…}`) instead of text, and
   * never redraws.
   * @default "text"
   */
  format?: "text" | "json";
  /**
   * The clock, in milliseconds since the epoch.
   * @default Date.now
   */
  now?: () => number;
  /**
   * Starts the timer of plain reports; the handle it returns is `unref`'d when it has `unref`.
   * @default globalThis.setInterval
   */
  setInterval?: (callback: () => void, milliseconds: number) => unknown;
  /**
   * Stops that timer.
   * @default globalThis.clearInterval
   */
  clearInterval?: (handle: unknown) => void;
}

/** At most ten redraws a second: faster is invisible and floods slow terminals and log viewers. */
const redrawInterval = 100;
const barWidth = 20;
const byteUnits = ["B", "kB", "MB", "GB", "TB", "PB", "EB"] as const;

/**
 * Formats a byte count with decimal (SI) units, as Docker does: `512 B`, `1.5 kB`, `12.3 MB`.
 */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return "0 B";
  const sign = bytes < 0 ? "-" : "";
  let value = Math.abs(bytes);
  if (value < 999.5) return `${sign}${Math.round(value)} B`;
  value /= 1000;
  let unitIndex = 1;
  // Compare the rounded value, so 999,960 bytes prints as `1.0 MB` rather than `1000.0 kB`.
  while (unitIndex < byteUnits.length - 1 && Number(value.toFixed(1)) >= 1000) {
    value /= 1000;
    unitIndex += 1;
  }
  return `${sign}${value.toFixed(1)} ${byteUnits[unitIndex]}`;
}

/** Formats a rate per second: `3.4 MB/s` for bytes, `12.0 items/s` for items. */
export function formatRate(perSecond: number, unit: ProgressUnit): string {
  if (unit === "bytes") return `${formatBytes(perSecond)}/s`;
  return `${Number.isFinite(perSecond) ? perSecond.toFixed(1) : "0.0"} items/s`;
}

/** Formats a duration: `0.4s`, `8.0s`, `2m 05s`, `1h 02m`. */
export function formatDuration(milliseconds: number): string {
  const totalSeconds = Math.max(0, milliseconds) / 1000;
  if (totalSeconds < 60) return `${totalSeconds.toFixed(1)}s`;
  const wholeSeconds = Math.floor(totalSeconds);
  const hours = Math.floor(wholeSeconds / 3600);
  const minutes = Math.floor((wholeSeconds % 3600) / 60);
  const seconds = wholeSeconds % 60;
  if (hours === 0) return `${minutes}m ${String(seconds).padStart(2, "0")}s`;
  return `${hours}h ${String(minutes).padStart(2, "0")}m`;
}

/**
 * Reports the progress of a long piece of work (an upload, a cache restore).
 *
 * On a terminal it draws a bar redrawn in place with `\r`
 * (`upload  [#########-----------]  45%  12.3 MB / 27.1 MB  3.4 MB/s`), at most ten times a second.
 * Elsewhere (CI logs) it prints one plain line every `interval` milliseconds while the work runs
 * (`upload: 45% (12.3 MB of 27.1 MB, 3.4 MB/s)`), so work shorter than one interval prints only
 * the line of {@link Progress.done}. The timer is `unref`'d, so a forgotten report never keeps the
 * process alive, and `done` stops it.
 */
export function createProgress(options: CreateProgressOptions): Progress {
  const unit = options.unit ?? "items";
  const format = options.format ?? "text";
  const now = options.now ?? Date.now;
  const setTimer =
    options.setInterval ?? ((callback, milliseconds) => setInterval(callback, milliseconds));
  const clearTimer =
    options.clearInterval ??
    ((handle) => clearInterval(handle as ReturnType<typeof setInterval> | undefined));
  // JSON lines are read by programs, which gain nothing from a redrawn bar.
  const drawsBar = options.isTTY && format === "text";
  const startedAt = now();

  let completed = 0;
  let finished = false;
  let lastDrawnAt = Number.NEGATIVE_INFINITY;
  let lastDrawnLength = 0;
  let timer: unknown;

  const snapshot = (): ProgressSnapshot => {
    const elapsed = now() - startedAt;
    return {
      label: options.label,
      completed,
      total: options.total,
      unit,
      elapsed,
      rate: elapsed > 0 ? (completed / elapsed) * 1000 : undefined,
    };
  };

  // Progress output is a side channel: a failing writer must not fail the work, least of all from
  // inside a timer, where a throw would crash the process.
  const safeWrite = (text: string): void => {
    try {
      options.write(text);
    } catch {
      // Nothing sensible to report to: the writer itself is what failed.
    }
  };

  // A frame also ends in `\r`: output that is masked line by line (see createMaskingWriter) is
  // then shown at once instead of when the next frame arrives. The padding erases a longer frame.
  const draw = (line: string, ending: "\r" | "\n"): void => {
    const padding = " ".repeat(Math.max(0, lastDrawnLength - line.length));
    lastDrawnLength = line.length;
    safeWrite(`\r${line}${padding}${ending}`);
  };

  const report = (state: ProgressSnapshot, summary?: string): void => {
    const message = summary ?? formatStatusLine(state);
    safeWrite(
      format === "json" ? `${formatJsonReport(state, message, now, false)}\n` : `${message}\n`,
    );
  };

  const changed = (): void => {
    if (finished || !drawsBar) return;
    const time = now();
    if (time - lastDrawnAt < redrawInterval) return;
    lastDrawnAt = time;
    draw(formatBarLine(snapshot()), "\r");
  };

  if (drawsBar) {
    changed();
  } else {
    timer = setTimer(() => {
      if (!finished) report(snapshot());
    }, options.interval);
    unref(timer);
  }

  return {
    advance(amount) {
      if (finished || !Number.isFinite(amount)) return;
      completed += amount;
      changed();
    },
    update(value) {
      if (finished || !Number.isFinite(value)) return;
      completed = value;
      changed();
    },
    done(summary) {
      if (finished) return;
      finished = true;
      if (timer !== undefined) clearTimer(timer);
      const state = snapshot();
      const line = `${options.label}: ${summary ?? formatDoneSummary(state)}`;
      if (drawsBar) {
        draw(line, "\n");
      } else if (format === "json") {
        safeWrite(`${formatJsonReport(state, line, now, true)}\n`);
      } else {
        safeWrite(`${line}\n`);
      }
    },
  };
}

interface ProgressSnapshot {
  label: string;
  completed: number;
  total: number | undefined;
  unit: ProgressUnit;
  elapsed: number;
  /** Per second; unknown before any time has passed. */
  rate: number | undefined;
}

function unref(handle: unknown): void {
  if (typeof handle === "object" && handle !== null && "unref" in handle) {
    const method = handle.unref;
    if (typeof method === "function") method.call(handle);
  }
}

function hasTotal(state: ProgressSnapshot): state is ProgressSnapshot & { total: number } {
  return state.total !== undefined && Number.isFinite(state.total) && state.total >= 0;
}

function percentOf(completed: number, total: number): number {
  if (total === 0) return 100;
  return Math.min(100, Math.max(0, Math.floor((completed / total) * 100)));
}

function formatAmount(amount: number, unit: ProgressUnit): string {
  return unit === "bytes" ? formatBytes(amount) : String(amount);
}

/** `upload  [#########-----------]  45%  12.3 MB / 27.1 MB  3.4 MB/s` */
function formatBarLine(state: ProgressSnapshot): string {
  const parts = [state.label];
  if (hasTotal(state)) {
    const percent = percentOf(state.completed, state.total);
    const filled = Math.floor((percent / 100) * barWidth);
    parts.push(`[${"#".repeat(filled)}${"-".repeat(barWidth - filled)}]`);
    parts.push(`${String(percent).padStart(3)}%`);
    const completed = formatAmount(state.completed, state.unit);
    const total = formatAmount(state.total, state.unit);
    parts.push(
      state.unit === "items" ? `${completed} / ${total} items` : `${completed} / ${total}`,
    );
  } else {
    parts.push(state.unit === "items" ? `${state.completed} items` : formatBytes(state.completed));
  }
  if (state.rate !== undefined) parts.push(formatRate(state.rate, state.unit));
  return parts.join("  ");
}

/** `upload: 45% (12.3 MB of 27.1 MB, 3.4 MB/s)`, `index: 45% (45 of 100 items)`, `upload: 1 MB` */
function formatStatusLine(state: ProgressSnapshot): string {
  const rate = state.rate === undefined ? undefined : formatRate(state.rate, state.unit);
  if (hasTotal(state)) {
    const completed = formatAmount(state.completed, state.unit);
    const total = formatAmount(state.total, state.unit);
    const amounts = `${completed} of ${total}${state.unit === "items" ? " items" : ""}`;
    const details = rate === undefined ? amounts : `${amounts}, ${rate}`;
    return `${state.label}: ${percentOf(state.completed, state.total)}% (${details})`;
  }
  const amount = state.unit === "items" ? `${state.completed} items` : formatBytes(state.completed);
  return rate === undefined ? `${state.label}: ${amount}` : `${state.label}: ${amount} (${rate})`;
}

/** `27.1 MB in 8.0s (3.4 MB/s)` */
function formatDoneSummary(state: ProgressSnapshot): string {
  const amount = state.unit === "items" ? `${state.completed} items` : formatBytes(state.completed);
  const base = `${amount} in ${formatDuration(state.elapsed)}`;
  return state.rate === undefined ? base : `${base} (${formatRate(state.rate, state.unit)})`;
}

function formatJsonReport(
  state: ProgressSnapshot,
  message: string,
  now: () => number,
  done: boolean,
): string {
  let time: string;
  try {
    time = new Date(now()).toISOString();
  } catch {
    time = new Date(0).toISOString();
  }
  return JSON.stringify({
    time,
    level: "info",
    msg: message,
    progress: state.label,
    completed: state.completed,
    total: state.total,
    unit: state.unit,
    rate: state.rate === undefined ? undefined : Math.round(state.rate * 100) / 100,
    ...(done ? { done: true } : {}),
  });
}
