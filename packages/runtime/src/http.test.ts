import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import { type AddressInfo, connect as netConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Agent } from "undici";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createFetch } from "./http.js";

/** What the test proxy was asked to do, in order. */
const proxyLog: string[] = [];

let target: Server;
let targetUrl: string;
let proxy: Server;
let proxyUrl: string;
let secureTarget: Server;
let secureUrl: string;
/** A port that nothing listens on: a proxy there would make every request fail. */
let deadProxyUrl: string;
let certificateFolder: string;

/** Answers with how the request arrived; `/hang` never answers. */
function handleTarget(request: IncomingMessage, response: import("node:http").ServerResponse) {
  if (request.url === "/hang") {
    return;
  }
  let body = "";
  request.setEncoding("utf8");
  request.on("data", (chunk: string) => {
    body += chunk;
  });
  request.on("end", () => {
    response.setHeader("content-type", "application/json");
    response.end(
      JSON.stringify({
        method: request.method,
        path: request.url,
        body,
        test: request.headers["x-test"],
      }),
    );
  });
}

/**
 * A minimal forward proxy: absolute-form requests for http targets, CONNECT tunnels for https.
 * It only ever connects to 127.0.0.1.
 */
function createTestProxy(): Server {
  const server = createServer((request, response) => {
    proxyLog.push(`${request.method} ${request.url}`);
    const url = new URL(request.url ?? "");
    if (url.hostname !== "127.0.0.1") {
      response.writeHead(403).end();
      return;
    }
    const upstream = httpRequest(
      {
        host: "127.0.0.1",
        port: url.port,
        path: `${url.pathname}${url.search}`,
        method: request.method,
        headers: request.headers,
      },
      (upstreamResponse) => {
        response.writeHead(upstreamResponse.statusCode ?? 502, {
          ...upstreamResponse.headers,
          "x-proxied-by": "test-proxy",
        });
        upstreamResponse.pipe(response);
      },
    );
    upstream.on("error", () => response.destroy());
    request.pipe(upstream);
  });
  server.on("connect", (request: IncomingMessage, socket, head) => {
    proxyLog.push(`CONNECT ${request.url}`);
    const [host, port] = (request.url ?? "").split(":");
    if (host !== "127.0.0.1") {
      socket.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    const upstream = netConnect(Number(port), "127.0.0.1", () => {
      socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    upstream.on("error", () => socket.destroy());
    socket.on("error", () => upstream.destroy());
  });
  return server;
}

async function listen(server: Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

async function stop(server: Server | undefined): Promise<void> {
  if (!server) return;
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

beforeAll(async () => {
  target = createServer(handleTarget);
  targetUrl = `http://127.0.0.1:${await listen(target)}`;
  proxy = createTestProxy();
  proxyUrl = `http://127.0.0.1:${await listen(proxy)}`;

  const unused = createServer();
  deadProxyUrl = `http://127.0.0.1:${await listen(unused)}`;
  await stop(unused);

  certificateFolder = mkdtempSync(join(tmpdir(), "spotkit-http-"));
  const key = join(certificateFolder, "key.pem");
  const certificate = join(certificateFolder, "certificate.pem");
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "1",
      "-keyout",
      key,
      "-out",
      certificate,
      "-subj",
      "/CN=127.0.0.1",
      "-addext",
      "subjectAltName=IP:127.0.0.1",
    ],
    { stdio: "ignore", timeout: 20_000 },
  );
  secureTarget = createHttpsServer(
    { key: readFileSync(key), cert: readFileSync(certificate) },
    handleTarget,
  );
  secureUrl = `https://127.0.0.1:${await listen(secureTarget)}`;
});

afterAll(async () => {
  await Promise.all([stop(target), stop(proxy), stop(secureTarget)]);
  if (certificateFolder) rmSync(certificateFolder, { recursive: true, force: true });
});

beforeEach(() => {
  proxyLog.length = 0;
});

describe("createFetch", () => {
  it("connects directly without proxy variables", async () => {
    const fetch = createFetch({ env: {} });
    const response = await fetch(`${targetUrl}/direct`);
    expect(await response.json()).toMatchObject({ method: "GET", path: "/direct" });
    expect(response.headers.get("x-proxied-by")).toBeNull();
    expect(proxyLog).toEqual([]);
  });

  it("sends http requests through HTTP_PROXY in absolute form", async () => {
    const fetch = createFetch({ env: { HTTP_PROXY: proxyUrl } });
    const response = await fetch(`${targetUrl}/through?x=1`, {
      method: "POST",
      body: "payload",
      headers: { "x-test": "kept" },
    });
    expect(response.headers.get("x-proxied-by")).toBe("test-proxy");
    expect(await response.json()).toEqual({
      method: "POST",
      path: "/through?x=1",
      body: "payload",
      test: "kept",
    });
    expect(proxyLog).toEqual([`POST ${targetUrl}/through?x=1`]);
  });

  it("prefers the lower-case spelling of a proxy variable", async () => {
    const fetch = createFetch({ env: { http_proxy: proxyUrl, HTTP_PROXY: deadProxyUrl } });
    const response = await fetch(`${targetUrl}/lower`);
    expect(response.headers.get("x-proxied-by")).toBe("test-proxy");
    expect(proxyLog).toEqual([`GET ${targetUrl}/lower`]);
  });

  it("treats an empty lower-case variable as unset", async () => {
    const fetch = createFetch({ env: { http_proxy: "", HTTP_PROXY: proxyUrl } });
    const response = await fetch(`${targetUrl}/empty`);
    expect(response.headers.get("x-proxied-by")).toBe("test-proxy");
  });

  it.each([
    ["NO_PROXY", "127.0.0.1"],
    ["no_proxy", "example.test, 127.0.0.1"],
    ["NO_PROXY", "*"],
  ])("bypasses the proxy for a host listed in %s=%j", async (name, value) => {
    const fetch = createFetch({ env: { HTTP_PROXY: deadProxyUrl, [name]: value } });
    const response = await fetch(`${targetUrl}/bypass`);
    expect(await response.json()).toMatchObject({ path: "/bypass" });
    expect(response.headers.get("x-proxied-by")).toBeNull();
  });

  it("uses the proxy when NO_PROXY names the host with another port", async () => {
    const fetch = createFetch({ env: { HTTP_PROXY: proxyUrl, NO_PROXY: "127.0.0.1:1" } });
    const response = await fetch(`${targetUrl}/other-port`);
    expect(response.headers.get("x-proxied-by")).toBe("test-proxy");
  });

  it("never reads process.env, even where undici would", async () => {
    const saved = process.env.HTTP_PROXY;
    process.env.HTTP_PROXY = deadProxyUrl;
    try {
      const fetch = createFetch({ env: {} });
      const response = await fetch(`${targetUrl}/ignores-process-env`);
      expect(response.status).toBe(200);
    } finally {
      if (saved === undefined) delete process.env.HTTP_PROXY;
      else process.env.HTTP_PROXY = saved;
    }
  });

  it("lets a per-call dispatcher win over the proxy", async () => {
    const fetch = createFetch({ env: { HTTP_PROXY: deadProxyUrl } });
    const dispatcher = new Agent();
    try {
      const response = await fetch(`${targetUrl}/own-dispatcher`, { dispatcher } as RequestInit);
      expect(await response.json()).toMatchObject({ path: "/own-dispatcher" });
    } finally {
      await dispatcher.close();
    }
  });

  it("rejects a self-signed certificate unless skipVerify is set", async () => {
    const error = await createFetch({ env: {} })(`${secureUrl}/tls`).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect((error as { cause?: { code?: string } }).cause?.code).toBe(
      "DEPTH_ZERO_SELF_SIGNED_CERT",
    );

    const response = await createFetch({ env: {}, skipVerify: true })(`${secureUrl}/tls`);
    expect(await response.json()).toMatchObject({ path: "/tls" });
  });

  it("tunnels https through the proxy with CONNECT, verifying the target unless skipVerify", async () => {
    const env = { HTTPS_PROXY: proxyUrl };
    const error = await createFetch({ env })(`${secureUrl}/tunnel`).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(TypeError);
    expect(proxyLog).toEqual([`CONNECT ${new URL(secureUrl).host}`]);

    const response = await createFetch({ env, skipVerify: true })(`${secureUrl}/tunnel`);
    expect(await response.json()).toMatchObject({ path: "/tunnel" });
    expect(proxyLog).toEqual([
      `CONNECT ${new URL(secureUrl).host}`,
      `CONNECT ${new URL(secureUrl).host}`,
    ]);
  });

  it("fails when the headers do not arrive within the timeout, directly and through a proxy", async () => {
    for (const env of [{}, { HTTP_PROXY: proxyUrl }]) {
      const fetch = createFetch({ env, timeout: 200 });
      const error = await fetch(`${targetUrl}/hang`).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(TypeError);
      expect((error as { cause?: { code?: string } }).cause?.code).toBe("UND_ERR_HEADERS_TIMEOUT");
    }
    expect(proxyLog).toEqual([`GET ${targetUrl}/hang`]);
  });

  it("accepts a Request made with the global Request class", async () => {
    const fetch = createFetch({ env: { HTTP_PROXY: proxyUrl } });
    const request = new Request(`${targetUrl}/global-request`, {
      method: "PUT",
      body: "from a global Request",
      headers: { "x-test": "global" },
    });
    const response = await fetch(request);
    expect(await response.json()).toEqual({
      method: "PUT",
      path: "/global-request",
      body: "from a global Request",
      test: "global",
    });
    expect(proxyLog).toEqual([`PUT ${targetUrl}/global-request`]);
  });

  it("accepts a URL object", async () => {
    const fetch = createFetch({ env: {} });
    const response = await fetch(new URL(`${targetUrl}/url-object`));
    expect(await response.json()).toMatchObject({ path: "/url-object" });
  });
});
