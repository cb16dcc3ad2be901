import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { GcsApiError, invalidRequest } from "./gcs-api-error.js";
import { parseUploadContentRange } from "./gcs-content-range.js";
import {
  type ClaimedHashes,
  computeGcsHashes,
  type GcsHashes,
  parseGoogHash,
  verifyHashes,
} from "./gcs-hashes.js";
import { parseMultipartUpload } from "./gcs-multipart.js";
import { compareNames, listPage } from "./gcs-object-listing.js";
import { resolveByteRange } from "./http-byte-range.js";
import { TestPeerError } from "./test-peer-error.js";

/** Options of {@link startGcsFake}. */
export interface GcsFakeOptions {
  /**
   * When set, every request must carry `Authorization: Bearer <requireToken>`; others get 401.
   * @default no authentication
   */
  requireToken?: string;
  /**
   * The project id reported in `GcsPeer.projectId`.
   * @default "spotkit-test"
   */
  projectId?: string;
}

/** One stored object, as `GcsPeer.objects()` reports it. */
export interface GcsObjectSummary {
  name: string;
  size: number;
  /** Base64 MD5 of the stored bytes. */
  md5Hash: string;
  /** Base64 CRC32C of the stored bytes. */
  crc32c: string;
}

/** A running GCS fake on 127.0.0.1. */
export interface GcsPeer {
  /**
   * `http://127.0.0.1:<port>`: pass it as `apiEndpoint` to `new Storage()` from
   * @google-cloud/storage (not `STORAGE_EMULATOR_HOST`, which makes the client build wrong paths).
   */
  endpoint: string;
  /** A project id to pass to the client; the fake accepts any. */
  projectId: string;
  /** Closes the server and every open connection. */
  stop(): Promise<void>;
  /** How many resumable-upload sessions are open: started, neither finished nor cancelled. */
  openUploads(): number;
  /** The objects of `bucket`, sorted by name; throws `E_PEER_NOT_FOUND` for a missing bucket. */
  objects(bucket: string): GcsObjectSummary[];
  /**
   * Flips one stored byte of an object without updating its checksums, so that a download fails
   * the client's integrity check. Throws `E_PEER_NOT_FOUND` when there is no such object.
   */
  corruptObject(bucket: string, name: string): void;
  /** How many HTTP requests the fake received. */
  readonly requests: number;
}

/** Every resumable chunk but the last must be a multiple of this, as GCS requires. */
const resumableChunkGranularity = 256 * 1024;

/** Object fields a client may set on upload, copy and patch. */
const writableFields = [
  "contentType",
  "contentEncoding",
  "contentDisposition",
  "contentLanguage",
  "cacheControl",
  "customTime",
] as const;

type WritableField = (typeof writableFields)[number];

interface StoredObject extends GcsHashes {
  bucket: string;
  name: string;
  data: Buffer;
  generation: string;
  metageneration: number;
  fields: Partial<Record<WritableField, string>>;
  metadata: Record<string, string> | undefined;
  timeCreated: string;
  updated: string;
}

interface StoredBucket {
  name: string;
  timeCreated: string;
  objects: Map<string, StoredObject>;
}

/** What an upload asks for before its data arrives. */
interface UploadRequest {
  bucket: string;
  name: string;
  resource: Record<string, unknown>;
  contentType: string | undefined;
  query: URLSearchParams;
}

interface UploadSession extends UploadRequest {
  id: string;
  state: "open" | "finished" | "cancelled" | "failed";
  chunks: Buffer[];
  receivedBytes: number;
  declaredLength: number | undefined;
  result: StoredObject | undefined;
}

/** Per-request facts the handlers need. */
interface Exchange {
  request: IncomingMessage;
  response: ServerResponse;
  /** `http://<Host header>`: links and session URLs point where the client sent the request. */
  origin: string;
  query: URLSearchParams;
}

/**
 * Starts an in-memory FAKE of the Google Cloud Storage JSON API on 127.0.0.1. No GCS emulator can
 * run on the test machines, so this fake implements what @google-cloud/storage 8.4 and spotkit's
 * adapter use, and checks what it receives the way GCS does:
 *
 * - buckets: create (`POST /storage/v1/b`), get, list, delete (409 when not empty);
 * - uploads (`/upload/storage/v1/b/{bucket}/o`): `uploadType=media`, `multipart`
 *   (`multipart/related`: JSON metadata, then data) and `resumable` (a session URL in `Location`;
 *   `PUT` chunks with `Content-Range`, 308 with `Range` until the last one, chunks other than the
 *   last a multiple of 256 KiB, status queries, `DELETE` cancels with 499; the object appears
 *   only once the upload is finished);
 * - MD5 and CRC32C computed for every object and checked against what the client sends (in the
 *   multipart metadata or `X-Goog-Hash`) → 400 on a mismatch;
 * - objects: get metadata, download (`alt=media`, with `x-goog-hash`, `Range` → 206, stored
 *   `Content-Encoding` sent as is, no transcoding), list (prefix, delimiter, pages), patch,
 *   delete, copy (`rewriteTo`, `copyTo`);
 * - preconditions `ifGenerationMatch` (0 = must not exist), `ifGenerationNotMatch`,
 *   `ifMetagenerationMatch`, `ifMetagenerationNotMatch` (and `ifSource…` on copies) → 412
 *   `conditionNotMet` (304 for the "not match" ones on reads);
 * - errors in GCS's JSON format; optional bearer-token check (401).
 *
 * Not implemented: object versioning (one generation per name), ACLs and IAM, `fields` partial
 * responses, compose, batch requests, `matchGlob`, decompressive transcoding, signed URLs.
 */
export async function startGcsFake(options: GcsFakeOptions = {}): Promise<GcsPeer> {
  const buckets = new Map<string, StoredBucket>();
  const sessions = new Map<string, UploadSession>();
  let requestCount = 0;
  let lastGeneration = 0;
  const nextGeneration = () => {
    // GCS generations are microsecond timestamps; strictly increasing here.
    lastGeneration = Math.max(Date.now() * 1000, lastGeneration + 1);
    return String(lastGeneration);
  };

  const findBucket = (name: string): StoredBucket => {
    const bucket = buckets.get(name);
    if (bucket === undefined) {
      throw new GcsApiError(404, "notFound", "The specified bucket does not exist.");
    }
    return bucket;
  };
  const findObject = (bucketName: string, name: string, query: URLSearchParams): StoredObject => {
    const object = findBucket(bucketName).objects.get(name);
    const generation = query.get("generation");
    if (object === undefined || (generation !== null && generation !== object.generation)) {
      throw new GcsApiError(404, "notFound", `No such object: ${bucketName}/${name}`);
    }
    return object;
  };

  /** Stores an upload's data once it is complete, after the checks GCS makes at that point. */
  const commitUpload = (upload: UploadRequest, data: Buffer, claimed: ClaimedHashes) => {
    const bucket = findBucket(upload.bucket);
    const hashes = computeGcsHashes(data);
    verifyHashes(hashes, {
      crc32c: claimed.crc32c ?? optionalString(upload.resource, "crc32c"),
      md5Hash: claimed.md5Hash ?? optionalString(upload.resource, "md5Hash"),
    });
    checkPreconditions(upload.query, bucket.objects.get(upload.name), "write");
    const now = new Date().toISOString();
    const fields = readWritableFields(upload.resource);
    fields.contentType ??= upload.contentType ?? "application/octet-stream";
    const object: StoredObject = {
      bucket: upload.bucket,
      name: upload.name,
      data,
      ...hashes,
      generation: nextGeneration(),
      metageneration: 1,
      fields: dropNulls(fields),
      metadata: mergeMetadata(undefined, upload.resource.metadata),
      timeCreated: now,
      updated: now,
    };
    bucket.objects.set(upload.name, object);
    return object;
  };

  const handlers = {
    async createBucket(exchange: Exchange) {
      const resource = await readJsonBody(exchange.request);
      const name = optionalString(resource, "name");
      if (name === undefined || !/^[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]$/.test(name)) {
        throw invalidRequest(`Invalid bucket name: '${name ?? ""}'`);
      }
      if (buckets.has(name)) {
        throw new GcsApiError(
          409,
          "conflict",
          "Your previous request to create the named bucket succeeded and you already own it.",
        );
      }
      const bucket: StoredBucket = {
        name,
        timeCreated: new Date().toISOString(),
        objects: new Map(),
      };
      buckets.set(name, bucket);
      sendJson(exchange.response, 200, bucketResource(bucket, exchange.origin));
    },

    listBuckets(exchange: Exchange) {
      const items = [...buckets.values()]
        .sort((left, right) => compareNames(left.name, right.name))
        .map((bucket) => bucketResource(bucket, exchange.origin));
      sendJson(exchange.response, 200, {
        kind: "storage#buckets",
        ...(items.length > 0 ? { items } : {}),
      });
    },

    getBucket(exchange: Exchange, bucketName: string) {
      sendJson(exchange.response, 200, bucketResource(findBucket(bucketName), exchange.origin));
    },

    deleteBucket(exchange: Exchange, bucketName: string) {
      const bucket = findBucket(bucketName);
      if (bucket.objects.size > 0) {
        throw new GcsApiError(409, "conflict", "The bucket you tried to delete is not empty.");
      }
      buckets.delete(bucketName);
      sendEmpty(exchange.response, 204);
    },

    listObjects(exchange: Exchange, bucketName: string) {
      const bucket = findBucket(bucketName);
      const query = exchange.query;
      if (query.get("matchGlob") !== null) {
        throw invalidRequest("matchGlob is not implemented by the spotkit GCS fake");
      }
      const maxResults = query.get("maxResults");
      const page = listPage([...bucket.objects.keys()].sort(compareNames), {
        prefix: query.get("prefix") ?? undefined,
        delimiter: query.get("delimiter") ?? undefined,
        maxResults: maxResults === null ? undefined : Number(maxResults),
        pageToken: query.get("pageToken") ?? undefined,
        startOffset: query.get("startOffset") ?? undefined,
        endOffset: query.get("endOffset") ?? undefined,
        includeTrailingDelimiter: query.get("includeTrailingDelimiter") === "true",
      });
      const items = page.names.map((name) =>
        objectResource(bucket.objects.get(name) as StoredObject, exchange.origin),
      );
      sendJson(exchange.response, 200, {
        kind: "storage#objects",
        ...(page.prefixes.length > 0 ? { prefixes: page.prefixes } : {}),
        ...(items.length > 0 ? { items } : {}),
        ...(page.nextPageToken !== undefined ? { nextPageToken: page.nextPageToken } : {}),
      });
    },

    getObject(exchange: Exchange, bucketName: string, name: string) {
      const object = findObject(bucketName, name, exchange.query);
      checkPreconditions(exchange.query, object, "read");
      if (exchange.query.get("alt") === "media") {
        sendMedia(exchange, object);
        return;
      }
      sendJson(exchange.response, 200, objectResource(object, exchange.origin));
    },

    deleteObject(exchange: Exchange, bucketName: string, name: string) {
      const object = findObject(bucketName, name, exchange.query);
      checkPreconditions(exchange.query, object, "write");
      findBucket(bucketName).objects.delete(name);
      sendEmpty(exchange.response, 204);
    },

    async patchObject(exchange: Exchange, bucketName: string, name: string) {
      const patch = await readJsonBody(exchange.request);
      const object = findObject(bucketName, name, exchange.query);
      checkPreconditions(exchange.query, object, "write");
      const fields = { ...object.fields, ...readWritableFields(patch) };
      object.fields = dropNulls(fields);
      if ("metadata" in patch) {
        object.metadata =
          patch.metadata === null ? undefined : mergeMetadata(object.metadata, patch.metadata);
      }
      object.metageneration += 1;
      object.updated = new Date().toISOString();
      sendJson(exchange.response, 200, objectResource(object, exchange.origin));
    },

    async copyObject(
      exchange: Exchange,
      kind: "rewriteTo" | "copyTo",
      source: { bucket: string; name: string },
      destination: { bucket: string; name: string },
    ) {
      const overrides = await readJsonBody(exchange.request);
      const query = exchange.query;
      const sourceQuery = new URLSearchParams();
      for (const [key, value] of query) {
        // ifSourceGenerationMatch → ifGenerationMatch, sourceGeneration → generation.
        if (key.startsWith("ifSource")) {
          sourceQuery.set(`if${key.slice("ifSource".length)}`, value);
        } else if (key === "sourceGeneration") {
          sourceQuery.set("generation", value);
        }
      }
      const sourceObject = findObject(source.bucket, source.name, sourceQuery);
      checkPreconditions(sourceQuery, sourceObject, "write");
      const targetBucket = findBucket(destination.bucket);
      validateObjectName(destination.name);
      checkPreconditions(query, targetBucket.objects.get(destination.name), "write");
      const now = new Date().toISOString();
      const copied: StoredObject = {
        ...sourceObject,
        bucket: destination.bucket,
        name: destination.name,
        generation: nextGeneration(),
        metageneration: 1,
        fields: dropNulls({ ...sourceObject.fields, ...readWritableFields(overrides) }),
        metadata:
          "metadata" in overrides
            ? mergeMetadata(sourceObject.metadata, overrides.metadata)
            : sourceObject.metadata,
        timeCreated: now,
        updated: now,
      };
      targetBucket.objects.set(destination.name, copied);
      const resource = objectResource(copied, exchange.origin);
      if (kind === "copyTo") {
        sendJson(exchange.response, 200, resource);
        return;
      }
      sendJson(exchange.response, 200, {
        kind: "storage#rewriteResponse",
        totalBytesRewritten: String(copied.data.length),
        objectSize: String(copied.data.length),
        done: true,
        resource,
      });
    },

    async startUpload(exchange: Exchange, bucketName: string) {
      const { request, query } = exchange;
      const uploadType = query.get("uploadType");
      if (uploadType === "media") {
        const data = await readBody(request);
        const upload = describeUpload(bucketName, query, {}, request.headers["content-type"]);
        const contentEncoding = query.get("contentEncoding");
        if (contentEncoding !== null) {
          upload.resource.contentEncoding = contentEncoding;
        }
        const object = commitUpload(upload, data, parseGoogHash(request.headers["x-goog-hash"]));
        sendJson(exchange.response, 200, objectResource(object, exchange.origin));
        return;
      }
      if (uploadType === "multipart") {
        const body = await readBody(request);
        const parts = parseMultipartUpload(request.headers["content-type"], body);
        const upload = describeUpload(bucketName, query, parts.metadata, parts.mediaContentType);
        const object = commitUpload(
          upload,
          parts.media,
          parseGoogHash(request.headers["x-goog-hash"]),
        );
        sendJson(exchange.response, 200, objectResource(object, exchange.origin));
        return;
      }
      if (uploadType === "resumable") {
        const body = await readBody(request);
        const resource = body.length === 0 ? {} : parseJsonObject(body);
        const upload = describeUpload(
          bucketName,
          query,
          resource,
          headerValue(request.headers["x-upload-content-type"]),
        );
        // GCS checks preconditions when the session starts, and again when it finishes.
        checkPreconditions(query, findBucket(bucketName).objects.get(upload.name), "write");
        const declared = headerValue(request.headers["x-upload-content-length"]);
        if (declared !== undefined && !/^\d+$/.test(declared)) {
          throw invalidRequest(`Invalid X-Upload-Content-Length: "${declared}"`);
        }
        const id = randomBytes(24).toString("base64url");
        sessions.set(id, {
          ...upload,
          id,
          state: "open",
          chunks: [],
          receivedBytes: 0,
          declaredLength: declared === undefined ? undefined : Number(declared),
          result: undefined,
        });
        const location = `${exchange.origin}/upload/storage/v1/b/${encodeURIComponent(bucketName)}/o?uploadType=resumable&name=${encodeURIComponent(upload.name)}&upload_id=${id}`;
        exchange.response.writeHead(200, {
          location,
          "x-guploader-uploadid": id,
          "content-length": "0",
        });
        exchange.response.end();
        return;
      }
      throw invalidRequest(
        uploadType === null
          ? "Upload requests need an uploadType: media, multipart or resumable"
          : `Invalid upload type: "${uploadType}". Use media, multipart or resumable.`,
      );
    },

    async continueUpload(exchange: Exchange, session: UploadSession) {
      const { request, response } = exchange;
      const range = parseUploadContentRange(headerValue(request.headers["content-range"]));
      const body = await readBody(request);
      if (session.state === "cancelled") {
        throw new GcsApiError(410, "gone", "The upload session was cancelled.");
      }
      if (session.state === "failed") {
        throw new GcsApiError(410, "gone", "The upload session failed; start a new one.");
      }
      if (session.state === "finished" && session.result !== undefined) {
        sendJson(response, 200, objectResource(session.result, exchange.origin));
        return;
      }
      let finalSize: number | undefined;
      if (range?.kind === "status") {
        if (body.length > 0) {
          throw invalidRequest("A status query (Content-Range: bytes */…) must have no body");
        }
        if (range.total !== undefined && range.total < session.receivedBytes) {
          throw invalidRequest(
            `The total size ${range.total} is smaller than the ${session.receivedBytes} bytes already uploaded`,
          );
        }
        finalSize = range.total === session.receivedBytes ? range.total : undefined;
      } else {
        // No Content-Range: the whole object in this one request.
        const chunk = range ?? { kind: "chunk", first: 0, last: undefined, total: undefined };
        if (chunk.last !== undefined && body.length !== chunk.last - chunk.first + 1) {
          throw invalidRequest(
            `Content-Range says ${chunk.last - chunk.first + 1} bytes but the request has ${body.length}`,
          );
        }
        if (chunk.first > session.receivedBytes) {
          throw invalidRequest(
            `Invalid request. According to the Content-Range header, the upload offset is ${chunk.first} byte(s), which exceeds already uploaded size of ${session.receivedBytes} byte(s).`,
          );
        }
        const end = chunk.first + body.length;
        const total = chunk.total ?? (chunk.last === undefined ? end : undefined);
        if (total !== undefined && end > total) {
          throw invalidRequest(`The chunk ends at byte ${end}, past the total size ${total}`);
        }
        const isLast = total !== undefined && end === total;
        if (total !== undefined && total < session.receivedBytes) {
          throw invalidRequest(
            `The total size ${total} is smaller than the ${session.receivedBytes} bytes already uploaded`,
          );
        }
        if (!isLast && body.length % resumableChunkGranularity !== 0) {
          throw invalidRequest(
            `Invalid request. The number of bytes uploaded is required to be equal or greater than 262144, except for the final request (it's recommended to be the exact multiple of 262144). The received request contained ${body.length} bytes, which does not meet this requirement.`,
          );
        }
        // Bytes the session already has (a client resending after a lost answer) are skipped.
        const fresh = body.subarray(Math.min(session.receivedBytes - chunk.first, body.length));
        if (fresh.length > 0) {
          session.chunks.push(fresh);
          session.receivedBytes += fresh.length;
        }
        finalSize = isLast ? total : undefined;
      }
      if (finalSize === undefined) {
        response.writeHead(308, {
          ...(session.receivedBytes > 0 ? { range: `bytes=0-${session.receivedBytes - 1}` } : {}),
          "x-guploader-uploadid": session.id,
          "content-length": "0",
        });
        response.end();
        return;
      }
      try {
        if (session.declaredLength !== undefined && session.declaredLength !== finalSize) {
          throw invalidRequest(
            `The upload has ${finalSize} bytes but X-Upload-Content-Length announced ${session.declaredLength}`,
          );
        }
        session.result = commitUpload(
          session,
          Buffer.concat(session.chunks),
          parseGoogHash(request.headers["x-goog-hash"]),
        );
        session.state = "finished";
        session.chunks = [];
      } catch (error) {
        session.state = "failed";
        session.chunks = [];
        throw error;
      }
      sendJson(response, 200, objectResource(session.result, exchange.origin));
    },

    cancelUpload(exchange: Exchange, session: UploadSession) {
      exchange.request.resume();
      if (session.state === "open") {
        session.state = "cancelled";
        session.chunks = [];
      }
      // GCS answers a cancelled session with 499 "Client Closed Request".
      sendEmpty(exchange.response, 499);
    },
  };

  /** Name, metadata and content type of an upload, from the query and the metadata part. */
  const describeUpload = (
    bucketName: string,
    query: URLSearchParams,
    resource: Record<string, unknown>,
    contentType: string | undefined,
  ): UploadRequest => {
    findBucket(bucketName);
    const name = query.get("name") ?? optionalString(resource, "name");
    if (name === undefined) {
      throw new GcsApiError(400, "required", "Required parameter: name", {
        locationType: "parameter",
        location: "name",
      });
    }
    validateObjectName(name);
    return { bucket: bucketName, name, resource, contentType, query };
  };

  const route = async (exchange: Exchange) => {
    const { request } = exchange;
    const method = request.method ?? "GET";
    const rawPath = (request.url ?? "/").split("?")[0] ?? "/";
    const segments = rawPath.split("/").slice(1).map(decodeSegment);
    const [root, ...rest] = segments;
    if (root === "upload" && rest[0] === "storage" && rest[1] === "v1" && rest[2] === "b") {
      const bucketName = rest[3];
      if (bucketName !== undefined && rest[4] === "o" && rest.length === 5) {
        const uploadId = exchange.query.get("upload_id");
        if (uploadId === null) {
          if (method === "POST") {
            return await handlers.startUpload(exchange, bucketName);
          }
        } else {
          const session = sessions.get(uploadId);
          if (session === undefined || session.bucket !== bucketName) {
            request.resume();
            throw new GcsApiError(404, "notFound", `No upload session with id "${uploadId}"`);
          }
          if (method === "PUT" || method === "POST") {
            return await handlers.continueUpload(exchange, session);
          }
          if (method === "DELETE") {
            return handlers.cancelUpload(exchange, session);
          }
        }
      }
    }
    // mediaLink URLs are /download/storage/v1/…; they serve the same objects.
    const apiSegments = root === "download" ? rest : segments;
    const [storage, version, b, bucketName, o, name, action, b2, targetBucket, o2, targetName] =
      apiSegments;
    if (storage === "storage" && version === "v1" && b === "b") {
      if (bucketName === undefined) {
        if (method === "POST") {
          return await handlers.createBucket(exchange);
        }
        if (method === "GET") {
          return handlers.listBuckets(exchange);
        }
      } else if (o === undefined) {
        if (method === "GET") {
          return handlers.getBucket(exchange, bucketName);
        }
        if (method === "DELETE") {
          return handlers.deleteBucket(exchange, bucketName);
        }
      } else if (o === "o" && name === undefined && apiSegments.length === 5) {
        if (method === "GET") {
          return handlers.listObjects(exchange, bucketName);
        }
      } else if (o === "o" && name !== undefined && apiSegments.length === 6) {
        if (method === "GET" || method === "HEAD") {
          return handlers.getObject(exchange, bucketName, name);
        }
        if (method === "DELETE") {
          return handlers.deleteObject(exchange, bucketName, name);
        }
        if (method === "PATCH") {
          return await handlers.patchObject(exchange, bucketName, name);
        }
      } else if (
        o === "o" &&
        name !== undefined &&
        (action === "rewriteTo" || action === "copyTo") &&
        b2 === "b" &&
        targetBucket !== undefined &&
        o2 === "o" &&
        targetName !== undefined &&
        apiSegments.length === 11 &&
        method === "POST"
      ) {
        return await handlers.copyObject(
          exchange,
          action,
          { bucket: bucketName, name },
          { bucket: targetBucket, name: targetName },
        );
      }
    }
    request.resume();
    throw new GcsApiError(404, "notFound", `Not Found: ${method} ${rawPath}`);
  };

  const server = createServer((request, response) => {
    requestCount += 1;
    const host = request.headers.host ?? "127.0.0.1";
    const exchange: Exchange = {
      request,
      response,
      origin: `http://${host}`,
      query: new URL(request.url ?? "/", "http://placeholder").searchParams,
    };
    const handle = async () => {
      checkAuthorization(request, options.requireToken);
      await route(exchange);
    };
    handle().catch((error: unknown) => {
      if (error instanceof ClientGoneError || response.headersSent || response.destroyed) {
        response.destroy();
        return;
      }
      request.resume();
      if (error instanceof GcsApiError) {
        if (error.status === 304) {
          sendEmpty(response, 304);
          return;
        }
        const body = error.toJson();
        response.writeHead(error.status, {
          "content-type": "application/json; charset=UTF-8",
          "content-length": String(Buffer.byteLength(body)),
          ...(error.status === 401
            ? { "www-authenticate": 'Bearer realm="https://accounts.google.com/"' }
            : {}),
        });
        response.end(body);
        return;
      }
      const body = new GcsApiError(
        500,
        "backendError",
        `GCS fake failed: ${(error as Error).message}`,
      ).toJson();
      response.writeHead(500, { "content-type": "application/json; charset=UTF-8" });
      response.end(body);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen({ host: "127.0.0.1", port: 0 }, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  let stopping: Promise<void> | undefined;
  const findForTest = (bucketName: string): StoredBucket => {
    const bucket = buckets.get(bucketName);
    if (bucket === undefined) {
      throw new TestPeerError("E_PEER_NOT_FOUND", `The GCS fake has no bucket "${bucketName}"`);
    }
    return bucket;
  };
  return {
    endpoint: `http://127.0.0.1:${port}`,
    projectId: options.projectId ?? "spotkit-test",
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopping;
    },
    openUploads() {
      return [...sessions.values()].filter((session) => session.state === "open").length;
    },
    objects(bucketName) {
      return [...findForTest(bucketName).objects.values()]
        .sort((left, right) => compareNames(left.name, right.name))
        .map((object) => ({
          name: object.name,
          size: object.data.length,
          md5Hash: object.md5Hash,
          crc32c: object.crc32c,
        }));
    },
    corruptObject(bucketName, name) {
      const object = findForTest(bucketName).objects.get(name);
      if (object === undefined || object.data.length === 0) {
        throw new TestPeerError(
          "E_PEER_NOT_FOUND",
          `The GCS fake has no non-empty object "${name}" in bucket "${bucketName}"`,
        );
      }
      const data = Buffer.from(object.data);
      data[0] = (data[0] as number) ^ 0xff;
      object.data = data;
    },
    get requests() {
      return requestCount;
    },
  };
}

/** The client closed the connection before its request body arrived. */
class ClientGoneError extends Error {}

function checkAuthorization(request: IncomingMessage, requireToken: string | undefined): void {
  if (requireToken === undefined) {
    return;
  }
  const header = request.headers.authorization;
  if (header === undefined) {
    request.resume();
    throw new GcsApiError(
      401,
      "required",
      "Anonymous caller does not have storage access to the spotkit GCS fake.",
      { locationType: "header", location: "Authorization" },
    );
  }
  if (header !== `Bearer ${requireToken}`) {
    request.resume();
    throw new GcsApiError(401, "authError", "Invalid Credentials", {
      locationType: "header",
      location: "Authorization",
    });
  }
}

/**
 * Checks the precondition query parameters against the current object (`undefined` when there is
 * none, which has generation 0). Writes fail with 412; on reads the "not match" conditions answer
 * 304 as GCS does.
 */
function checkPreconditions(
  query: URLSearchParams,
  current: StoredObject | undefined,
  access: "read" | "write",
): void {
  const number = (key: string) => {
    const value = query.get(key);
    if (value === null) {
      return undefined;
    }
    if (!/^-?\d+$/.test(value)) {
      throw invalidRequest(`Invalid value for ${key}: "${value}"`);
    }
    return value.replace(/^0+(?=\d)/, "");
  };
  const generation = current?.generation ?? "0";
  const metageneration = current === undefined ? undefined : String(current.metageneration);
  const failed = (condition: string) =>
    new GcsApiError(
      412,
      "conditionNotMet",
      `At least one of the pre-conditions you specified did not hold. (${condition})`,
      { locationType: "header", location: "If-Match" },
    );
  const generationMatch = number("ifGenerationMatch");
  if (generationMatch !== undefined && generationMatch !== generation) {
    throw failed(`ifGenerationMatch=${generationMatch}, generation is ${generation}`);
  }
  const metagenerationMatch = number("ifMetagenerationMatch");
  if (metagenerationMatch !== undefined && metagenerationMatch !== metageneration) {
    throw failed(
      `ifMetagenerationMatch=${metagenerationMatch}, metageneration is ${metageneration ?? "none"}`,
    );
  }
  const generationNotMatch = number("ifGenerationNotMatch");
  if (generationNotMatch !== undefined && generationNotMatch === generation) {
    if (access === "read") {
      throw new GcsApiError(304, "notModified", "Not Modified");
    }
    throw failed(`ifGenerationNotMatch=${generationNotMatch}`);
  }
  const metagenerationNotMatch = number("ifMetagenerationNotMatch");
  if (metagenerationNotMatch !== undefined && metagenerationNotMatch === metageneration) {
    if (access === "read") {
      throw new GcsApiError(304, "notModified", "Not Modified");
    }
    throw failed(`ifMetagenerationNotMatch=${metagenerationNotMatch}`);
  }
}

function validateObjectName(name: string): void {
  const problem =
    name === ""
      ? "it is empty"
      : Buffer.byteLength(name, "utf8") > 1024
        ? "it is longer than 1024 bytes"
        : /[\r\n]/.test(name)
          ? "it contains a line break"
          : name === "." || name === ".."
            ? 'it is "." or ".."'
            : undefined;
  if (problem !== undefined) {
    throw invalidRequest(`Invalid object name: ${problem}`);
  }
}

/** The writable fields present in a resource; `null` clears a field. */
function readWritableFields(
  resource: Record<string, unknown>,
): Partial<Record<WritableField, string | null>> {
  const fields: Partial<Record<WritableField, string | null>> = {};
  for (const field of writableFields) {
    const value = resource[field];
    if (value === null) {
      fields[field] = null;
    } else if (typeof value === "string") {
      fields[field] = value;
    } else if (value !== undefined) {
      throw invalidRequest(`Invalid value for ${field}: it must be a string`);
    }
  }
  return fields;
}

function dropNulls(
  fields: Partial<Record<WritableField, string | null>>,
): Partial<Record<WritableField, string>> {
  const kept: Partial<Record<WritableField, string>> = {};
  for (const field of writableFields) {
    const value = fields[field];
    if (typeof value === "string") {
      kept[field] = value;
    }
  }
  return kept;
}

/** Applies a `metadata` map from a request: keys set to `null` are removed, others set as text. */
function mergeMetadata(
  current: Record<string, string> | undefined,
  update: unknown,
): Record<string, string> | undefined {
  if (update === undefined || update === null) {
    return current;
  }
  if (typeof update !== "object" || Array.isArray(update)) {
    throw invalidRequest("Invalid value for metadata: it must be an object of strings");
  }
  const merged: Record<string, string> = { ...current };
  for (const [key, value] of Object.entries(update)) {
    if (value === null) {
      delete merged[key];
    } else if (typeof value === "object") {
      throw invalidRequest(`Invalid value for metadata.${key}: it must be a string`);
    } else {
      merged[key] = String(value);
    }
  }
  return Object.keys(merged).length > 0 ? merged : undefined;
}

function objectResource(object: StoredObject, origin: string): Record<string, unknown> {
  const path = `b/${encodeURIComponent(object.bucket)}/o/${encodeURIComponent(object.name)}`;
  return {
    kind: "storage#object",
    id: `${object.bucket}/${object.name}/${object.generation}`,
    selfLink: `${origin}/storage/v1/${path}`,
    mediaLink: `${origin}/download/storage/v1/${path}?generation=${object.generation}&alt=media`,
    name: object.name,
    bucket: object.bucket,
    generation: object.generation,
    metageneration: String(object.metageneration),
    storageClass: "STANDARD",
    size: String(object.data.length),
    md5Hash: object.md5Hash,
    crc32c: object.crc32c,
    etag: Buffer.from(`${object.generation}/${object.metageneration}`).toString("base64"),
    timeCreated: object.timeCreated,
    updated: object.updated,
    timeStorageClassUpdated: object.timeCreated,
    ...object.fields,
    ...(object.metadata !== undefined ? { metadata: { ...object.metadata } } : {}),
  };
}

function bucketResource(bucket: StoredBucket, origin: string): Record<string, unknown> {
  return {
    kind: "storage#bucket",
    id: bucket.name,
    selfLink: `${origin}/storage/v1/b/${encodeURIComponent(bucket.name)}`,
    name: bucket.name,
    projectNumber: "0",
    metageneration: "1",
    location: "US",
    locationType: "multi-region",
    storageClass: "STANDARD",
    etag: "CAE=",
    timeCreated: bucket.timeCreated,
    updated: bucket.timeCreated,
  };
}

function sendMedia(exchange: Exchange, object: StoredObject): void {
  const { request, response } = exchange;
  const size = object.data.length;
  const range = resolveByteRange(headerValue(request.headers.range), size);
  const headers: Record<string, string> = {
    "content-type": object.fields.contentType ?? "application/octet-stream",
    "cache-control": object.fields.cacheControl ?? "private, max-age=0",
    etag: `"${Buffer.from(object.md5Hash, "base64").toString("hex")}"`,
    "last-modified": new Date(object.updated).toUTCString(),
    "accept-ranges": "bytes",
    // One header, comma-joined without spaces, as the client splits it.
    "x-goog-hash": `crc32c=${object.crc32c},md5=${object.md5Hash}`,
    "x-goog-generation": object.generation,
    "x-goog-metageneration": String(object.metageneration),
    "x-goog-stored-content-encoding": object.fields.contentEncoding ?? "identity",
    "x-goog-stored-content-length": String(size),
    "x-goog-storage-class": "STANDARD",
  };
  if (object.fields.contentEncoding !== undefined) {
    headers["content-encoding"] = object.fields.contentEncoding;
  }
  if (object.fields.contentDisposition !== undefined) {
    headers["content-disposition"] = object.fields.contentDisposition;
  }
  if (object.fields.contentLanguage !== undefined) {
    headers["content-language"] = object.fields.contentLanguage;
  }
  for (const [key, value] of Object.entries(object.metadata ?? {})) {
    headers[`x-goog-meta-${key}`] = value;
  }
  if (range.kind === "unsatisfiable") {
    const body = new GcsApiError(
      416,
      "requestedRangeNotSatisfiable",
      "Request range not satisfiable",
    ).toJson();
    response.writeHead(416, {
      "content-type": "application/json; charset=UTF-8",
      "content-range": `bytes */${size}`,
      "content-length": String(Buffer.byteLength(body)),
    });
    response.end(body);
    return;
  }
  if (range.kind === "partial") {
    const slice = object.data.subarray(range.start, range.end + 1);
    response.writeHead(206, {
      ...headers,
      "content-range": `bytes ${range.start}-${range.end}/${size}`,
      "content-length": String(slice.length),
    });
    response.end(slice);
    return;
  }
  response.writeHead(200, { ...headers, "content-length": String(size) });
  response.end(object.data);
}

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  response.writeHead(status, {
    "content-type": "application/json; charset=UTF-8",
    "content-length": String(Buffer.byteLength(body)),
  });
  response.end(body);
}

function sendEmpty(response: ServerResponse, status: number): void {
  response.writeHead(status, { "content-length": "0" });
  response.end();
}

/** Reads a request body; rejects with {@link ClientGoneError} when the client disconnects first. */
async function readBody(request: IncomingMessage): Promise<Buffer> {
  return await new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.once("end", () => resolve(Buffer.concat(chunks)));
    request.once("error", () => reject(new ClientGoneError()));
    request.once("close", () => {
      if (!request.complete) {
        reject(new ClientGoneError());
      }
    });
  });
}

async function readJsonBody(request: IncomingMessage): Promise<Record<string, unknown>> {
  const body = await readBody(request);
  return body.length === 0 ? {} : parseJsonObject(body);
}

function parseJsonObject(body: Buffer): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString("utf8"));
  } catch {
    throw new GcsApiError(400, "parseError", "Parse Error: the request body is not JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw invalidRequest("The request body must be a JSON object");
  }
  return value as Record<string, unknown>;
}

function optionalString(resource: Record<string, unknown>, key: string): string | undefined {
  const value = resource[key];
  if (value === undefined || value === null) {
    return undefined;
  }
  if (typeof value !== "string") {
    throw invalidRequest(`Invalid value for ${key}: it must be a string`);
  }
  return value;
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw invalidRequest(`The path segment "${segment}" is not valid percent-encoding`);
  }
}
