import type { Readable } from "node:stream";
import { returnChunk } from "./chunk-pool.js";

/**
 * `source.pipe(destination)`, except that each chunk is written with a callback that gives it back
 * to its {@link ChunkPool} (see `returnChunk`) once the destination is done with it: for a socket
 * or an HTTP request, once the kernel has the bytes. A chunk whose write failed is not given back,
 * since the destination may still refer to it.
 *
 * Like `pipe`: pauses the source while the destination's buffer is full, ends the destination when
 * the source ends (unless `end` is false), does not end it when the source fails, stops writing
 * when the destination closes or fails, and leaves a destination's error unhandled (thrown) when
 * nothing else listens for it.
 */
export function pipeReturningChunks<Destination extends NodeJS.WritableStream>(
  source: Readable,
  destination: Destination,
  options: { end?: boolean } = {},
): Destination {
  let waitingForDrain = false;
  const onDrain = () => {
    waitingForDrain = false;
    source.resume();
  };
  const onData = (chunk: Buffer | string) => {
    const accepted = destination.write(chunk, (error?: Error | null) => {
      if (!error && typeof chunk !== "string") returnChunk(chunk);
    });
    if (!accepted && !waitingForDrain) {
      waitingForDrain = true;
      source.pause();
      destination.once("drain", onDrain);
    }
  };
  const onEnd = () => {
    stop();
    if (options.end !== false) destination.end();
  };
  // As `unpipe` does: the source stops flowing instead of dropping its chunks.
  const onClose = () => {
    stop();
    source.pause();
  };
  const onError = (error: Error) => {
    onClose();
    if (destination.listenerCount("error") === 0) destination.emit("error", error);
  };
  const stop = () => {
    source.off("data", onData);
    source.off("end", onEnd);
    destination.off("drain", onDrain);
    destination.off("close", onClose);
    destination.off("error", onError);
  };
  source.on("data", onData);
  source.once("end", onEnd);
  destination.once("close", onClose);
  destination.once("error", onError);
  destination.emit("pipe", source);
  if (source.readableEnded) {
    process.nextTick(onEnd);
  } else if ((destination as { writableNeedDrain?: boolean }).writableNeedDrain === true) {
    waitingForDrain = true;
    source.pause();
    destination.once("drain", onDrain);
  } else {
    source.resume();
  }
  return destination;
}
