import {
  Agent,
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo } from "node:net";
import { createFaultRules, type FaultAction, type FaultRules } from "./fault-rule.js";
import { TestPeerError } from "./test-peer-error.js";

/** Options of {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /**
   * The server to forward to, on the loopback interface: `http://127.0.0.1:<port>`, optionally
   * with a path (an Azure account URL); the proxy's `endpoint` then has the same path.
   */
  target: string;
}

/** What went through a proxy since it started or since `resetStats()`. */
export interface FaultProxyStats {
  /** Requests received from clients, faulted or not. */
  requests: number;
  /** Requests received, by HTTP method (`{ PUT: 12, GET: 3 }`). */
  requestsByMethod: Record<string, number>;
  /** Request-body bytes received from clients. */
  requestBytes: number;
  /** Response-body bytes sent to clients. */
  responseBytes: number;
  /** Requests a fault rule acted on. */
  faultsApplied: number;
}

/** A reverse proxy on 127.0.0.1 that forwards to one server and injects faults on request. */
export interface FaultProxy {
  /** The target's URL with the proxy's origin: point clients here instead of at the target. */
  endpoint: string;
  /** `http://127.0.0.1:<port>` of the proxy. */
  origin: string;
  /** The rules deciding which requests get which fault; empty at start (everything passes). */
  faults: FaultRules;
  /** A snapshot of the counters. */
  readonly stats: FaultProxyStats;
  /** Sets every counter back to zero. */
  resetStats(): void;
  /** Closes the listener and every open connection. */
  stop(): Promise<void>;
}

/** Headers that describe one connection, not the message; the proxy has its own connections. */
const hopByHopHeaders = new Set([
  "connection",
  "keep-alive",
  "proxy-connection",
  "proxy-authenticate",
  "proxy-authorization",
  "upgrade",
  "te",
  "trailer",
]);

/** Messages S3 sends with these error codes. */
const s3ErrorMessages = {
  SlowDown: "Please reduce your request rate.",
  InternalError: "We encountered an internal error. Please try again.",
  ServiceUnavailable: "Service is unable to handle request.",
} as const;

/**
 * Starts a reverse proxy on 127.0.0.1 that forwards every request to `target`, streaming both ways
 * and keeping the headers as sent — including `Host`, so a client that signs requests (SigV4,
 * which signs `Host`) is pointed at the proxy's `endpoint` and signs for it, and the target checks
 * the signature against the same `Host`. Rules added with `faults.add` replace, cut or delay the
 * requests they match.
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const target = parseTarget(options.target);
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const rules = createFaultRules();
  let stats = emptyStats();
  let requestCounter = 0;

  const server = createServer((request, response) => {
    requestCounter += 1;
    const method = request.method ?? "GET";
    stats.requests += 1;
    stats.requestsByMethod[method] = (stats.requestsByMethod[method] ?? 0) + 1;
    const rawUrl = request.url ?? "/";
    const queryStart = rawUrl.indexOf("?");
    const action = rules.take({
      method,
      path: queryStart === -1 ? rawUrl : rawUrl.slice(0, queryStart),
      query: queryStart === -1 ? "" : rawUrl.slice(queryStart + 1),
    });
    if (action !== undefined) {
      stats.faultsApplied += 1;
    }
    const context: ExchangeContext = {
      request,
      response,
      target,
      agent,
      countRequestBytes: (count) => {
        stats.requestBytes += count;
      },
      countResponseBytes: (count) => {
        stats.responseBytes += count;
      },
    };
    applyAction(context, action, `fault-proxy-${requestCounter}`);
  });
  // Clients (the AWS SDK) keep connections open between requests; so do we.
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0 }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  let stopping: Promise<void> | undefined;
  return {
    endpoint: `${origin}${target.path === "/" ? "" : target.path}`,
    origin,
    faults: {
      add: (rule) => rules.add(rule),
      clear: () => rules.clear(),
      get pending() {
        return rules.pending;
      },
    },
    get stats() {
      return { ...stats, requestsByMethod: { ...stats.requestsByMethod } };
    },
    resetStats() {
      stats = emptyStats();
    },
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      });
      return stopping;
    },
  };
}

interface ParsedTarget {
  hostname: string;
  port: number;
  path: string;
}

interface ExchangeContext {
  request: IncomingMessage;
  response: ServerResponse;
  target: ParsedTarget;
  agent: Agent;
  countRequestBytes(count: number): void;
  countResponseBytes(count: number): void;
}

function parseTarget(text: string): ParsedTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new TestPeerError(
      "E_PEER_CONFIG",
      `target must be a URL such as http://127.0.0.1:9000, not "${text}"`,
    );
  }
  if (url.protocol !== "http:") {
    throw new TestPeerError("E_PEER_CONFIG", `target must be an http:// URL, not "${text}"`);
  }
  // Tests send traffic to loopback only; refuse anything that could leave the machine.
  if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname)) {
    throw new TestPeerError(
      "E_PEER_CONFIG",
      `target must be on 127.0.0.1 (or localhost), not "${url.hostname}"`,
    );
  }
  return {
    hostname: url.hostname === "[::1]" ? "::1" : url.hostname,
    port: url.port === "" ? 80 : Number(url.port),
    path: url.pathname.replace(/\/+$/, "") || "/",
  };
}

function emptyStats(): FaultProxyStats {
  return { requests: 0, requestsByMethod: {}, requestBytes: 0, responseBytes: 0, faultsApplied: 0 };
}

function applyAction(context: ExchangeContext, action: FaultAction | undefined, requestId: string) {
  switch (action?.type) {
    case undefined:
      forward(context, {});
      return;
    case "status":
      answerWithoutForwarding(context, action.status, action.headers ?? {}, action.body ?? "");
      return;
    case "s3-error": {
      const path = (context.request.url ?? "/").split("?")[0] ?? "/";
      const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${action.code}</Code><Message>${s3ErrorMessages[action.code]}</Message><Resource>${escapeXml(path)}</Resource><RequestId>${requestId}</RequestId></Error>`;
      answerWithoutForwarding(
        context,
        action.status,
        { "content-type": "application/xml", "x-amz-request-id": requestId },
        body,
      );
      return;
    }
    case "drop-request":
      forward(context, { dropRequestAfter: action.afterBytes });
      return;
    case "drop-response":
      forward(context, { dropResponseAfter: action.afterBytes });
      return;
    case "delay": {
      const timer = setTimeout(() => forward(context, {}), action.ms);
      // A client that gave up during the delay gets nothing forwarded.
      context.response.once("close", () => clearTimeout(timer));
      return;
    }
  }
}

/** Reads (and discards) the request body, then answers; like a server that rejects a request. */
function answerWithoutForwarding(
  context: ExchangeContext,
  status: number,
  headers: Record<string, string>,
  body: string,
) {
  const { request, response } = context;
  request.on("data", (chunk: Buffer) => context.countRequestBytes(chunk.length));
  request.once("end", () => {
    const bytes = Buffer.from(body);
    response.writeHead(status, { ...headers, "content-length": String(bytes.length) });
    response.end(request.method === "HEAD" ? undefined : bytes);
    context.countResponseBytes(request.method === "HEAD" ? 0 : bytes.length);
  });
}

interface ForwardMode {
  dropRequestAfter?: number;
  dropResponseAfter?: number;
}

function forward(context: ExchangeContext, mode: ForwardMode) {
  const { request, response, target } = context;
  if (response.destroyed) {
    return;
  }
  const upstream = httpRequest({
    host: target.hostname,
    port: target.port,
    method: request.method,
    path: request.url,
    headers: withoutHopByHop(request.rawHeaders, ["expect"]),
    agent: context.agent,
    setHost: false,
  });
  const destroyBoth = () => {
    upstream.destroy();
    request.socket.destroy();
  };
  // The client went away: stop talking to the target too.
  response.once("close", () => {
    if (!response.writableFinished) {
      upstream.destroy();
    }
  });

  let forwardedBytes = 0;
  let dropped = false;
  const limit = mode.dropRequestAfter;
  request.on("data", (chunk: Buffer) => {
    if (dropped) {
      return;
    }
    context.countRequestBytes(chunk.length);
    if (limit !== undefined && forwardedBytes + chunk.length >= limit) {
      dropped = true;
      const part = chunk.subarray(0, limit - forwardedBytes);
      forwardedBytes = limit;
      if (part.length > 0) {
        // Destroy only once the part has left, so the target really sees a cut-off body.
        upstream.write(part, destroyBoth);
      } else {
        destroyBoth();
      }
      return;
    }
    forwardedBytes += chunk.length;
    if (!upstream.write(chunk)) {
      request.pause();
      upstream.once("drain", () => request.resume());
    }
  });
  request.once("end", () => {
    if (dropped) {
      return;
    }
    if (limit !== undefined) {
      // The whole body was shorter than the limit: the cut happens before the request completes.
      dropped = true;
      upstream.flushHeaders();
      setImmediate(destroyBoth);
      return;
    }
    upstream.end();
  });

  upstream.once("response", (upstreamResponse) => {
    if (mode.dropResponseAfter !== undefined) {
      dropResponse(context, upstreamResponse, mode.dropResponseAfter);
      return;
    }
    response.writeHead(
      upstreamResponse.statusCode ?? 502,
      upstreamResponse.statusMessage,
      withoutHopByHop(upstreamResponse.rawHeaders, []),
    );
    upstreamResponse.on("data", (chunk: Buffer) => {
      context.countResponseBytes(chunk.length);
      if (!response.write(chunk)) {
        upstreamResponse.pause();
        response.once("drain", () => upstreamResponse.resume());
      }
    });
    upstreamResponse.once("end", () => response.end());
    upstreamResponse.once("close", () => {
      // The target cut its response short: cut ours too, so the client notices.
      if (!upstreamResponse.complete) {
        response.destroy();
      }
    });
  });
  upstream.once("error", (error) => {
    if (dropped || response.destroyed) {
      return;
    }
    if (response.headersSent) {
      response.destroy();
      return;
    }
    const body = `fault proxy: cannot reach the target: ${error.message}\n`;
    response.writeHead(502, {
      "content-type": "text/plain",
      "content-length": String(Buffer.byteLength(body)),
    });
    response.end(body);
  });
}

function dropResponse(
  context: ExchangeContext,
  upstreamResponse: IncomingMessage,
  afterBytes: number,
) {
  const { request, response } = context;
  const destroyClient = () => {
    upstreamResponse.destroy();
    response.socket?.destroy();
    response.destroy();
  };
  const status = upstreamResponse.statusCode ?? 502;
  const lengthHeader = upstreamResponse.headers["content-length"];
  const length = lengthHeader === undefined ? undefined : Number(lengthHeader);
  const hasNoBody = request.method === "HEAD" || status === 204 || status === 304 || length === 0;
  if (hasNoBody) {
    // Headers alone would be a complete response: drop before the status line.
    destroyClient();
    return;
  }
  // Never the whole body: a complete response would not be a dropped one.
  const budget = length === undefined ? afterBytes : Math.min(afterBytes, length - 1);
  response.writeHead(
    status,
    upstreamResponse.statusMessage,
    withoutHopByHop(upstreamResponse.rawHeaders, []),
  );
  if (budget === 0) {
    response.flushHeaders();
    setImmediate(destroyClient);
    return;
  }
  let sent = 0;
  let done = false;
  upstreamResponse.on("data", (chunk: Buffer) => {
    if (done) {
      return;
    }
    const part = chunk.subarray(0, budget - sent);
    sent += part.length;
    context.countResponseBytes(part.length);
    if (sent >= budget) {
      done = true;
      response.write(part, destroyClient);
    } else {
      response.write(part);
    }
  });
  upstreamResponse.once("end", () => {
    if (!done) {
      done = true;
      destroyClient();
    }
  });
}

/** Raw headers (`[name, value, name, value…]`) without hop-by-hop ones and `extra` names. */
function withoutHopByHop(rawHeaders: readonly string[], extra: readonly string[]): string[] {
  const kept: string[] = [];
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    const name = rawHeaders[index] as string;
    const lower = name.toLowerCase();
    if (!hopByHopHeaders.has(lower) && !extra.includes(lower)) {
      kept.push(name, rawHeaders[index + 1] as string);
    }
  }
  return kept;
}

function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (character) => `&#${character.charCodeAt(0)};`);
}
