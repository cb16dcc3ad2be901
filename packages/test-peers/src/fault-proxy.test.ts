import { createHash } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type FaultProxy, startFaultProxy } from "./fault-proxy.js";
import { TestPeerError } from "./test-peer-error.js";

/** What the target server saw of one request. */
interface SeenRequest {
  method: string;
  url: string;
  host: string | undefined;
  receivedBytes: number;
  complete: boolean;
}

/** Deterministic bytes, so both ends can compare without sending the expectation. */
function pattern(size: number): Buffer {
  const data = Buffer.alloc(size);
  for (let index = 0; index < size; index += 1) {
    data[index] = (index * 7 + 3) % 251;
  }
  return data;
}

function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/**
 * A plain local HTTP server: `GET /data?size=N` sends N bytes with a Content-Length,
 * `GET /chunked?size=N` sends them chunked, `GET /empty` sends nothing, anything else reads the
 * body and answers its size and hash as JSON.
 */
async function startTarget(): Promise<{ server: Server; url: string; seen: SeenRequest[] }> {
  const seen: SeenRequest[] = [];
  const server = createServer((request, response) => {
    const entry: SeenRequest = {
      method: request.method ?? "",
      url: request.url ?? "",
      host: request.headers.host,
      receivedBytes: 0,
      complete: false,
    };
    seen.push(entry);
    const url = new URL(request.url ?? "/", "http://target");
    const size = Number(url.searchParams.get("size") ?? "0");
    const hash = createHash("sha256");
    request.on("data", (chunk: Buffer) => {
      entry.receivedBytes += chunk.length;
      hash.update(chunk);
    });
    request.once("end", () => {
      entry.complete = true;
      if (url.pathname === "/data") {
        response.writeHead(200, { "content-length": String(size), "x-target": "yes" });
        response.end(pattern(size));
      } else if (url.pathname === "/chunked") {
        response.writeHead(200, { "content-type": "application/octet-stream" });
        const data = pattern(size);
        for (let offset = 0; offset < size; offset += 1000) {
          response.write(data.subarray(offset, offset + 1000));
        }
        response.end();
      } else if (url.pathname === "/empty") {
        response.writeHead(204);
        response.end();
      } else {
        const body = JSON.stringify({
          bytes: entry.receivedBytes,
          sha256: hash.digest("hex"),
          host: request.headers.host,
          query: url.search,
        });
        response.writeHead(200, { "content-type": "application/json", "x-target": "yes" });
        response.end(body);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
  const { port } = server.address() as AddressInfo;
  return { server, url: `http://127.0.0.1:${port}`, seen };
}

describe("fault proxy", () => {
  let target: Awaited<ReturnType<typeof startTarget>>;
  let proxy: FaultProxy;

  beforeAll(async () => {
    target = await startTarget();
    proxy = await startFaultProxy({ target: target.url });
  });

  afterEach(() => {
    proxy.faults.clear();
    proxy.resetStats();
    target.seen.length = 0;
  });

  afterAll(async () => {
    await proxy?.stop();
    target.server.closeAllConnections();
    await new Promise((resolve) => target.server.close(resolve));
  });

  it("forwards requests and responses unchanged, streaming both ways, and counts them", async () => {
    const upload = pattern(10 * 1024 * 1024);
    const put = await fetch(`${proxy.endpoint}/object?a=1&b=two`, { method: "PUT", body: upload });
    expect(put.status).toBe(200);
    expect(put.headers.get("x-target")).toBe("yes");
    const echoed = (await put.json()) as {
      bytes: number;
      sha256: string;
      host: string;
      query: string;
    };
    expect(echoed).toEqual({
      bytes: upload.length,
      sha256: sha256(upload),
      // The target sees the Host the client sent (the proxy's address), as SigV4 requires.
      host: new URL(proxy.origin).host,
      query: "?a=1&b=two",
    });

    const get = await fetch(`${proxy.endpoint}/data?size=5000000`);
    expect(get.headers.get("content-length")).toBe("5000000");
    expect(sha256(Buffer.from(await get.arrayBuffer()))).toBe(sha256(pattern(5_000_000)));
    const chunked = await fetch(`${proxy.endpoint}/chunked?size=123456`);
    expect(Buffer.from(await chunked.arrayBuffer()).equals(pattern(123_456))).toBe(true);
    const head = await fetch(`${proxy.endpoint}/data?size=10`, { method: "HEAD" });
    expect(head.status).toBe(200);

    expect(proxy.stats).toEqual({
      requests: 4,
      requestsByMethod: { PUT: 1, GET: 2, HEAD: 1 },
      requestBytes: upload.length,
      responseBytes: Buffer.byteLength(JSON.stringify(echoed)) + 5_000_000 + 123_456,
      faultsApplied: 0,
    });
    proxy.resetStats();
    expect(proxy.stats.requests).toBe(0);
  });

  it("answers a status fault without forwarding, for `times` matching requests", async () => {
    const rule = proxy.faults.add({
      match: { method: "put", path: /^\/object$/ },
      times: 2,
      action: { type: "status", status: 503, body: "busy", headers: { "retry-after": "1" } },
    });
    const first = await fetch(`${proxy.endpoint}/object`, { method: "PUT", body: "one" });
    expect(first.status).toBe(503);
    expect(first.headers.get("retry-after")).toBe("1");
    expect(await first.text()).toBe("busy");
    const other = await fetch(`${proxy.endpoint}/other`, { method: "PUT", body: "not matched" });
    expect(other.status).toBe(200);
    await other.body?.cancel();
    const second = await fetch(`${proxy.endpoint}/object`, { method: "PUT", body: "two" });
    expect(second.status).toBe(503);
    await second.body?.cancel();
    const third = await fetch(`${proxy.endpoint}/object`, { method: "PUT", body: "three" });
    expect(third.status).toBe(200);
    await third.body?.cancel();
    expect(rule.applied).toBe(2);
    expect(rule.spent).toBe(true);
    expect(proxy.faults.pending).toBe(0);
    expect(target.seen.map((request) => request.url)).toEqual(["/other", "/object"]);
    expect(proxy.stats.faultsApplied).toBe(2);
  });

  it("lets `skip` matching requests through first, and matches on the query", async () => {
    const rule = proxy.faults.add({
      match: { query: /partNumber=\d+/ },
      skip: 1,
      times: 1,
      action: { type: "status", status: 500 },
    });
    const statuses: number[] = [];
    for (const query of ["partNumber=1", "uploads", "partNumber=2", "partNumber=3"]) {
      const response = await fetch(`${proxy.endpoint}/key?${query}`, { method: "PUT", body: "x" });
      statuses.push(response.status);
      await response.body?.cancel();
    }
    expect(statuses).toEqual([200, 200, 500, 200]);
    expect(rule.skipped).toBe(1);
    expect(rule.applied).toBe(1);
  });

  it("answers S3 XML errors", async () => {
    proxy.faults.add({ times: 1, action: { type: "s3-error", status: 503, code: "SlowDown" } });
    const response = await fetch(`${proxy.endpoint}/bucket/key`, { method: "PUT", body: "x" });
    expect(response.status).toBe(503);
    expect(response.headers.get("content-type")).toBe("application/xml");
    const body = await response.text();
    expect(body).toContain("<Code>SlowDown</Code>");
    expect(body).toContain("<Resource>/bucket/key</Resource>");
    proxy.faults.add({
      times: 1,
      action: { type: "s3-error", status: 500, code: "InternalError" },
    });
    const internal = await fetch(`${proxy.endpoint}/bucket/key`);
    expect(internal.status).toBe(500);
    expect(await internal.text()).toContain("<Code>InternalError</Code>");
    expect(target.seen).toHaveLength(0);
  });

  it("drops a request after forwarding part of its body", async () => {
    proxy.faults.add({ times: 1, action: { type: "drop-request", afterBytes: 1000 } });
    await expect(
      fetch(`${proxy.endpoint}/upload`, { method: "PUT", body: pattern(100_000) }),
    ).rejects.toThrow();
    // The target got the first 1,000 bytes, then lost the connection.
    for (let attempt = 0; attempt < 100 && target.seen[0]?.receivedBytes !== 1000; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(target.seen).toHaveLength(1);
    expect(target.seen[0]).toMatchObject({ receivedBytes: 1000, complete: false });
    // The next request goes through on a fresh connection.
    const next = await fetch(`${proxy.endpoint}/upload`, { method: "PUT", body: "after" });
    expect(next.status).toBe(200);
    await next.body?.cancel();
  });

  it("drops a request without a body before it completes", async () => {
    proxy.faults.add({ times: 1, action: { type: "drop-request", afterBytes: 0 } });
    await expect(fetch(`${proxy.endpoint}/data?size=10`)).rejects.toThrow();
  });

  it("drops a response after part of its body, never delivering it whole", async () => {
    proxy.faults.add({ times: 1, action: { type: "drop-response", afterBytes: 500 } });
    const response = await fetch(`${proxy.endpoint}/data?size=10000`);
    expect(response.status).toBe(200);
    await expect(response.arrayBuffer()).rejects.toThrow();
    expect(target.seen[0]?.complete).toBe(true);

    // A body shorter than afterBytes still loses its last byte.
    proxy.faults.add({ times: 1, action: { type: "drop-response", afterBytes: 1000 } });
    const short = await fetch(`${proxy.endpoint}/data?size=100`);
    await expect(short.arrayBuffer()).rejects.toThrow();
    proxy.faults.add({ times: 1, action: { type: "drop-response", afterBytes: 1000 } });
    const chunked = await fetch(`${proxy.endpoint}/chunked?size=3000`);
    await expect(chunked.arrayBuffer()).rejects.toThrow();
    // An empty response is dropped before its status line.
    proxy.faults.add({ times: 1, action: { type: "drop-response", afterBytes: 0 } });
    await expect(fetch(`${proxy.endpoint}/empty`)).rejects.toThrow();
    expect(proxy.stats.responseBytes).toBeLessThanOrEqual(500 + 99 + 1000);
  });

  it("delays a request: a later request overtakes it", async () => {
    proxy.faults.add({ match: { path: /^\/slow$/ }, times: 1, action: { type: "delay", ms: 300 } });
    const slow = fetch(`${proxy.endpoint}/slow`, { method: "POST", body: "slow" });
    // Let the slow request reach the proxy first.
    for (let attempt = 0; attempt < 100 && proxy.stats.requests === 0; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    const fast = await fetch(`${proxy.endpoint}/fast`, { method: "POST", body: "fast" });
    await fast.body?.cancel();
    const slowResponse = await slow;
    expect(slowResponse.status).toBe(200);
    await slowResponse.body?.cancel();
    expect(target.seen.map((request) => request.url)).toEqual(["/fast", "/slow"]);
  });

  it("rejects invalid rules and non-loopback targets", async () => {
    expect(() => proxy.faults.add({ times: 0, action: { type: "status", status: 500 } })).toThrow(
      TestPeerError,
    );
    expect(() =>
      proxy.faults.add({ times: 1, action: { type: "drop-request", afterBytes: -1 } }),
    ).toThrow(/afterBytes/);
    await expect(startFaultProxy({ target: "http://192.0.2.1:80" })).rejects.toMatchObject({
      code: "E_PEER_CONFIG",
    });
    await expect(startFaultProxy({ target: "https://127.0.0.1:443" })).rejects.toMatchObject({
      code: "E_PEER_CONFIG",
    });
  });
});

describe("fault proxy without a target", () => {
  it("answers 502 when the target is down, and keeps the target's path in its endpoint", async () => {
    const placeholder = createServer();
    await new Promise<void>((resolve) =>
      placeholder.listen({ host: "127.0.0.1", port: 0 }, resolve),
    );
    const { port } = placeholder.address() as AddressInfo;
    await new Promise((resolve) => placeholder.close(resolve));
    const proxy = await startFaultProxy({ target: `http://127.0.0.1:${port}/devstoreaccount1` });
    try {
      expect(proxy.endpoint).toBe(`${proxy.origin}/devstoreaccount1`);
      const response = await fetch(`${proxy.endpoint}?comp=list`);
      expect(response.status).toBe(502);
      expect(await response.text()).toContain("cannot reach the target");
    } finally {
      await proxy.stop();
    }
  });
});
