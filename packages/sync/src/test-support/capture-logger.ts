import type { SyncLogger } from "../sync-logger.js";

/** A {@link SyncLogger} that keeps every line and the bytes reported as progress. */
export interface CapturedLogger extends SyncLogger {
  lines: Array<{ level: "info" | "debug" | "warn"; message: string }>;
  progressBytes: number;
  progressDone: number;
  /** The messages of one level. */
  messages(level: "info" | "debug" | "warn"): string[];
}

/** Creates a {@link CapturedLogger}. */
export function captureLogger(): CapturedLogger {
  const logger: CapturedLogger = {
    lines: [],
    progressBytes: 0,
    progressDone: 0,
    info: (message) => logger.lines.push({ level: "info", message }),
    debug: (message) => logger.lines.push({ level: "debug", message }),
    warn: (message) => logger.lines.push({ level: "warn", message }),
    progress: () => ({
      advance(amount) {
        logger.progressBytes += amount;
      },
      update() {},
      done() {
        logger.progressDone += 1;
      },
    }),
    messages: (level) =>
      logger.lines.filter((line) => line.level === level).map((line) => line.message),
  };
  return logger;
}
