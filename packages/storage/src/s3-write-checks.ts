import { HeadObjectCommand, type PutObjectCommandInput, type S3Client } from "@aws-sdk/client-s3";
import { s3ErrorName, s3ErrorStatus } from "./s3-errors.js";
import { StorageError } from "./storage-error.js";

/** What {@link sendConditional} reports to. */
export interface ConditionalWriteListener {
  /** Called when the server refuses the `If-None-Match` header (501); the request is then sent without it. */
  onConditionalWriteUnsupported?: () => void;
}

/**
 * Sends a conditional write; when the server answers 501 to `If-None-Match` (it does not implement
 * conditional writes), reports it and sends the request again without the header. Only for
 * requests whose body can be sent twice (a buffer, or no body).
 */
export async function sendConditional<Input extends { IfNoneMatch?: string | undefined }>(
  input: Input,
  send: (input: Input) => Promise<unknown>,
  listener: ConditionalWriteListener,
): Promise<unknown> {
  try {
    return await send(input);
  } catch (error) {
    if (input.IfNoneMatch === undefined || !isConditionalWriteUnsupported(error)) {
      throw error;
    }
    listener.onConditionalWriteUnsupported?.();
    return send({ ...input, IfNoneMatch: undefined });
  }
}

/** True when the server answered a conditional write with 501: it does not implement `If-None-Match`. */
export function isConditionalWriteUnsupported(error: unknown): boolean {
  return s3ErrorStatus(error) === 501 || s3ErrorName(error) === "NotImplemented";
}

/**
 * Whether a write that was tried again did land: when the response of the first try was lost, the
 * retry fails because the first try succeeded (412 for `If-None-Match`, NoSuchUpload for a second
 * CompleteMultipartUpload). If the object now carries exactly the ETag our write gives it, the
 * write is ours and succeeded. (A rival writing identical bytes in that instant is
 * indistinguishable, and harmless.)
 *
 * @param attempts tries the write took; by default the SDK's count on the error.
 */
export async function wasWrittenDespite(
  error: unknown,
  client: S3Client,
  params: Omit<PutObjectCommandInput, "Body">,
  expectedEtag: string | undefined,
  attempts = (error as { $metadata?: { attempts?: number } }).$metadata?.attempts ?? 1,
): Promise<boolean> {
  const status = s3ErrorStatus(error);
  const lostResponse = status === 412 || s3ErrorName(error) === "NoSuchUpload";
  if (attempts < 2 || !lostResponse || expectedEtag === undefined) {
    return false;
  }
  const head = await client
    .send(new HeadObjectCommand({ Bucket: params.Bucket, Key: params.Key }))
    .catch(() => undefined);
  return head?.ETag?.replaceAll('"', "") === expectedEtag;
}

/**
 * Checks that a body had the size the caller announced.
 *
 * @throws {StorageError} `E_STORAGE_INTEGRITY` when it did not.
 */
export function checkSize(expected: number | undefined, actual: number): void {
  if (expected !== undefined && expected !== actual) {
    throw sizeMismatch(expected, actual);
  }
}

/** The error of a body whose size is not the one announced. */
export function sizeMismatch(expected: number, actual: number, more = false): StorageError {
  return new StorageError(
    "E_STORAGE_INTEGRITY",
    `The body had ${more ? "more than " : ""}${actual} bytes but \`size\` said ${expected}: pass the body's real size (or none).`,
  );
}

/**
 * Checks that a body had the MD5 the caller announced (nothing to check when either is unknown).
 *
 * @throws {StorageError} `E_STORAGE_INTEGRITY` when it did not.
 */
export function checkMd5(expected: string | undefined, actual: string | undefined): void {
  if (expected !== undefined && actual !== undefined && expected.toLowerCase() !== actual) {
    throw new StorageError(
      "E_STORAGE_INTEGRITY",
      `The body's MD5 is ${actual} but \`md5\` said ${expected.toLowerCase()}: the data changed while it was read, or the given md5 is wrong.`,
    );
  }
}

/** The base64 form of a hex MD5, as `Content-MD5` wants it. */
export function md5HexToBase64(hex: string): string {
  return Buffer.from(assertMd5Hex(hex), "hex").toString("base64");
}

/**
 * Returns `hex` when it is an MD5 in hex.
 *
 * @throws {StorageError} `E_STORAGE_REQUEST` when it is not 32 hexadecimal digits.
 */
export function assertMd5Hex(hex: string): string {
  if (!/^[0-9a-fA-F]{32}$/.test(hex)) {
    throw new StorageError(
      "E_STORAGE_REQUEST",
      `\`md5\` must be 32 hexadecimal digits, got ${JSON.stringify(hex)}.`,
    );
  }
  return hex;
}
