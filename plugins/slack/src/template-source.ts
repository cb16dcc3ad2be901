import { readFile, stat } from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { TemplateError, type TemplateSetting } from "./template-error.js";

/** Where {@link readTemplateSource} looks and how it fetches. */
export interface ReadTemplateSourceOptions {
  /** The setting the value comes from, named in errors. */
  setting: TemplateSetting;
  /** Relative file paths are resolved against this folder (the step's working directory). */
  cwd: string;
  /** The fetch used for http(s) URLs (the runtime's proxy-aware one). */
  fetch: typeof globalThis.fetch;
  /** Cancels a download. */
  signal?: AbortSignal;
  /**
   * How long a download may take, in milliseconds.
   * @default 30000
   */
  timeout?: number;
}

/** The default limit for downloading a template. */
export const defaultTemplateTimeout = 30_000;

/**
 * Resolves a `template` or `fallback` value to the template text, the way drone-slack's
 * `contents()` does:
 *
 * - an `http://` or `https://` URL is downloaded (unlike Go, with a timeout, and an error for a
 *   non-2xx status instead of rendering the error page);
 * - a `file://` URL is read and must exist (`file:///abs/path`, or `file://relative/path` against `cwd`);
 * - text naming an existing file (relative to `cwd`) is read from that file;
 * - anything else is the template itself.
 *
 * @throws {TemplateError} with code `E_SLACK_TEMPLATE_SOURCE` naming the setting.
 */
export async function readTemplateSource(
  value: string,
  options: ReadTemplateSourceOptions,
): Promise<string> {
  if (isHttpUrl(value)) return download(new URL(value), options);
  if (value.startsWith("file://")) {
    const path = value.startsWith("file:///")
      ? fileURLToPath(value)
      : resolve(options.cwd, value.slice(7));
    return readTemplateFile(path, options.setting);
  }
  const path = resolve(options.cwd, value);
  if (!value.includes("\n") && (await isFile(path))) return readTemplateFile(path, options.setting);
  return value;
}

// Go only fetches when url.Parse accepts the whole value, which it does not when the text contains
// spaces; so "https://example.com is down: {{build.status}}" stays an inline template.
function isHttpUrl(value: string): boolean {
  return /^https?:\/\/\S+$/i.test(value) && URL.canParse(value);
}

async function isFile(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isFile();
  } catch {
    // Not a path at all (too long, no such file): the value is an inline template.
    return false;
  }
}

async function readTemplateFile(path: string, setting: TemplateSetting): Promise<string> {
  try {
    return await readFile(path, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new TemplateError(
      "E_SLACK_TEMPLATE_SOURCE",
      setting,
      `${setting}: could not read the template file ${path} (${reason}); check the path, which is relative to the step's working directory`,
      { cause: error },
    );
  }
}

async function download(url: URL, options: ReadTemplateSourceOptions): Promise<string> {
  // Query strings may carry tokens; errors show only where the template was expected.
  const shown = `${url.origin}${url.pathname}`;
  const timeout = options.timeout ?? defaultTemplateTimeout;
  const signals = [AbortSignal.timeout(timeout), ...(options.signal ? [options.signal] : [])];
  let response: Response;
  try {
    response = await options.fetch(url, { signal: AbortSignal.any(signals), redirect: "follow" });
  } catch (error) {
    options.signal?.throwIfAborted();
    const reason =
      error instanceof Error && error.name === "TimeoutError"
        ? `no answer within ${timeout / 1000} s`
        : describeFetchError(error);
    throw new TemplateError(
      "E_SLACK_TEMPLATE_SOURCE",
      options.setting,
      `${options.setting}: could not download the template from ${shown}: ${reason}`,
      { cause: error },
    );
  }
  if (!response.ok) {
    await response.body?.cancel();
    throw new TemplateError(
      "E_SLACK_TEMPLATE_SOURCE",
      options.setting,
      `${options.setting}: could not download the template from ${shown}: HTTP ${response.status} ${response.statusText}`.trimEnd(),
    );
  }
  return response.text();
}

function describeFetchError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Node's fetch says only "fetch failed"; the reason (ECONNREFUSED, ENOTFOUND) is in the cause.
  const cause = error.cause as { code?: string; message?: string } | undefined;
  return cause?.code ?? cause?.message ?? error.message;
}
