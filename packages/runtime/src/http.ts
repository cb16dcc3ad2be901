import type { Dispatcher, fetch as undiciFetch } from "undici";

/** undici, loaded on the first request. */
type Undici = typeof import("undici");

/**
 * undici is loaded when the first request is made, not when the plugin starts: setting it up costs
 * about 0.1 s of start-up, which plugins that make no HTTP request through it (storage plugins go
 * through their SDKs) should not pay.
 */
let undiciModule: Promise<Undici> | undefined;
const loadUndici = (): Promise<Undici> => {
  undiciModule ??= import("undici");
  return undiciModule;
};

/** Default of {@link HttpOptions.timeout}: 30 s. */
const defaultTimeout = 30_000;

/** How the `fetch` made by {@link createFetch} reaches servers. */
export interface HttpOptions {
  /**
   * The environment to read the proxy variables from: `http_proxy`/`HTTP_PROXY`,
   * `https_proxy`/`HTTPS_PROXY` and `no_proxy`/`NO_PROXY`. The lower-case spelling wins when both
   * are set and not empty, as with curl, wget and undici; an empty value counts as unset.
   */
  env: Record<string, string | undefined>;
  /**
   * Accept any TLS certificate, from servers and from https proxies. Only for self-signed test
   * setups; to trust a private CA, set `NODE_EXTRA_CA_CERTS` in the process environment instead.
   * @default false
   */
  skipVerify?: boolean;
  /**
   * Milliseconds to wait for a response's headers, from sending the request. A slow body is not cut
   * off by it; pass an `AbortSignal` for an overall limit.
   * @default 30000
   */
  timeout?: number;
}

/**
 * Creates a `fetch` that honours the proxy variables of `options.env` (never `process.env`) and the
 * TLS and timeout options.
 *
 * Proxy rules, those of undici's `EnvHttpProxyAgent`:
 * - `http://` URLs go through `HTTP_PROXY`, sent in absolute form (`GET http://host/path`) as curl
 *   does; `https://` URLs go through `HTTPS_PROXY`, or `HTTP_PROXY` when it is unset, in a CONNECT
 *   tunnel.
 * - `NO_PROXY` is a comma- or space-separated list of hosts (`example.com` also covers its
 *   subdomains; `.example.com` and `*.example.com` mean the same), optionally with a port
 *   (`registry:5000`), or `*` for no proxy at all. IP ranges (CIDR) are not understood.
 * - Credentials in the proxy URL (`http://user:password@proxy:3128`) are sent as Basic auth.
 *
 * A `dispatcher` passed in a call's `init` replaces this one for that call. Certificates from
 * `NODE_EXTRA_CA_CERTS` are trusted, as that variable acts on the whole process.
 *
 * The function is undici's `fetch`, so it returns undici's `Response`; `Request` objects made with
 * the global `Request` class (as openapi-fetch makes them) are accepted too.
 *
 * @example
 * ```ts
 * const fetch = createFetch({ env, skipVerify: settings.skipVerify });
 * const response = await fetch(webhookUrl, { method: "POST", body, signal });
 * ```
 */
export function createFetch(options: HttpOptions): typeof globalThis.fetch {
  let dispatcher: Dispatcher | undefined;
  const fetchThroughDispatcher = async (input: unknown, init?: Record<string, unknown>) => {
    const undici = await loadUndici();
    dispatcher ??= createDispatcher(undici, options);
    return undici.fetch(toUndiciInput(undici, input), {
      dispatcher,
      ...init,
    } as Parameters<typeof undiciFetch>[1]);
  };
  // undici's classes match the global ones in behaviour, but TypeScript sees two distinct types.
  return fetchThroughDispatcher as unknown as typeof globalThis.fetch;
}

// --- internal ---

function createDispatcher(undici: Undici, options: HttpOptions): Dispatcher {
  const { Client, EnvHttpProxyAgent, Pool } = undici;
  const { env, skipVerify = false, timeout = defaultTimeout } = options;
  const tls = { rejectUnauthorized: !skipVerify };
  return new EnvHttpProxyAgent({
    // Empty strings rather than undefined: given undefined, undici falls back to process.env.
    httpProxy: readVariable(env, "http_proxy"),
    httpsProxy: readVariable(env, "https_proxy"),
    noProxy: readVariable(env, "no_proxy"),
    // Direct connections.
    connect: tls,
    // The target's TLS inside a CONNECT tunnel.
    requestTls: tls,
    // The TLS of an https:// proxy itself.
    proxyTls: tls,
    // Plain-http targets in absolute form, as curl sends them; some proxies refuse CONNECT to port 80.
    proxyTunnel: false,
    headersTimeout: timeout,
    // undici creates the connection pool for un-tunnelled proxy requests with its own defaults;
    // this factory carries the headers timeout there too.
    factory: (origin, factoryOptions) => {
      const poolOptions = { ...factoryOptions, headersTimeout: timeout };
      return (factoryOptions as { connections?: number | null }).connections === 1
        ? new Client(origin, poolOptions)
        : new Pool(origin, poolOptions);
    },
  });
}

/** The lower-case spelling of a variable if it has a value, else the upper-case one, else "". */
function readVariable(env: Record<string, string | undefined>, lowerCaseName: string): string {
  return env[lowerCaseName] || env[lowerCaseName.toUpperCase()] || "";
}

/**
 * undici's `fetch` only recognises its own `Request` class and would read any other as the URL
 * "[object Request]"; rebuild such a request as an undici one.
 */
function toUndiciInput(undici: Undici, input: unknown): Parameters<typeof undiciFetch>[0] {
  const UndiciRequest = undici.Request;
  if (
    input instanceof UndiciRequest ||
    typeof input !== "object" ||
    input === null ||
    !("url" in input) ||
    typeof input.url !== "string"
  ) {
    return input as Parameters<typeof undiciFetch>[0];
  }
  return new UndiciRequest(input.url, input as ConstructorParameters<typeof UndiciRequest>[1]);
}
