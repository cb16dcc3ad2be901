import { createHash } from "node:crypto";
import { PassThrough, Readable } from "node:stream";
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
  UploadPartCommand,
} from "@aws-sdk/client-s3";
import { Upload } from "@aws-sdk/lib-storage";
import { retry } from "@spotkit/runtime";
import { isRetryableS3Error, s3ErrorName, s3ErrorStatus } from "./s3-errors.js";
import {
  assertMd5Hex,
  checkMd5,
  checkSize,
  md5HexToBase64,
  sendConditional,
  wasWrittenDespite,
} from "./s3-write-checks.js";
import { StorageError } from "./storage-error.js";

/** What {@link uploadS3Object} needs. */
export interface S3UploadRequest {
  client: S3Client;
  /** Bucket, key and every header of the object (metadata, ACL, encryption…); no body. */
  params: Omit<PutObjectCommandInput, "Body">;
  body: Readable | Uint8Array;
  /** Bytes per part; the body goes up in one PutObject when it fits in one part. */
  partSize: number;
  /** Parts in flight at once. */
  concurrency: number;
  /** Size in bytes announced by the caller; the upload fails if the body has another size. */
  size?: number;
  /**
   * Hex MD5 of the whole body: checked locally before the body is published, and sent as
   * Content-MD5 with a single PutObject so that the server checks what it received.
   */
  md5?: string;
  /** Called right before CompleteMultipartUpload (the `ifNotExists` emulation checks again there). */
  beforeComplete?: () => Promise<void>;
  /** Called when the server refuses the `If-None-Match` header (501); the request is then sent without it. */
  onConditionalWriteUnsupported?: () => void;
  onProgress?: (bytesSent: number) => void;
  signal?: AbortSignal;
}

/**
 * Uploads one object with lib-storage's `Upload` (one PutObject up to `partSize`, a multipart
 * upload above), and makes sure that a failed or aborted upload leaves no incomplete multipart
 * upload behind: when `put` rejects, AbortMultipartUpload has already been answered.
 *
 * lib-storage alone does not give that guarantee: on abort its `done()` rejects at once while the
 * parts in flight keep going, and its own AbortMultipartUpload runs later in the background; after a
 * failed part the other workers keep reading and uploading the rest of the body. So the client
 * is wrapped: every UploadPart/PutObject gets an abort signal that fires on the caller's abort
 * or on the first failed part, the upload id is recorded as soon as it exists, and after a
 * failure this function waits for the requests in flight to settle and aborts the upload itself
 * (an AbortMultipartUpload of an upload lib-storage already aborted answers NoSuchUpload, ignored).
 *
 * Each request (part, PutObject, Complete) is retried by the SDK (standard retry mode).
 */
export async function uploadS3Object(
  request: S3UploadRequest,
): Promise<{ etag?: string; versionId?: string }> {
  const { client, params, signal } = request;
  signal?.throwIfAborted();
  if (request.md5 !== undefined) {
    assertMd5Hex(request.md5);
  }
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal?.reason);
  signal?.addEventListener("abort", onAbort, { once: true });

  const state: UploadState = { completed: false, inFlight: new Set() };
  const counted = countBody(request.body, request.md5 !== undefined);
  const upload = new Upload({
    client: instrumentClient(client, request, state, stop, counted),
    // No ContentLength: a wrong `size` would make lib-storage fail with its own part-count
    // message; `checkSize` reports it instead, before anything is completed.
    params: { ...params, Body: counted.body },
    partSize: request.partSize,
    queueSize: request.concurrency,
    leavePartsOnError: false,
    abortController: stop,
  });
  if (request.onProgress) {
    const onProgress = request.onProgress;
    upload.on("httpUploadProgress", (progress) => {
      if (progress.loaded !== undefined) {
        onProgress(progress.loaded);
      }
    });
  }
  try {
    const result = await upload.done();
    return {
      ...(result.ETag ? { etag: result.ETag.replaceAll('"', "") } : {}),
      ...(result.VersionId ? { versionId: result.VersionId } : {}),
    };
  } catch (error) {
    stop.abort();
    // The body was handed to `put`: release it (an open file, a socket) instead of leaving it paused.
    for (const stream of [counted.body, request.body]) {
      if (stream instanceof Readable && !stream.readableEnded) {
        stream.destroy();
      }
    }
    // Aborted requests settle quickly; wait so that no part lands after the upload is aborted.
    await Promise.allSettled([...state.inFlight]);
    let cleanupFailed = false;
    if (state.uploadId !== undefined && !state.completed) {
      cleanupFailed = await abortMultipartUpload(client, params, state.uploadId).then(
        () => false,
        () => true,
      );
    }
    signal?.throwIfAborted();
    if (cleanupFailed) {
      throw new StorageError(
        "E_STORAGE_UNAVAILABLE",
        `The upload of s3://${params.Bucket}/${params.Key} failed and its multipart upload ` +
          `${state.uploadId} could not be aborted: abort it (aws s3api abort-multipart-upload) ` +
          "or let a lifecycle rule expire incomplete uploads.",
      );
    }
    throw state.firstError ?? error;
  } finally {
    signal?.removeEventListener("abort", onAbort);
  }
}

// --- internal ---

interface UploadState {
  uploadId?: string;
  completed: boolean;
  /** The first error of a request, which is the one to report (later ones are its echoes). */
  firstError?: unknown;
  inFlight: Set<Promise<unknown>>;
}

interface CountedBody {
  body: Readable | Uint8Array;
  /** Bytes read so far and, when asked for, their MD5. */
  bytes(): number;
  md5Hex(): string | undefined;
}

/** Streams pass through a counter (and an MD5 when one must be checked); buffers are measured at once. */
function countBody(body: Readable | Uint8Array, hashMd5: boolean): CountedBody {
  if (!(body instanceof Readable)) {
    const digest = hashMd5 ? createHash("md5").update(body).digest("hex") : undefined;
    return { body, bytes: () => body.byteLength, md5Hex: () => digest };
  }
  const hash = hashMd5 ? createHash("md5") : undefined;
  let bytes = 0;
  const counter = new PassThrough({
    transform(chunk: Buffer, _encoding, callback) {
      bytes += chunk.byteLength;
      hash?.update(chunk);
      callback(null, chunk);
    },
  });
  body.on("error", (error) => counter.destroy(error));
  body.pipe(counter);
  let digest: string | undefined;
  return {
    body: counter,
    bytes: () => bytes,
    md5Hex: () => {
      digest ??= hash?.digest("hex");
      return digest;
    },
  };
}

/**
 * A stand-in for the client that lib-storage calls: same client, but every request it sends is
 * tracked, parts and PutObject get the stop signal, and Complete is preceded by our checks.
 */
function instrumentClient(
  client: S3Client,
  request: S3UploadRequest,
  state: UploadState,
  stop: AbortController,
  counted: CountedBody,
): S3Client {
  const send = async (command: unknown): Promise<unknown> => {
    if (command instanceof CreateMultipartUploadCommand) {
      // No abort signal: the upload id must come back even if we stop, so that it can be aborted.
      const output = await client.send(command);
      state.uploadId = output.UploadId;
      return output;
    }
    if (command instanceof UploadPartCommand) {
      return client.send(command, { abortSignal: stop.signal });
    }
    if (command instanceof PutObjectCommand) {
      checkSize(request.size, counted.bytes());
      // Checked here too: not every S3-compatible server verifies Content-MD5 (moto does not).
      checkMd5(request.md5, counted.md5Hex());
      const input =
        request.md5 === undefined
          ? command.input
          : { ...command.input, ContentMD5: md5HexToBase64(request.md5) };
      try {
        return await sendConditional(
          input,
          (conditional) =>
            client.send(new PutObjectCommand(conditional), { abortSignal: stop.signal }),
          request,
        );
      } catch (error) {
        const body = command.input.Body;
        const etag =
          body instanceof Uint8Array ? createHash("md5").update(body).digest("hex") : undefined;
        if (await wasWrittenDespite(error, client, request.params, etag)) {
          return { ETag: `"${etag}"` };
        }
        throw error;
      }
    }
    if (command instanceof CompleteMultipartUploadCommand) {
      checkSize(request.size, counted.bytes());
      checkMd5(request.md5, counted.md5Hex());
      await request.beforeComplete?.();
      try {
        const output = await sendConditional(
          command.input,
          (conditional) =>
            client.send(new CompleteMultipartUploadCommand(conditional), {
              abortSignal: stop.signal,
            }),
          request,
        );
        state.completed = true;
        return output;
      } catch (error) {
        const etag = multipartEtag(command.input.MultipartUpload?.Parts ?? []);
        if (await wasWrittenDespite(error, client, request.params, etag)) {
          state.completed = true;
          return { ETag: `"${etag}"` };
        }
        throw error;
      }
    }
    if (command instanceof AbortMultipartUploadCommand) {
      // lib-storage aborting on its own; ours follows and tolerates NoSuchUpload.
      return client.send(command).catch(() => undefined);
    }
    return client.send(command as Parameters<S3Client["send"]>[0]);
  };
  const tracked = (command: unknown) => {
    const promise = send(command).catch((error: unknown) => {
      state.firstError ??= error;
      // One part failed for good: stop the other workers instead of uploading the rest for nothing.
      stop.abort();
      throw error;
    });
    state.inFlight.add(promise);
    promise.then(
      () => state.inFlight.delete(promise),
      () => state.inFlight.delete(promise),
    );
    return promise;
  };
  return new Proxy(client, {
    get(target, property, receiver) {
      return property === "send" ? tracked : Reflect.get(target, property, receiver);
    },
  });
}

/** The ETag S3 gives a completed multipart upload: MD5 of the parts' binary MD5s, `-`, part count. */
function multipartEtag(parts: readonly { ETag?: string | undefined }[]): string | undefined {
  const digests: Buffer[] = [];
  for (const part of parts) {
    const hex = part.ETag?.replaceAll('"', "");
    if (hex === undefined || !/^[0-9a-fA-F]{32}$/.test(hex)) {
      return undefined;
    }
    digests.push(Buffer.from(hex, "hex"));
  }
  return `${createHash("md5").update(Buffer.concat(digests)).digest("hex")}-${parts.length}`;
}

async function abortMultipartUpload(
  client: S3Client,
  params: Omit<PutObjectCommandInput, "Body">,
  uploadId: string,
): Promise<void> {
  try {
    await retry(
      () =>
        client.send(
          new AbortMultipartUploadCommand({
            Bucket: params.Bucket,
            Key: params.Key,
            UploadId: uploadId,
          }),
        ),
      { attempts: 3, minDelay: 200, shouldRetry: isRetryableS3Error },
    );
  } catch (error) {
    // Already aborted (by lib-storage) or completed: nothing is left behind.
    if (s3ErrorName(error) === "NoSuchUpload" || s3ErrorStatus(error) === 404) {
      return;
    }
    throw error;
  }
}
