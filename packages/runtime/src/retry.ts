import { SpotkitError } from "./spotkit-error.js";

/** The longest wait a server's `Retry-After` can impose on us: five minutes. */
const maxServerDelay = 5 * 60 * 1000;

/** The largest delay `setTimeout` accepts; anything above fires at once. */
const maxTimerDelay = 2 ** 31 - 1;

/** How {@link retry} spaces its attempts and decides whether to try again. */
export interface RetryOptions {
  /**
   * Total number of tries, the first one included.
   * @default 5
   */
  attempts?: number;
  /**
   * Delay in milliseconds before the second try; each later delay is `factor` times the one before.
   * @default 500
   */
  minDelay?: number;
  /**
   * Upper bound in milliseconds of the computed backoff delay.
   * @default 30000
   */
  maxDelay?: number;
  /**
   * Growth factor of the delay between tries.
   * @default 2
   */
  factor?: number;
  /**
   * Full jitter: wait a random time between 0 and the computed delay, so that many clients that
   * failed together do not retry together.
   * @default true
   */
  jitter?: boolean;
  /** Cancels the retries: the returned promise rejects with the signal's reason at once, also mid-sleep. */
  signal?: AbortSignal;
  /**
   * Whether a failed try should be repeated. `attempt` is the number of the try that failed, from 1.
   * @default retries every error except an `AbortError` and a {@link SpotkitError} whose code starts
   * with `E_SETTINGS` (bad settings stay bad however often one tries)
   */
  shouldRetry?: (error: unknown, attempt: number) => boolean;
  /**
   * How long in milliseconds the server asked us to wait, for example from a `Retry-After` header
   * (see {@link retryAfterFromResponse}). When it returns a number, that wait replaces the backoff
   * delay, capped at five minutes.
   */
  retryAfter?: (error: unknown) => number | undefined;
  /** Called before each wait, for logging. `attempt` is the number of the try that failed. */
  onRetry?: (info: { error: unknown; attempt: number; delay: number }) => void;
  /**
   * Source of randomness for the jitter, returning a number in [0, 1). Meant for tests.
   * @default Math.random
   */
  random?: () => number;
  /**
   * Waits between tries. Meant for tests.
   * @default {@link sleep}
   */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Runs `operation` until it succeeds, waiting with exponential backoff and full jitter between
 * tries, and rethrows the last error once `attempts` tries have failed or `shouldRetry` says no.
 *
 * Aborting `signal` rejects the returned promise with the signal's reason at once, whether an
 * operation or a wait is in progress. A running operation is not stopped by that: give it the same
 * signal so that it stops too.
 *
 * @example
 * ```ts
 * const body = await retry(async () => {
 *   const response = await fetch(url, { signal });
 *   if (!response.ok) throw Object.assign(new Error(`HTTP ${response.status}`), { response });
 *   return response.json();
 * }, {
 *   signal,
 *   retryAfter: (error) => (error as { response?: Response }).response
 *     ? retryAfterFromResponse((error as { response: Response }).response)
 *     : undefined,
 * });
 * ```
 */
export async function retry<T>(
  operation: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const {
    attempts = 5,
    minDelay = 500,
    maxDelay = 30_000,
    factor = 2,
    jitter = true,
    signal,
    shouldRetry = isRetryableByDefault,
    retryAfter,
    onRetry,
    random = Math.random,
    sleep: wait = sleep,
  } = options;
  assertRetryOptions({ attempts, minDelay, maxDelay, factor });

  for (let attempt = 1; ; attempt++) {
    signal?.throwIfAborted();
    try {
      return await raceWithAbort(operation(attempt), signal);
    } catch (error) {
      // Once cancelled, the cancellation is the answer, whatever the operation failed with.
      signal?.throwIfAborted();
      if (attempt >= attempts || !shouldRetry(error, attempt)) {
        throw error;
      }
      const requested = retryAfter?.(error);
      const delay =
        requested !== undefined && Number.isFinite(requested) && requested >= 0
          ? Math.min(requested, maxServerDelay)
          : backoffDelay({ attempt, minDelay, maxDelay, factor, jitter, random });
      onRetry?.({ error, attempt, delay });
      await wait(delay, signal);
    }
  }
}

/**
 * Resolves after `ms` milliseconds. Aborting `signal` clears the timer and rejects with the
 * signal's reason at once.
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(
      () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      },
      Math.min(Math.max(0, ms), maxTimerDelay),
    );
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Reads a `Retry-After` value in milliseconds: either delay-seconds (`"120"`, also `"1.5"`, which
 * some servers send) or an HTTP date, taken relative to `now`. A date in the past gives 0.
 * Negative numbers, empty values and anything else return `undefined`.
 */
export function parseRetryAfter(
  value: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  const text = value?.trim();
  if (!text) {
    return undefined;
  }
  if (/^\d+(\.\d+)?$/.test(text)) {
    return Math.ceil(Number(text) * 1000);
  }
  const date = parseHttpDate(text);
  return date === undefined ? undefined : Math.max(0, date - now);
}

/**
 * The wait in milliseconds that a response's `Retry-After` header asks for (sent with 429, 503 and
 * redirects), or `undefined` when there is none or it cannot be read.
 */
export function retryAfterFromResponse(response: {
  status: number;
  headers: { get(name: string): string | null };
}): number | undefined {
  return parseRetryAfter(response.headers.get("retry-after"));
}

// --- internal ---

function isRetryableByDefault(error: unknown): boolean {
  if (SpotkitError.isInstance(error) && error.code.startsWith("E_SETTINGS")) {
    return false;
  }
  return !(error instanceof Error && error.name === "AbortError");
}

function backoffDelay(parameters: {
  attempt: number;
  minDelay: number;
  maxDelay: number;
  factor: number;
  jitter: boolean;
  random: () => number;
}): number {
  const { attempt, minDelay, maxDelay, factor, jitter, random } = parameters;
  const ceiling = Math.min(maxDelay, minDelay * factor ** (attempt - 1));
  if (!jitter) {
    return ceiling;
  }
  // Clamp so that a test double returning 1 (or more) still stays within the documented bounds.
  const fraction = Math.min(Math.max(random(), 0), 1);
  return Math.floor(fraction * ceiling);
}

function assertRetryOptions(options: {
  attempts: number;
  minDelay: number;
  maxDelay: number;
  factor: number;
}): void {
  const { attempts, minDelay, maxDelay, factor } = options;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new RangeError(`retry: 'attempts' must be a whole number of 1 or more, got ${attempts}.`);
  }
  if (!(minDelay >= 0) || !(maxDelay >= 0)) {
    throw new RangeError(
      `retry: 'minDelay' and 'maxDelay' must be 0 or more milliseconds, got ${minDelay} and ${maxDelay}.`,
    );
  }
  if (!(factor >= 1)) {
    throw new RangeError(`retry: 'factor' must be 1 or more, got ${factor}.`);
  }
}

/** Settles with `promise`, or rejects with the signal's reason as soon as it aborts. */
function raceWithAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) {
    return promise;
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener("abort", onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener("abort", onAbort);
        reject(error);
      },
    );
  });
}

const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * Parses the three HTTP date formats RFC 9110 §5.6.7 asks recipients to accept, strictly: a lenient
 * `Date.parse` would read text such as "soon 2020" as a date.
 */
function parseHttpDate(text: string): number | undefined {
  // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
  const fixdate =
    /^[A-Z][a-z]{2}, (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(text);
  if (fixdate) {
    const [, day, month, year, hour, minute, second] = fixdate;
    return utc(year, month, day, hour, minute, second);
  }
  // Obsolete RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"
  const rfc850 = /^[A-Z][a-z]+, (\d{2})-([A-Z][a-z]{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2}) GMT$/.exec(
    text,
  );
  if (rfc850) {
    const [, day, month, shortYear, hour, minute, second] = rfc850;
    // RFC 9110: a two-digit year more than 50 years in the future is in the past century.
    const currentYear = new Date().getUTCFullYear();
    let year = Math.floor(currentYear / 100) * 100 + Number(shortYear);
    if (year > currentYear + 50) {
      year -= 100;
    }
    return utc(String(year), month, day, hour, minute, second);
  }
  // Obsolete asctime: "Sun Nov  6 08:49:37 1994"
  const asctime = /^[A-Z][a-z]{2} ([A-Z][a-z]{2}) ([ \d]\d) (\d{2}):(\d{2}):(\d{2}) (\d{4})$/.exec(
    text,
  );
  if (asctime) {
    const [, month, day, hour, minute, second, year] = asctime;
    return utc(year, month, day?.trim(), hour, minute, second);
  }
  return undefined;
}

function utc(...parts: (string | undefined)[]): number | undefined {
  const [year, monthName, day, hour, minute, second] = parts.map((part) => part ?? "");
  const fields = [year, months.indexOf(monthName ?? ""), day, hour, minute, second].map(Number);
  const [y = 0, m = 0, d = 0, h = 0, min = 0, s = 0] = fields;
  if (m < 0) {
    return undefined;
  }
  const time = Date.UTC(y, m, d, h, min, s);
  // Date.UTC rolls "31 Feb" or "25:00" over into the next unit; such a date is garbage, not a date.
  const check = new Date(time);
  const roundTrip = [
    check.getUTCMonth(),
    check.getUTCDate(),
    check.getUTCHours(),
    check.getUTCMinutes(),
    check.getUTCSeconds(),
  ];
  return roundTrip.every((value, index) => value === [m, d, h, min, s][index]) ? time : undefined;
}
