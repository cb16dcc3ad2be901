import { createHash, randomBytes } from "node:crypto";
import { type File, Storage } from "@google-cloud/storage";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startFaultProxy } from "./fault-proxy.js";
import { type GcsPeer, startGcsFake } from "./gcs-fake.js";
import { computeGcsHashes } from "./gcs-hashes.js";

const mebibyte = 1024 * 1024;

function sha256(data: Buffer): string {
  return createHash("sha256").update(data).digest("hex");
}

/** The status code the client library puts on its errors. */
async function errorCode(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return (error as { code?: unknown }).code;
  }
  throw new Error("expected the call to fail");
}

describe("GCS fake through @google-cloud/storage", () => {
  let peer: GcsPeer;
  let storage: Storage;

  beforeAll(async () => {
    peer = await startGcsFake();
    storage = new Storage({ apiEndpoint: peer.endpoint, projectId: peer.projectId });
    await storage.createBucket("main");
    await storage.createBucket("other");
  });

  afterAll(async () => {
    await peer?.stop();
  });

  it("creates buckets, reports missing ones and refuses duplicates", async () => {
    expect((await storage.bucket("main").exists())[0]).toBe(true);
    expect((await storage.bucket("absent").exists())[0]).toBe(false);
    expect(await errorCode(storage.bucket("absent").getMetadata())).toBe(404);
    expect(await errorCode(storage.createBucket("main"))).toBe(409);
    const [buckets] = await storage.getBuckets();
    expect(buckets.map((bucket) => bucket.name)).toEqual(["main", "other"]);
  });

  it("stores a multipart upload with its metadata and checksums", async () => {
    const data = Buffer.from("hello, multipart");
    const file = storage.bucket("main").file("small/hello.txt");
    await file.save(data, {
      resumable: false,
      contentType: "text/plain",
      metadata: { cacheControl: "no-cache", metadata: { "spotkit-sha256": sha256(data) } },
    });
    const [metadata] = await file.getMetadata();
    const expected = computeGcsHashes(data);
    expect(metadata).toMatchObject({
      kind: "storage#object",
      name: "small/hello.txt",
      bucket: "main",
      size: String(data.length),
      contentType: "text/plain",
      cacheControl: "no-cache",
      md5Hash: expected.md5Hash,
      crc32c: expected.crc32c,
      metageneration: "1",
      metadata: { "spotkit-sha256": sha256(data) },
    });
    expect(metadata.generation).toMatch(/^\d+$/);
    expect(typeof metadata.etag).toBe("string");
    expect(metadata.timeCreated).toBe(metadata.updated);
    expect(peer.objects("main")).toContainEqual({
      name: "small/hello.txt",
      size: data.length,
      ...expected,
    });
    const [downloaded] = await file.download();
    expect(downloaded.equals(data)).toBe(true);
  });

  it("takes a 20 MiB resumable upload in 8 MiB chunks and shows the object only when finished", async () => {
    const data = randomBytes(20 * mebibyte);
    const file = storage.bucket("main").file("big/twenty.bin");
    const requestsBefore = peer.requests;
    const openBefore = peer.openUploads();
    let sawOpenSession = false;
    const stream = file.createWriteStream({ resumable: true, chunkSize: 8 * mebibyte });
    stream.on("progress", () => {
      const visible = peer.objects("main").some((object) => object.name === "big/twenty.bin");
      if (peer.openUploads() === openBefore + 1 && !visible) {
        sawOpenSession = true;
      }
    });
    await new Promise<void>((resolve, reject) => {
      stream.once("error", reject);
      stream.once("finish", resolve);
      stream.end(data);
    });
    expect(sawOpenSession).toBe(true);
    // One POST to start the session, then three PUTs (8 + 8 + 4 MiB).
    expect(peer.requests - requestsBefore).toBeGreaterThanOrEqual(4);
    expect(peer.openUploads()).toBe(openBefore);
    const [downloaded] = await file.download();
    expect(sha256(downloaded)).toBe(sha256(data));
    const [metadata] = await file.getMetadata();
    expect(metadata.size).toBe(String(20 * mebibyte));
  });

  it("takes a single-request resumable upload, also of an empty object", async () => {
    const openBefore = peer.openUploads();
    const data = randomBytes(300_000);
    const file = storage.bucket("main").file("resumable/one-request.bin");
    await file.save(data, { resumable: true });
    expect((await file.download())[0].equals(data)).toBe(true);
    const empty = storage.bucket("main").file("resumable/empty.bin");
    await empty.save(Buffer.alloc(0), { resumable: true });
    expect((await empty.getMetadata())[0].size).toBe("0");
    expect(peer.openUploads()).toBe(openBefore);
  });

  it("rejects the client's Content-Range for an empty object in chunked mode", async () => {
    // @google-cloud/storage 8.4.0 sends "bytes 0--1/0" here, which is not one of the forms GCS
    // documents ("bytes */0" would be); the fake refuses it rather than guess.
    const openBefore = peer.openUploads();
    const file = storage.bucket("main").file("resumable/empty-chunked.bin");
    expect(
      await errorCode(file.save(Buffer.alloc(0), { resumable: true, chunkSize: 256 * 1024 })),
    ).toBe(400);
    // The client does not cancel the session it started.
    expect(peer.openUploads()).toBe(openBefore + 1);
  });

  it("lists with prefix and delimiter", async () => {
    const bucket = storage.bucket("main");
    for (const name of ["tree/a/1", "tree/a/2", "tree/a/b/3", "tree/c", "tree/d/"]) {
      await bucket.file(name).save(name, { resumable: false });
    }
    const [files, , response] = await bucket.getFiles({
      prefix: "tree/",
      delimiter: "/",
      autoPaginate: false,
    });
    expect(files.map((file) => file.name)).toEqual(["tree/c"]);
    expect((response as { prefixes?: string[] }).prefixes).toEqual(["tree/a/", "tree/d/"]);
    const [nested, , nestedResponse] = await bucket.getFiles({
      prefix: "tree/a/",
      delimiter: "/",
      autoPaginate: false,
    });
    expect(nested.map((file) => file.name)).toEqual(["tree/a/1", "tree/a/2"]);
    expect((nestedResponse as { prefixes?: string[] }).prefixes).toEqual(["tree/a/b/"]);
    const [withTrailing] = await bucket.getFiles({
      prefix: "tree/",
      delimiter: "/",
      includeTrailingDelimiter: true,
      autoPaginate: false,
    });
    expect(withTrailing.map((file) => file.name)).toEqual(["tree/c", "tree/d/"]);
    const [everything] = await bucket.getFiles({ prefix: "tree/" });
    expect(everything.map((file) => file.name)).toEqual([
      "tree/a/1",
      "tree/a/2",
      "tree/a/b/3",
      "tree/c",
      "tree/d/",
    ]);
  });

  it("pages through 2,500 objects 1,000 at a time, sorted by name", async () => {
    const bucket = storage.bucket("other");
    const names = Array.from(
      { length: 2500 },
      (_, index) => `page/${String(index).padStart(5, "0")}`,
    );
    // Seeded with plain media uploads: 2,500 client saves would spend seconds in the client alone.
    const queue = [...names].reverse();
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
          const response = await fetch(
            `${peer.endpoint}/upload/storage/v1/b/other/o?uploadType=media&name=${encodeURIComponent(name)}`,
            { method: "POST", body: name },
          );
          expect(response.status).toBe(200);
          await response.body?.cancel();
        }
      }),
    );
    const pageSizes: number[] = [];
    const listed: string[] = [];
    let query: { pageToken?: string } | null = {};
    for (let page = 0; query !== null && page < 10; page += 1) {
      const [files, next]: [File[], { pageToken?: string } | null, unknown] =
        (await bucket.getFiles({
          prefix: "page/",
          maxResults: 1000,
          autoPaginate: false,
          ...query,
        })) as [File[], { pageToken?: string } | null, unknown];
      pageSizes.push(files.length);
      listed.push(...files.map((file) => file.name));
      query = next;
    }
    expect(pageSizes).toEqual([1000, 1000, 500]);
    expect(listed).toEqual(names);
    const [all] = await bucket.getFiles({ prefix: "page/" });
    expect(all).toHaveLength(2500);
  });

  it("serves ranges and verifies downloads, and a corrupted object fails the client's check", async () => {
    const data = randomBytes(100_000);
    const file = storage.bucket("main").file("range/data.bin");
    await file.save(data, { resumable: false });
    const [middle] = await file.download({ start: 10, end: 19 });
    expect(middle.equals(data.subarray(10, 20))).toBe(true);

    const url = `${peer.endpoint}/storage/v1/b/main/o/${encodeURIComponent("range/data.bin")}?alt=media`;
    const tail = await fetch(url, { headers: { range: "bytes=-5" } });
    expect(tail.status).toBe(206);
    expect(tail.headers.get("content-range")).toBe(`bytes 99995-99999/${data.length}`);
    expect(Buffer.from(await tail.arrayBuffer()).equals(data.subarray(-5))).toBe(true);
    const beyond = await fetch(url, { headers: { range: "bytes=200000-" } });
    expect(beyond.status).toBe(416);
    await beyond.body?.cancel();
    const whole = await fetch(url);
    const hashes = computeGcsHashes(data);
    expect(whole.headers.get("x-goog-hash")).toBe(`crc32c=${hashes.crc32c},md5=${hashes.md5Hash}`);
    expect(whole.headers.get("x-goog-generation")).toMatch(/^\d+$/);
    await whole.body?.cancel();

    peer.corruptObject("main", "range/data.bin");
    expect(await errorCode(file.download())).toBe("CONTENT_DOWNLOAD_MISMATCH");
  });

  it("stores Content-Encoding as is, and the client decompresses", async () => {
    const data = Buffer.from("compress me ".repeat(1000));
    const file = storage.bucket("main").file("gzip/text.txt");
    await file.save(data, { resumable: false, gzip: true, contentType: "text/plain" });
    const [metadata] = await file.getMetadata();
    expect(metadata.contentEncoding).toBe("gzip");
    expect(Number(metadata.size)).toBeLessThan(data.length);
    const raw = await fetch(`${peer.endpoint}/storage/v1/b/main/o/gzip%2Ftext.txt?alt=media`, {
      headers: { "accept-encoding": "identity" },
    });
    expect(raw.headers.get("x-goog-stored-content-encoding")).toBe("gzip");
    await raw.body?.cancel();
    expect((await file.download())[0].equals(data)).toBe(true);
  });

  it("patches metadata and bumps the metageneration", async () => {
    const file = storage.bucket("main").file("patch/me.txt");
    await file.save("patch", {
      resumable: false,
      metadata: { metadata: { keep: "1", drop: "2" } },
    });
    await file.setMetadata({ contentType: "text/markdown", metadata: { drop: null, added: "3" } });
    const [metadata] = await file.getMetadata();
    expect(metadata.metageneration).toBe("2");
    expect(metadata.contentType).toBe("text/markdown");
    expect(metadata.metadata).toEqual({ keep: "1", added: "3" });
    expect(
      await errorCode(file.setMetadata({ cacheControl: "no-store" }, { ifMetagenerationMatch: 1 })),
    ).toBe(412);
  });

  it("copies within and across buckets, keeping data and metadata", async () => {
    const data = randomBytes(5000);
    const source = storage.bucket("main").file("copy/source.bin");
    await source.save(data, {
      resumable: false,
      contentType: "application/x-test",
      metadata: { metadata: { origin: "source" } },
    });
    const [copied] = await source.copy(storage.bucket("main").file("copy/target.bin"));
    const [copiedMetadata] = await copied.getMetadata();
    expect(copiedMetadata).toMatchObject({
      contentType: "application/x-test",
      metadata: { origin: "source" },
      md5Hash: computeGcsHashes(data).md5Hash,
    });
    const across = storage.bucket("other").file("copied/ünïcødé name.bin");
    await source.copy(across);
    expect((await across.download())[0].equals(data)).toBe(true);
    const response = await fetch(
      `${peer.endpoint}/storage/v1/b/main/o/copy%2Fsource.bin/copyTo/b/main/o/copy%2Fvia-copyTo.bin`,
      { method: "POST" },
    );
    expect(response.status).toBe(200);
    expect(((await response.json()) as { name: string }).name).toBe("copy/via-copyTo.bin");
  });

  it("deletes objects; a second delete is a 404", async () => {
    const file = storage.bucket("main").file("delete/me.txt");
    await file.save("bye", { resumable: false });
    await file.delete();
    expect((await file.exists())[0]).toBe(false);
    expect(await errorCode(file.delete())).toBe(404);
  });

  it("keeps names with spaces, unicode, %2F, # and ? intact", async () => {
    const names = [
      "dir with space/file name.txt",
      "ünïcødé/ファイル.txt",
      "literal%2Fslash",
      "hash#and?query",
    ];
    for (const name of names) {
      await storage.bucket("other").file(name).save(name, { resumable: false });
      await storage.bucket("other").file(`resumable-${name}`).save(name, { resumable: true });
    }
    for (const name of names) {
      expect((await storage.bucket("other").file(name).download())[0].toString()).toBe(name);
      expect((await storage.bucket("other").file(`resumable-${name}`).exists())[0]).toBe(true);
    }
    const listed = peer.objects("other").map((object) => object.name);
    expect(listed).toEqual(expect.arrayContaining(names));
  });

  it("answers 412 conditionNotMet to ifGenerationMatch: 0 on an existing object", async () => {
    const openBefore = peer.openUploads();
    const file = storage.bucket("main").file("precondition/exists.txt");
    await file.save("first", { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } });
    expect(
      await errorCode(
        file.save("second", { resumable: false, preconditionOpts: { ifGenerationMatch: 0 } }),
      ),
    ).toBe(412);
    expect(
      await errorCode(
        file.save("second", { resumable: true, preconditionOpts: { ifGenerationMatch: 0 } }),
      ),
    ).toBe(412);
    const [metadata] = await file.getMetadata();
    await file.save("third", {
      resumable: false,
      preconditionOpts: { ifGenerationMatch: Number(metadata.generation) },
    });
    expect((await file.download())[0].toString()).toBe("third");
    // The resumable attempt failed at the session start, so no session was left behind.
    expect(peer.openUploads()).toBe(openBefore);
  });

  it("rejects an upload whose claimed crc32c or md5 does not match its data", async () => {
    const file = storage.bucket("main").file("integrity/bad.txt");
    const crcError = await errorCode(
      file.save("data", { resumable: false, metadata: { crc32c: "AAAAAA==" } }),
    );
    expect(crcError).toBe(400);
    const md5Error = await errorCode(
      file.save("data", {
        resumable: false,
        metadata: { md5Hash: computeGcsHashes(Buffer.from("other")).md5Hash },
      }),
    );
    expect(md5Error).toBe(400);
    expect((await file.exists())[0]).toBe(false);
  });

  it("leaves an aborted resumable session open until its URL is deleted", async () => {
    const openBefore = peer.openUploads();
    const file = storage.bucket("main").file("abort/partial.bin");
    const stream = file.createWriteStream({ resumable: true, chunkSize: 256 * 1024 });
    const sessionUrl = await new Promise<string>((resolve, reject) => {
      stream.once("uri", resolve);
      stream.once("error", reject);
      stream.write(randomBytes(1024 * 1024));
    });
    // Wait until the first chunk is stored, then abandon the upload as a killed process would.
    for (let attempt = 0; attempt < 100; attempt += 1) {
      const status = await fetch(sessionUrl, {
        method: "PUT",
        headers: { "content-range": "bytes */*" },
      });
      if (status.headers.get("range") !== null) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    stream.destroy();
    // @google-cloud/storage does not cancel the session on abort: it stays open.
    expect(peer.openUploads()).toBe(openBefore + 1);
    expect((await file.exists())[0]).toBe(false);
    const cancel = await fetch(sessionUrl, { method: "DELETE" });
    expect(cancel.status).toBe(499);
    expect(peer.openUploads()).toBe(openBefore);
    const afterCancel = await fetch(sessionUrl, {
      method: "PUT",
      headers: { "content-range": "bytes */*" },
    });
    expect(afterCancel.status).toBe(410);
  });
});

describe("GCS fake request validation (raw HTTP)", () => {
  let peer: GcsPeer;

  beforeAll(async () => {
    peer = await startGcsFake();
    await fetch(`${peer.endpoint}/storage/v1/b?project=${peer.projectId}`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ name: "raw" }),
    });
  });

  afterAll(async () => {
    await peer?.stop();
  });

  const uploadUrl = (query: string) => `${peer.endpoint}/upload/storage/v1/b/raw/o?${query}`;

  async function startSession(name: string, headers: Record<string, string> = {}): Promise<string> {
    const response = await fetch(
      uploadUrl(`uploadType=resumable&name=${encodeURIComponent(name)}`),
      {
        method: "POST",
        headers,
      },
    );
    expect(response.status).toBe(200);
    const location = response.headers.get("location");
    expect(location).toContain("upload_id=");
    return location as string;
  }

  it("answers errors in GCS's JSON format", async () => {
    const response = await fetch(`${peer.endpoint}/storage/v1/b/raw/o/missing`);
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: {
        code: 404,
        message: "No such object: raw/missing",
        errors: [{ message: "No such object: raw/missing", domain: "global", reason: "notFound" }],
      },
    });
  });

  it("rejects an unknown uploadType and a missing name", async () => {
    const unknown = await fetch(uploadUrl("uploadType=bogus&name=x"), {
      method: "POST",
      body: "x",
    });
    expect(unknown.status).toBe(400);
    const missing = await fetch(uploadUrl("uploadType=media"), { method: "POST", body: "x" });
    expect(missing.status).toBe(400);
    expect(
      ((await missing.json()) as { error: { errors: [{ reason: string }] } }).error.errors[0]
        .reason,
    ).toBe("required");
  });

  it("checks X-Goog-Hash on media uploads", async () => {
    const good = computeGcsHashes(Buffer.from("media body"));
    const ok = await fetch(uploadUrl("uploadType=media&name=media.txt"), {
      method: "POST",
      headers: {
        "x-goog-hash": `crc32c=${good.crc32c},md5=${good.md5Hash}`,
        "content-type": "text/plain",
      },
      body: "media body",
    });
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { contentType: string }).contentType).toBe("text/plain");
    const bad = await fetch(uploadUrl("uploadType=media&name=media-bad.txt"), {
      method: "POST",
      headers: { "x-goog-hash": "crc32c=AAAAAA==" },
      body: "media body",
    });
    expect(bad.status).toBe(400);
    expect(peer.objects("raw").map((object) => object.name)).toEqual(["media.txt"]);
  });

  it("validates Content-Range and chunk sizes of resumable uploads", async () => {
    const openBefore = peer.openUploads();
    const session = await startSession("chunks.bin");
    const malformed = await fetch(session, {
      method: "PUT",
      headers: { "content-range": "bytes=0-9/10" },
      body: Buffer.alloc(10),
    });
    expect(malformed.status).toBe(400);
    const notMultiple = await fetch(session, {
      method: "PUT",
      headers: { "content-range": "bytes 0-99999/*" },
      body: Buffer.alloc(100_000),
    });
    expect(notMultiple.status).toBe(400);
    const lengthMismatch = await fetch(session, {
      method: "PUT",
      headers: { "content-range": "bytes 0-262143/*" },
      body: Buffer.alloc(1000),
    });
    expect(lengthMismatch.status).toBe(400);
    const first = await fetch(session, {
      method: "PUT",
      headers: { "content-range": "bytes 0-262143/*" },
      body: Buffer.alloc(262_144, 1),
    });
    expect(first.status).toBe(308);
    expect(first.headers.get("range")).toBe("bytes=0-262143");
    const gap = await fetch(session, {
      method: "PUT",
      headers: { "content-range": "bytes 300000-300009/300010" },
      body: Buffer.alloc(10),
    });
    expect(gap.status).toBe(400);
    const status = await fetch(session, {
      method: "PUT",
      headers: { "content-range": "bytes */*" },
    });
    expect(status.status).toBe(308);
    expect(status.headers.get("range")).toBe("bytes=0-262143");
    expect(peer.objects("raw").some((object) => object.name === "chunks.bin")).toBe(false);
    // A resent first chunk overlapping what was stored is accepted; the new bytes are appended.
    const last = await fetch(session, {
      method: "PUT",
      headers: { "content-range": "bytes 262144-262153/262154" },
      body: Buffer.alloc(10, 2),
    });
    expect(last.status).toBe(200);
    expect(peer.objects("raw").find((object) => object.name === "chunks.bin")?.size).toBe(262_154);
    expect(peer.openUploads()).toBe(openBefore);
  });

  it("fails a resumable upload whose final X-Goog-Hash does not match", async () => {
    const openBefore = peer.openUploads();
    const session = await startSession("hash.bin");
    expect(peer.openUploads()).toBe(openBefore + 1);
    const response = await fetch(session, {
      method: "PUT",
      headers: { "content-range": "bytes 0-9/10", "x-goog-hash": "crc32c=AAAAAA==" },
      body: Buffer.alloc(10, 7),
    });
    expect(response.status).toBe(400);
    // A failed finish ends the session: it is no longer open, and no object appeared.
    expect(peer.openUploads()).toBe(openBefore);
    expect(peer.objects("raw").some((object) => object.name === "hash.bin")).toBe(false);
  });

  it("checks X-Upload-Content-Length against the final size", async () => {
    const session = await startSession("declared.bin", { "x-upload-content-length": "20" });
    const response = await fetch(session, {
      method: "PUT",
      headers: { "content-range": "bytes 0-9/10" },
      body: Buffer.alloc(10),
    });
    expect(response.status).toBe(400);
  });
});

describe("GCS fake with requireToken", () => {
  let peer: GcsPeer;

  beforeAll(async () => {
    peer = await startGcsFake({ requireToken: "test-token" });
  });

  afterAll(async () => {
    await peer?.stop();
  });

  it("answers 401 without the token and works with it", async () => {
    const anonymous = new Storage({ apiEndpoint: peer.endpoint, projectId: peer.projectId });
    expect(await errorCode(anonymous.createBucket("secured"))).toBe(401);

    // An OAuth2 client holding a valid access token sends it without refreshing.
    const tokenClient = anonymous.authClient.fromJSON({
      type: "authorized_user",
      client_id: "spotkit-test",
      client_secret: "spotkit-test",
      refresh_token: "unused",
    });
    tokenClient.credentials = { access_token: "test-token", expiry_date: Date.now() + 3_600_000 };
    const authenticated = new Storage({
      apiEndpoint: peer.endpoint,
      projectId: peer.projectId,
      useAuthWithCustomEndpoint: true,
      authClient: tokenClient,
    });
    await authenticated.createBucket("secured");
    const file = authenticated.bucket("secured").file("object.bin");
    const data = randomBytes(600_000);
    await file.save(data, { resumable: false });
    expect((await file.download())[0].equals(data)).toBe(true);
    // @google-cloud/storage 8.4.0 sends resumable uploads to a custom (non-googleapis) endpoint
    // without credentials even with useAuthWithCustomEndpoint: the fake says 401, as GCS would.
    expect(await errorCode(file.save(data, { resumable: true }))).toBe(401);

    const wrong = await fetch(`${peer.endpoint}/storage/v1/b/secured`, {
      headers: { authorization: "Bearer wrong" },
    });
    expect(wrong.status).toBe(401);
  });
});

describe("GCS fake behind the fault proxy", () => {
  it("lets the client resume a resumable upload after a dropped chunk and a 503", async () => {
    const peer = await startGcsFake();
    // Session URLs follow the Host header, so after the first request everything goes via the proxy.
    const proxy = await startFaultProxy({ target: peer.endpoint });
    try {
      const storage = new Storage({
        apiEndpoint: proxy.endpoint,
        projectId: peer.projectId,
        retryOptions: { retryDelayMultiplier: 1.1, maxRetries: 5 },
      });
      await storage.createBucket("faults");
      const dropped = proxy.faults.add({
        match: { method: "PUT", query: /upload_id=/ },
        skip: 1,
        times: 1,
        action: { type: "drop-request", afterBytes: 100_000 },
      });
      const throttled = proxy.faults.add({
        match: { method: "PUT", query: /upload_id=/ },
        skip: 3,
        times: 1,
        action: { type: "status", status: 503, body: "try again" },
      });
      const data = randomBytes(2 * mebibyte);
      const file = storage.bucket("faults").file("resumed.bin");
      // Without a precondition the client counts an upload as not idempotent and never retries it.
      await file.save(data, {
        resumable: true,
        chunkSize: 256 * 1024,
        preconditionOpts: { ifGenerationMatch: 0 },
      });
      expect(dropped.applied).toBe(1);
      expect(throttled.applied).toBe(1);
      expect(peer.objects("faults")).toEqual([
        { name: "resumed.bin", size: data.length, ...computeGcsHashes(data) },
      ]);
      expect(peer.openUploads()).toBe(0);
      expect((await file.download())[0].equals(data)).toBe(true);
    } finally {
      await proxy.stop();
      await peer.stop();
    }
  }, 60_000);
});
