import { createServer, Agent as HttpAgent, type IncomingMessage, type Server } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import type { AddressInfo } from "node:net";
import { S3Client } from "@aws-sdk/client-s3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createS3Direct, type S3DirectSetup } from "./s3-direct.js";

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
let answer: (
  request: Seen,
) => { status: number; headers?: Record<string, string>; body?: string } | "drop" = () => ({
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
      response.writeHead(reply.status, reply.headers).end(reply.body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function setup(overrides: Partial<S3DirectSetup> = {}): S3DirectSetup {
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

describe("createS3Direct: putObject", () => {
  it("sends one signed PutObject with the object's headers and reports the ETag", async () => {
    seen.length = 0;
    answer = () => ({ status: 200, headers: { etag: '"0123"', "x-amz-version-id": "v1" } });
    const put = createS3Direct(setup()).putObject;
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
    const put = createS3Direct(setup()).putObject;
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
    const put = createS3Direct(setup()).putObject;
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
    const outcome = await createS3Direct(setup()).putObject(params, Buffer.from("x"), undefined);
    expect(outcome).toEqual({ status: "use-sdk", reached: true });
  });

  it("sends nothing for headers it cannot send as the SDK would", async () => {
    seen.length = 0;
    answer = () => ({ status: 200 });
    const put = createS3Direct(setup()).putObject;
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
      createS3Direct(setup()).putObject(params, Buffer.from("x"), controller.signal),
    ).rejects.toThrow("stop");
  });
});

const listXml = (body: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">${body}</ListBucketResult>`;

describe("createS3Direct: listPage", () => {
  it("sends a signed ListObjectsV2 with its query and reads the page", async () => {
    seen.length = 0;
    answer = () => ({
      status: 200,
      body: listXml(
        "<Name>site</Name><Prefix>a b/</Prefix><KeyCount>2</KeyCount><MaxKeys>1000</MaxKeys><Delimiter>/</Delimiter><IsTruncated>true</IsTruncated>" +
          "<Contents><Key>a b/x &amp; y.txt</Key><LastModified>2026-11-25T10:00:00.000Z</LastModified><ETag>&quot;0cc175b9c0f1b6a831c399e269772661&quot;</ETag><Size>1</Size><StorageClass>STANDARD</StorageClass></Contents>" +
          "<CommonPrefixes><Prefix>a b/sub/</Prefix></CommonPrefixes>" +
          "<NextContinuationToken>next+token/=</NextContinuationToken>",
      ),
    });
    const page = await createS3Direct(setup()).listPage(
      { prefix: "a b/", delimiter: "/", continuationToken: "tok/en+=" },
      undefined,
    );
    expect(page).toEqual({
      Contents: [
        {
          Key: "a b/x & y.txt",
          Size: 1,
          LastModified: new Date("2026-11-25T10:00:00.000Z"),
          ETag: '"0cc175b9c0f1b6a831c399e269772661"',
        },
      ],
      CommonPrefixes: [{ Prefix: "a b/sub/" }],
      IsTruncated: true,
      NextContinuationToken: "next+token/=",
    });
    expect(seen[0]?.method).toBe("GET");
    expect(seen[0]?.url).toBe(
      "/site?continuation-token=tok%2Fen%2B%3D&delimiter=%2F&list-type=2&prefix=a%20b%2F",
    );
    expect(seen[0]?.headers.authorization).toContain("SignedHeaders=host;x-amz-content-sha256");
  });

  it("gives undefined (ask the SDK) for an error or a document it cannot read", async () => {
    const direct = createS3Direct(setup());
    answer = () => ({ status: 503 });
    expect(await direct.listPage({}, undefined)).toBeUndefined();
    answer = () => ({ status: 200, body: "<Error><Code>Odd</Code></Error>" });
    expect(await direct.listPage({}, undefined)).toBeUndefined();
    answer = () => ({
      status: 200,
      body: listXml(
        "<IsTruncated>false</IsTruncated><Contents><Key><![CDATA[x]]></Key></Contents>",
      ),
    });
    expect(await direct.listPage({}, undefined)).toBeUndefined();
    answer = () => ({ status: 200, body: listXml("<IsTruncated>false</IsTruncated>") });
    expect(await direct.listPage({}, undefined)).toEqual({
      Contents: [],
      CommonPrefixes: [],
      IsTruncated: false,
    });
  });
});
