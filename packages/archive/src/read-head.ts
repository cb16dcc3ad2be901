import type { Readable } from "node:stream";

/**
 * Reads at least the first `length` bytes of a stream and puts them back (`unshift`), so the stream
 * can then be piped whole. Resolves with fewer bytes only when the stream ends sooner (it is then
 * consumed); rejects when it fails or is closed first, also when that happened before the call.
 */
export function readHead(stream: Readable, length: number, signal?: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const cleanup = () => {
      stream.off("readable", onReadable);
      stream.off("end", onEnd);
      stream.off("error", onError);
      stream.off("close", onClose);
      signal?.removeEventListener("abort", onAbort);
    };
    const finish = (ended: boolean) => {
      cleanup();
      const head = Buffer.concat(chunks);
      if (!ended) stream.unshift(head);
      resolve(head);
    };
    const onReadable = () => {
      while (total < length) {
        const chunk = stream.read() as Buffer | null;
        if (chunk === null) return;
        chunks.push(chunk);
        total += chunk.length;
      }
      finish(false);
    };
    const onEnd = () => finish(true);
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    // Closed without an end or an error: destroyed by someone else.
    const onClose = () =>
      onError(stream.errored ?? new Error("The archive stream was closed before its end."));
    const onAbort = () => {
      cleanup();
      reject(signal?.reason);
    };
    if (stream.readableEnded) {
      resolve(Buffer.alloc(0));
      return;
    }
    if (stream.errored !== null || stream.destroyed) {
      onClose();
      return;
    }
    stream.on("readable", onReadable);
    stream.on("end", onEnd);
    stream.on("error", onError);
    stream.on("close", onClose);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
