import {
  type ChatPostMessageArguments,
  LogLevel,
  type Logger as SlackLogger,
  WebClient,
} from "@slack/web-api";
import { IncomingWebhook, type IncomingWebhookSendArguments } from "@slack/webhook";
import type { Logger, RetryOptions } from "@spotkit/runtime";
import { parseRetryAfter } from "@spotkit/runtime";
import type { SlackMessage } from "./message.js";
import { SlackDeliveryError } from "./slack-delivery-error.js";

/** What sending needs from the plugin context. */
export interface DeliveryOptions {
  /** The runtime's fetch (proxy, `skip_verify`). */
  fetch: typeof globalThis.fetch;
  /** Cancels the request in flight. */
  signal: AbortSignal;
  /** The runtime's retry, bound to the run's signal. */
  retry: <T>(operation: (attempt: number) => Promise<T>, options?: RetryOptions) => Promise<T>;
  logger: Logger;
  /**
   * Limit for one request, in milliseconds.
   * @default 30000
   */
  timeout?: number;
  /**
   * Tries in all, the first included, for rate limits, Slack outages and network failures.
   * @default 5
   */
  attempts?: number;
}

/** The default limit for one request to Slack. */
export const defaultRequestTimeout = 30_000;

/**
 * Posts a message to an incoming webhook with @slack/webhook. Retries 429 (after the
 * `Retry-After` Slack sends), 5xx and network failures; fails at once on other answers.
 *
 * @throws {SlackDeliveryError} with Slack's error text (`invalid_payload`, `no_service`…).
 */
export async function sendWebhookMessage(
  webhookUrl: string,
  message: SlackMessage,
  options: DeliveryOptions,
): Promise<void> {
  // The library's errors carry status and body but not the headers; the response seen by our
  // fetch gives the Retry-After of the attempt that just failed.
  let lastResponse: Response | undefined;
  const webhook = new IncomingWebhook(webhookUrl, {
    timeout: options.timeout ?? defaultRequestTimeout,
    retryConfig: { retries: 0 },
    fetch: async (input, init) => {
      const response = await options.fetch(input, withSignal(init, options.signal));
      lastResponse = response;
      return response;
    },
  });
  await options.retry(async () => {
    lastResponse = undefined;
    try {
      await webhook.send(message as IncomingWebhookSendArguments);
    } catch (error) {
      throw toWebhookDeliveryError(error, lastResponse);
    }
  }, retryPolicy(options));
}

/** The fields of `chat.postMessage`'s answer that the plugin reports. */
export interface PostMessageResult {
  /** The channel ID the message went to. */
  channel?: string;
  /** The message's timestamp, its ID within the channel. */
  ts?: string;
}

/**
 * Posts a message with a bot token through `chat.postMessage` (@slack/web-api). The client's own
 * retries are off and rate-limited calls are rejected, so that the runtime's retry decides, with
 * the `Retry-After` Slack sends.
 *
 * @param apiUrl Base URL of the Web API, normally `https://slack.com/api/`.
 * @throws {SlackDeliveryError} with Slack's error (`channel_not_found`, `invalid_auth`…).
 */
export async function postMessageWithToken(
  token: string,
  apiUrl: string,
  message: SlackMessage & { channel: string },
  options: DeliveryOptions,
): Promise<PostMessageResult> {
  const client = new WebClient(token, {
    slackApiUrl: apiUrl.endsWith("/") ? apiUrl : `${apiUrl}/`,
    timeout: options.timeout ?? defaultRequestTimeout,
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    logger: createSlackLogger(options.logger),
    fetch: (input, init) => options.fetch(input, withSignal(init, options.signal)),
  });
  return options.retry(async () => {
    try {
      const result = await client.chat.postMessage(message as ChatPostMessageArguments);
      return { channel: result.channel, ts: result.ts };
    } catch (error) {
      throw toWebApiDeliveryError(error);
    }
  }, retryPolicy(options));
}

function retryPolicy(options: DeliveryOptions): RetryOptions {
  return {
    attempts: options.attempts ?? 5,
    shouldRetry: (error) => error instanceof SlackDeliveryError && error.retryable,
    retryAfter: (error) => (error instanceof SlackDeliveryError ? error.retryAfter : undefined),
    onRetry: ({ error, attempt, delay }) => {
      const reason = error instanceof Error ? error.message : String(error);
      options.logger.warn(
        `attempt ${attempt} failed (${reason}); trying again in ${formatDelay(delay)}`,
      );
    },
  };
}

function formatDelay(milliseconds: number): string {
  return milliseconds < 1000
    ? `${Math.round(milliseconds)} ms`
    : `${(milliseconds / 1000).toFixed(1)} s`;
}

// The libraries pass their own timeout signal; the run's signal must stop the request too.
function withSignal<Init extends { signal?: AbortSignal } | undefined>(
  init: Init,
  signal: AbortSignal,
): RequestInit {
  const own = init?.signal;
  return { ...(init as RequestInit), signal: own ? AbortSignal.any([own, signal]) : signal };
}

/** What Slack's error names mean for the user, and what to change. */
const slackErrorHints: Record<string, string> = {
  invalid_payload:
    'Slack could not read the message; check custom_block (it must be {"blocks": [...]}) and the template output',
  no_text: "the message has no text; check template, message and custom_block",
  invalid_blocks:
    "Slack refused the blocks; check custom_block against Slack's Block Kit reference",
  invalid_attachments: "Slack refused the attachment; check color and image_url",
  too_many_attachments: "the message has too many attachments",
  no_service:
    "the webhook does not exist (any more); create a new incoming webhook and update webhook (SLACK_WEBHOOK)",
  no_team: "the webhook's workspace does not exist (any more); update webhook (SLACK_WEBHOOK)",
  team_disabled: "the webhook's workspace is disabled",
  invalid_token: "the webhook URL is not valid; update webhook (SLACK_WEBHOOK)",
  no_active_hooks: "the webhook is disabled; enable it or create a new one",
  action_prohibited: "a workspace admin restricted posting to this channel",
  posting_to_general_channel_denied: "only admins may post to this channel",
  channel_not_found:
    "check channel and recipient (a bot token needs a channel it can see, or its ID)",
  channel_is_archived: "the channel is archived; pick another channel",
  is_archived: "the channel is archived; pick another channel",
  not_in_channel:
    "invite the app to the channel (/invite @app) or give it the chat:write.public scope",
  invalid_auth: "the access token is not valid; check access_token (SLACK_ACCESS_TOKEN)",
  not_authed: "no access token reached Slack; check access_token (SLACK_ACCESS_TOKEN)",
  token_revoked: "the access token was revoked; create a new one and update access_token",
  token_expired: "the access token expired; update access_token",
  account_inactive: "the token's user or app was deactivated; update access_token",
  missing_scope: "the token lacks the chat:write scope; add it to the app and reinstall it",
  restricted_action: "a workspace admin restricted posting to this channel",
  msg_too_long: "the message text is too long; shorten the template",
};

function describeRejection(status: number | undefined, slackError: string): string {
  const hint = slackErrorHints[slackError];
  const where = status === undefined ? slackError : `HTTP ${status} ${slackError}`;
  return `Slack rejected the message: ${where}${hint ? ` (${hint})` : ""}`;
}

// Slack answers webhooks with a short error name as plain text; a proxy may answer with a page.
function slackErrorFromBody(body: string | undefined, status: number): string {
  const text = body?.trim() ?? "";
  if (/^[a-z0-9_]{1,80}$/.test(text)) return text;
  const firstLine = text.split("\n", 1)[0]?.slice(0, 200) ?? "";
  return firstLine === "" ? `status ${status}` : firstLine;
}

function toWebhookDeliveryError(
  error: unknown,
  response: Response | undefined,
): SlackDeliveryError {
  const coded = error as { code?: string; statusCode?: number; body?: string; original?: Error };
  if (coded.code === "slack_webhook_http_error" && coded.statusCode !== undefined) {
    const status = coded.statusCode;
    const slackError = slackErrorFromBody(coded.body, status);
    const retryAfter = response ? parseRetryAfter(response.headers.get("retry-after")) : undefined;
    return httpError(status, slackError, retryAfter, error);
  }
  return unreachable(coded.original ?? error);
}

function toWebApiDeliveryError(error: unknown): SlackDeliveryError {
  const coded = error as {
    code?: string;
    retryAfter?: number;
    statusCode?: number;
    headers?: Record<string, string>;
    body?: unknown;
    data?: { error?: string };
    original?: Error;
  };
  switch (coded.code) {
    case "slack_webapi_rate_limited_error":
      return httpError(429, "ratelimited", (coded.retryAfter ?? 1) * 1000, error);
    case "slack_webapi_http_error": {
      const status = coded.statusCode ?? 0;
      const body = typeof coded.body === "string" ? coded.body : JSON.stringify(coded.body ?? "");
      const retryAfter = parseRetryAfter(coded.headers?.["retry-after"]);
      return httpError(status, slackErrorFromBody(body, status), retryAfter, error);
    }
    case "slack_webapi_platform_error": {
      const slackError = coded.data?.error ?? "unknown_error";
      // Slack reports some outages as ok:false with these names; they are worth another try.
      const code = [
        "internal_error",
        "fatal_error",
        "service_unavailable",
        "request_timeout",
      ].includes(slackError)
        ? "E_SLACK_UNAVAILABLE"
        : slackError === "ratelimited"
          ? "E_SLACK_RATE_LIMITED"
          : "E_SLACK_REJECTED";
      return new SlackDeliveryError(code, describeRejection(undefined, slackError), {
        slackError,
        cause: error,
      });
    }
    case "slack_webapi_request_error":
      return unreachable(coded.original ?? error);
    default:
      // Anything else (such as a 429 without a usable Retry-After) is an answer we cannot act on.
      return new SlackDeliveryError(
        "E_SLACK_REJECTED",
        `Slack did not accept the message: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
  }
}

function httpError(
  status: number,
  slackError: string,
  retryAfter: number | undefined,
  cause: unknown,
): SlackDeliveryError {
  if (status === 429) {
    return new SlackDeliveryError(
      "E_SLACK_RATE_LIMITED",
      `Slack rate-limited the message: HTTP 429 ${slackError}`,
      {
        status,
        slackError,
        retryAfter,
        cause,
      },
    );
  }
  if (status >= 500) {
    return new SlackDeliveryError(
      "E_SLACK_UNAVAILABLE",
      `Slack failed to take the message: HTTP ${status} ${slackError}`,
      {
        status,
        slackError,
        retryAfter,
        cause,
      },
    );
  }
  return new SlackDeliveryError("E_SLACK_REJECTED", describeRejection(status, slackError), {
    status,
    slackError,
    cause,
  });
}

function unreachable(error: unknown): SlackDeliveryError {
  // Node's fetch says "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND, a timeout) is in
  // the cause. Neither contains the URL's path, where a webhook keeps its secret.
  const failure = error as {
    name?: string;
    message?: string;
    cause?: { code?: string; message?: string };
  };
  const reason =
    failure.name === "TimeoutError"
      ? "no answer in time"
      : (failure.cause?.code ?? failure.cause?.message ?? failure.message ?? String(error));
  return new SlackDeliveryError("E_SLACK_UNREACHABLE", `could not reach Slack: ${reason}`, {
    cause: error,
  });
}

/** Forwards @slack/web-api's own log lines to the plugin's logger at trace level. */
function createSlackLogger(logger: Logger): SlackLogger {
  const write = (...parts: unknown[]) =>
    logger.trace(`slack web api: ${parts.map(String).join(" ")}`);
  return {
    debug: write,
    info: write,
    warn: write,
    error: write,
    setLevel: () => {},
    getLevel: () => LogLevel.DEBUG,
    setName: () => {},
  };
}
