import { SpotkitError } from "@spotkit/runtime";

/**
 * One line saying why an operation failed: a spotkit error's message (which names what to
 * change and never carries a credential), else the error's own message with its code. Without a
 * final period, so callers can go on with a sentence of their own.
 */
export function describeFailure(error: unknown): string {
  return withoutFinalPeriod(describe(error));
}

function describe(error: unknown): string {
  if (SpotkitError.isInstance(error)) return error.message;
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === undefined ? error.message : `${error.message} (${code})`;
  }
  return String(error);
}

function withoutFinalPeriod(text: string): string {
  return text.trimEnd().replace(/\.+$/, "");
}
