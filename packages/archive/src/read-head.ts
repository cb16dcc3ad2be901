import type { Readable } from "node:stream";

/**
 * Reads the first `length` bytes of a stream and puts them back (`unshift`), so the stream can then
 * be piped whole. Resolves with fewer bytes only when the stream ends sooner (it is then consumed).
 */
export function readHead(stream: Readable, length: number, signal?: AbortSignal): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const cleanup = () => {
      stream.off("readable", onReadable);
      stream.off("end", onEnd);
      stream.off("error", onError);
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
    const onAbort = () => {
      cleanup();
      reject(signal?.reason);
    };
    stream.on("readable", onReadable);
    stream.on("end", onEnd);
    stream.on("error", onError);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
