import { createLogger, type Logger } from "@spotkit/runtime";

/** A logger that keeps its lines, for assertions on warnings. */
export interface MemoryLogger {
  logger: Logger;
  /** Every line written so far, in order. */
  readonly lines: string[];
  /** The text of every line joined. */
  text(): string;
}

/** Creates a {@link MemoryLogger} at `debug` level. */
export function createMemoryLogger(): MemoryLogger {
  const lines: string[] = [];
  const logger = createLogger({
    level: "debug",
    format: "text",
    color: false,
    write: (text) => {
      lines.push(text);
    },
  });
  return { logger, lines, text: () => lines.join("") };
}
