const marker = Symbol.for("spotkit.error");

/**
 * Base class of every error the runtime and the plugins raise on purpose.
 *
 * `code` is stable and meant for programs (`E_SETTINGS_INVALID`); `message` is meant for people and
 * says what to change. `isInstance` checks a global marker rather than the prototype chain, so it
 * still works when two copies of the runtime end up in one bundle.
 */
export class SpotkitError extends Error {
  /** A stable, machine-readable code such as `E_SETTINGS_INVALID`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "SpotkitError";
    this.code = code;
    Object.defineProperty(this, marker, { value: true });
  }

  /** True for any error raised through {@link SpotkitError}, whichever copy of the class made it. */
  static isInstance(error: unknown): error is SpotkitError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
