/** Keeps the last bytes a child process wrote, to quote them when it fails. */
export interface OutputTail {
  /** Adds a chunk of output. */
  append(chunk: Buffer | string): void;
  /** The kept output as text, oldest first. */
  text(): string;
}

/**
 * Creates an {@link OutputTail} that keeps at most `maxBytes` bytes: the end of a log is what
 * explains a failure, so the oldest output is dropped first.
 * @param maxBytes how many trailing bytes to keep. @default 8192
 */
export function createOutputTail(maxBytes = 8192): OutputTail {
  let kept = Buffer.alloc(0);
  return {
    append(chunk) {
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      const joined = Buffer.concat([kept, bytes]);
      kept = joined.length > maxBytes ? joined.subarray(joined.length - maxBytes) : joined;
    },
    text() {
      return kept.toString("utf8");
    },
  };
}
