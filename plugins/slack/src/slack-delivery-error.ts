import { SpotkitError } from "@spotkit/runtime";

/** Why a message did not reach Slack. */
export type SlackDeliveryErrorCode =
  /** Slack answered with an error it will repeat (400 invalid_payload, 404 no_service, channel_not_found). */
  | "E_SLACK_REJECTED"
  /** Slack answered 429: too many messages. */
  | "E_SLACK_RATE_LIMITED"
  /** Slack answered 5xx: a problem on its side. */
  | "E_SLACK_UNAVAILABLE"
  /** No answer: DNS, connection, TLS, timeout. */
  | "E_SLACK_UNREACHABLE";

/** What {@link SlackDeliveryError} carries besides its message. */
export interface SlackDeliveryErrorDetails {
  /** The HTTP status, when Slack answered. */
  status?: number;
  /** Slack's error name (`invalid_payload`, `channel_not_found`), when it sent one. */
  slackError?: string;
  /** The wait Slack asked for (`Retry-After`), in milliseconds. */
  retryAfter?: number;
  cause?: unknown;
}

/**
 * A message Slack did not accept, or could not be asked to. The message names Slack's error and
 * what to change; it never contains the webhook URL or the token.
 */
export class SlackDeliveryError extends SpotkitError {
  /** The HTTP status, when Slack answered. */
  readonly status: number | undefined;
  /** Slack's error name, when it sent one. */
  readonly slackError: string | undefined;
  /** The wait Slack asked for, in milliseconds. */
  readonly retryAfter: number | undefined;

  constructor(
    code: SlackDeliveryErrorCode,
    message: string,
    details: SlackDeliveryErrorDetails = {},
  ) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = "SlackDeliveryError";
    this.status = details.status;
    this.slackError = details.slackError;
    this.retryAfter = details.retryAfter;
  }

  /** Whether sending again may succeed: rate limits, Slack outages and network failures. */
  get retryable(): boolean {
    return this.code !== "E_SLACK_REJECTED";
  }
}
