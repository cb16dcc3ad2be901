import { createHash } from "node:crypto";
import type { Readable } from "node:stream";
import { PutObjectCommand, type PutObjectCommandInput, type S3Client } from "@aws-sdk/client-s3";
import { retry } from "@spotkit/runtime";
import { createCheckedBody } from "./checked-body.js";
import type { DirectPut } from "./s3-direct.js";
import { isRetryableS3Error } from "./s3-errors.js";
import {
  type ConditionalWriteListener,
  checkMd5,
  checkSize,
  isConditionalWriteUnsupported,
  md5HexToBase64,
  sendConditional,
  wasWrittenDespite,
} from "./s3-write-checks.js";

/** What {@link putS3Object} needs. */
export interface S3PutObjectRequest extends ConditionalWriteListener {
  client: S3Client;
  /** Bucket, key and every header of the object (metadata, ACL, encryption…); no body. */
  params: Omit<PutObjectCommandInput, "Body">;
  /** The whole body in memory, or a stream of exactly `size` bytes. */
  body: Uint8Array | Readable;
  /** Size in bytes: required for a stream (its Content-Length), checked for a buffer. */
  size?: number;
  /**
   * Hex MD5 of the body, sent as `Content-MD5` so that the server checks what it received; a
   * buffer is also checked here, before the request (not every S3-compatible server checks).
   */
  md5?: string;
  /** Opens a stream body again from its start, to retry its request. */
  openBody?: () => Readable;
  /** Sends a buffer without the SDK's middleware when it can (see `createS3Direct`). */
  directPut?: DirectPut;
  /** Tries of a streamed request, the first included, when `openBody` is given. */
  attempts: number;
  onProgress?: (bytesSent: number) => void;
  signal?: AbortSignal;
}

/**
 * Uploads one object in a single PutObject, without lib-storage: a buffer is sent as it is (the
 * SDK retries it), a stream is sent with its Content-Length and never held in memory (retried here,
 * on a fresh stream from `openBody`, since a stream cannot be sent twice).
 *
 * Nothing is stored unless the whole body arrived with its `size` and `md5`: a buffer is checked
 * before the request; a stream's last chunk is held back until its size is checked and its source
 * ended without error (see {@link createCheckedBody}), and S3 checks its MD5 (`Content-MD5`), so a
 * failed, aborted or wrong body leaves no object behind.
 */
export async function putS3Object(
  request: S3PutObjectRequest,
): Promise<{ etag?: string; versionId?: string }> {
  request.signal?.throwIfAborted();
  const output =
    request.body instanceof Uint8Array
      ? await putBuffer(request, request.body)
      : await putStream(request, request.body);
  return {
    ...(output.ETag ? { etag: output.ETag.replaceAll('"', "") } : {}),
    ...(output.VersionId ? { versionId: output.VersionId } : {}),
  };
}

// --- internal ---

interface PutOutput {
  ETag?: string | undefined;
  VersionId?: string | undefined;
}

async function putBuffer(request: S3PutObjectRequest, body: Uint8Array): Promise<PutOutput> {
  const { client, params, signal } = request;
  checkSize(request.size, body.byteLength);
  // Checked here too: not every S3-compatible server verifies Content-MD5 (moto does not).
  const md5 = request.md5 === undefined ? undefined : createHash("md5").update(body).digest("hex");
  checkMd5(request.md5, md5);
  const input: PutObjectCommandInput = {
    ...params,
    Body: body,
    ContentLength: body.byteLength,
    ...(request.md5 === undefined ? {} : { ContentMD5: md5HexToBase64(request.md5) }),
  };
  const direct = await request.directPut?.(
    { ...params, ContentMD5: input.ContentMD5 },
    body,
    signal,
  );
  if (direct?.status === "stored") {
    request.onProgress?.(body.byteLength);
    return { ETag: direct.etag, VersionId: direct.versionId };
  }
  // A direct request that may have landed counts as a first try (see wasWrittenDespite).
  const triedBefore = direct?.reached === true ? 1 : 0;
  try {
    const output = (await sendConditional(
      input,
      (conditional) => client.send(new PutObjectCommand(conditional), { abortSignal: signal }),
      request,
    )) as PutOutput;
    request.onProgress?.(body.byteLength);
    return output;
  } catch (error) {
    signal?.throwIfAborted();
    const etag = md5 ?? createHash("md5").update(body).digest("hex");
    const attempts =
      ((error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1) + triedBefore;
    if (await wasWrittenDespite(error, client, params, etag, attempts)) {
      request.onProgress?.(body.byteLength);
      return { ETag: `"${etag}"` };
    }
    throw error;
  }
}

async function putStream(request: S3PutObjectRequest, first: Readable): Promise<PutOutput> {
  const { client, params, signal, openBody } = request;
  const size = request.size;
  if (size === undefined) {
    throw new TypeError("putS3Object: a stream body needs its size.");
  }
  let conditional = params.IfNoneMatch !== undefined;
  let opened = 0;
  const send = async (attempt: number): Promise<PutOutput> => {
    const source = opened === 0 ? first : (openBody as () => Readable)();
    opened += 1;
    // No MD5 of our own here: hashing the stream again would cost as much CPU as the upload
    // itself, and S3 checks the `Content-MD5` we send before it stores anything (as GCS checks
    // `md5Hash`). The size is checked, and the last chunk held back until it is.
    const body = createCheckedBody(source, { size }, request.onProgress);
    // The SDK pipes the body into the request and never looks back: when the body fails, the
    // request would wait for bytes until it times out. Stop it at once instead.
    const stop = new AbortController();
    let bodyError: { error: unknown } | undefined;
    body.once("error", (error) => {
      bodyError = { error };
      stop.abort(error);
    });
    const abortSignal = signal === undefined ? stop.signal : AbortSignal.any([signal, stop.signal]);
    try {
      return (await client.send(
        new PutObjectCommand({
          ...params,
          ...(conditional ? {} : { IfNoneMatch: undefined }),
          Body: body,
          ContentLength: size,
          ...(request.md5 === undefined ? {} : { ContentMD5: md5HexToBase64(request.md5) }),
        }),
        { abortSignal },
      )) as PutOutput;
    } catch (error) {
      body.destroy();
      signal?.throwIfAborted();
      if (bodyError !== undefined) throw new UnretryableBodyError(bodyError.error);
      if (conditional && isConditionalWriteUnsupported(error)) {
        conditional = false;
        request.onConditionalWriteUnsupported?.();
        throw new ConditionalRetry(error);
      }
      if (await wasWrittenDespite(error, client, params, request.md5?.toLowerCase(), attempt)) {
        return { ETag: `"${request.md5?.toLowerCase()}"` };
      }
      throw error;
    }
  };
  try {
    return await retry(send, {
      attempts: openBody === undefined ? 1 : Math.max(1, request.attempts),
      minDelay: 200,
      shouldRetry: (error) =>
        error instanceof ConditionalRetry ||
        (!(error instanceof UnretryableBodyError) && isRetryableS3Error(error)),
      ...(signal ? { signal } : {}),
    });
  } catch (error) {
    if (error instanceof UnretryableBodyError || error instanceof ConditionalRetry) {
      throw error.cause;
    }
    throw error;
  }
}

/** The body itself failed (its source, its size, its MD5): sending it again cannot help. */
class UnretryableBodyError extends Error {
  constructor(cause: unknown) {
    super("The body of the upload failed.", { cause });
  }
}

/** The server refused `If-None-Match`: send again (on a fresh body) without it. */
class ConditionalRetry extends Error {
  constructor(cause: unknown) {
    super("The server does not implement If-None-Match.", { cause });
  }
}
