/**
 * An error the GCS fake answers with, in the JSON API's format:
 * `{"error":{"code":404,"message":"…","errors":[{"message":"…","domain":"global","reason":"notFound"}]}}`.
 */
export class GcsApiError extends Error {
  /** The HTTP status. */
  readonly status: number;
  /** GCS's `reason` (`notFound`, `conditionNotMet`, `invalid`, `required`, `conflict`…). */
  readonly reason: string;
  /** Extra fields of the `errors[0]` entry (`locationType`, `location`). */
  readonly details: Record<string, string>;

  constructor(
    status: number,
    reason: string,
    message: string,
    details: Record<string, string> = {},
  ) {
    super(message);
    this.name = "GcsApiError";
    this.status = status;
    this.reason = reason;
    this.details = details;
  }

  /** The response body GCS would send. */
  toJson(): string {
    return JSON.stringify({
      error: {
        code: this.status,
        message: this.message,
        errors: [{ message: this.message, domain: "global", reason: this.reason, ...this.details }],
      },
    });
  }
}

/** 400 `invalid`: the request is malformed. */
export function invalidRequest(message: string): GcsApiError {
  return new GcsApiError(400, "invalid", message);
}
