import { request } from "node:http";
import { setTimeout as sleep } from "node:timers/promises";
import { TestPeerError } from "./test-peer-error.js";

/** Options of {@link waitForHttp}. */
export interface WaitForHttpOptions {
  /** Milliseconds to keep trying before rejecting with `E_PEER_TIMEOUT`. */
  timeout: number;
  /**
   * Which status codes mean "ready".
   * @default any status below 500
   */
  isReady?: (status: number) => boolean;
  /**
   * Called before every attempt; throw from it to stop waiting (for example when the server
   * process has already exited, so waiting longer cannot help).
   */
  check?: () => void;
  /** Names the server in the timeout message. */
  description: string;
}

/** Polls `url` with GET until it answers with a ready status, bounded by `options.timeout`. */
export async function waitForHttp(url: string, options: WaitForHttpOptions): Promise<void> {
  const isReady = options.isReady ?? ((status: number) => status < 500);
  const deadline = Date.now() + options.timeout;
  let lastProblem = "no attempt yet";
  let delay = 50;
  while (Date.now() < deadline) {
    options.check?.();
    const remaining = deadline - Date.now();
    try {
      const status = await getStatus(url, Math.min(2000, Math.max(remaining, 1)));
      if (isReady(status)) {
        return;
      }
      lastProblem = `it answered ${status}`;
    } catch (error) {
      lastProblem = (error as Error).message;
    }
    await sleep(Math.min(delay, Math.max(deadline - Date.now(), 0)));
    delay = Math.min(delay * 2, 500);
  }
  options.check?.();
  throw new TestPeerError(
    "E_PEER_TIMEOUT",
    `${options.description} did not answer ${url} within ${options.timeout} ms (last attempt: ${lastProblem})`,
  );
}

async function getStatus(url: string, timeout: number): Promise<number> {
  return await new Promise<number>((resolve, reject) => {
    const outgoing = request(url, { method: "GET", timeout, agent: false }, (response) => {
      response.resume();
      resolve(response.statusCode ?? 0);
    });
    outgoing.once("timeout", () => outgoing.destroy(new Error(`no answer within ${timeout} ms`)));
    outgoing.once("error", reject);
    outgoing.end();
  });
}
