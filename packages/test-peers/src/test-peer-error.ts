/** The same marker as `SpotkitError` in @spotkit/runtime, so `SpotkitError.isInstance` accepts these errors too. */
const marker = Symbol.for("spotkit.error");

/**
 * Error raised when a test peer cannot be started, stopped or used.
 *
 * `code` is stable: `E_PEER_MISSING` (a program is not installed), `E_PEER_START` (a server failed
 * to start), `E_PEER_TIMEOUT` (a server did not become ready in time), `E_PEER_CONFIG` (a bad option
 * or variable), `E_PEER_NOT_FOUND` (a bucket or object a test asked about does not exist).
 * `message` says what to change, and for a start failure it quotes the end of the server's log.
 */
export class TestPeerError extends Error {
  /** A stable, machine-readable code such as `E_PEER_MISSING`. */
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "TestPeerError";
    this.code = code;
    Object.defineProperty(this, marker, { value: true });
  }

  /** True for any error raised through {@link TestPeerError} (or spotkit's other error classes). */
  static isInstance(error: unknown): error is TestPeerError {
    return typeof error === "object" && error !== null && marker in error;
  }
}
