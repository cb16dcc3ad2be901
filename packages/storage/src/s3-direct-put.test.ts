import { createServer, Agent as HttpAgent, type IncomingMessage, type Server } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { AddressInfo } from "node:net";
import { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3DirectPut, type S3DirectPutSetup } from "./s3-direct-put.js";

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A fake S3 endpoint on 127.0.0.1 answering with whatever `answer` says. */
let server: Server;
let endpoint: string;
const seen: Seen[] = [];
let answer: (request: Seen) => { status: number; headers?: Record<string, string> } | "drop" =
  () => ({
    status: 200,
  });
beforeAll(async () => {
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const entry = {
        method: request.method ?? "",
        url: request.url ?? "",
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
      };
      seen.push(entry);
      const reply = answer(entry);
      if (reply === "drop") {
        request.socket.destroy();
        return;
      }
      response.writeHead(reply.status, reply.headers).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function setup(overrides: Partial<S3DirectPutSetup> = {}): S3DirectPutSetup {
  return {
    client: new S3Client({
      region: "eu-west-1",
      endpoint,
      forcePathStyle: true,
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "secret", sessionToken: "tok" },
    }),
    bucket: "site",
    endpoint,
    httpAgent: new HttpAgent({ keepAlive: true }),
    httpsAgent: new HttpsAgent({ keepAlive: true }),
    connectionTimeout: 5000,
    socketTimeout: 5000,
    ...overrides,
  };
}

const params = {
  Bucket: "site",
  Key: "dir/a b+c.txt",
  ContentType: "text/plain",
  CacheControl: "max-age=60",
  Metadata: { "spotkit-sha256": "abc", Team: "web" },
  IfNoneMatch: "*",
};

describe("createS3DirectPut", () => {
  it("sends one signed PutObject with the object's headers and reports the ETag", async () => {
    seen.length = 0;
    answer = () => ({ status: 200, headers: { etag: '"0123"', "x-amz-version-id": "v1" } });
    const put = createS3DirectPut(setup());
    const outcome = await put(params, Buffer.from("hello"), undefined);
    expect(outcome).toEqual({ status: "stored", etag: '"0123"', versionId: "v1" });
    expect(seen).toHaveLength(1);
    const [request] = seen;
    expect(request?.method).toBe("PUT");
    expect(request?.url).toBe("/site/dir/a%20b%2Bc.txt");
    expect(request?.body).toBe("hello");
    expect(request?.headers).toMatchObject({
      "content-type": "text/plain",
      "cache-control": "max-age=60",
      "if-none-match": "*",
      "x-amz-meta-spotkit-sha256": "abc",
      "x-amz-meta-team": "web",
      "x-amz-security-token": "tok",
      "content-length": "5",
    });
    expect(request?.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/s3\/aws4_request, SignedHeaders=content-type;host;x-amz-content-sha256;x-amz-date;x-amz-meta-spotkit-sha256;x-amz-meta-team;x-amz-security-token, Signature=[0-9a-f]{64}$/,
    );
  });

  it("leaves temporary failures and conditions to the SDK, and keeps going", async () => {
    const put = createS3DirectPut(setup());
    for (const status of [503, 500, 429, 412]) {
      answer = () => ({ status });
      expect(await put(params, Buffer.from("x"), undefined)).toEqual({
        status: "use-sdk",
        reached: false,
      });
    }
    answer = () => ({ status: 200 });
    expect((await put(params, Buffer.from("x"), undefined)).status).toBe("stored");
  });

  it("stops after an answer that would repeat (a refused signature, a redirect)", async () => {
    const put = createS3DirectPut(setup());
    answer = () => ({ status: 403 });
    expect(await put(params, Buffer.from("x"), undefined)).toEqual({
      status: "use-sdk",
      reached: false,
    });
    seen.length = 0;
    answer = () => ({ status: 200 });
    expect(await put(params, Buffer.from("x"), undefined)).toEqual({
      status: "use-sdk",
      reached: false,
    });
    expect(seen).toHaveLength(0);
  });

  it("says a dropped request may have landed", async () => {
    answer = () => "drop";
    const outcome = await createS3DirectPut(setup())(params, Buffer.from("x"), undefined);
    expect(outcome).toEqual({ status: "use-sdk", reached: true });
  });

  it("sends nothing for headers it cannot send as the SDK would", async () => {
    seen.length = 0;
    answer = () => ({ status: 200 });
    const put = createS3DirectPut(setup());
    for (const odd of [
      { ...params, Metadata: { note: "café" } },
      { ...params, ContentType: "text/plain\n" },
      { ...params, ChecksumCRC32: "AAAAAA==" },
    ]) {
      expect(await put(odd, Buffer.from("x"), undefined)).toEqual({
        status: "use-sdk",
        reached: false,
      });
    }
    expect(seen).toHaveLength(0);
  });

  it("rejects with the signal's reason when aborted", async () => {
    answer = () => ({ status: 200 });
    const controller = new AbortController();
    controller.abort(new Error("stop"));
    await expect(
      createS3DirectPut(setup())(params, Buffer.from("x"), controller.signal),
    ).rejects.toThrow("stop");
  });
});
