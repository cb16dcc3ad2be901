import { findFreePort } from "./free-port.js";
import { startManagedProcess } from "./managed-process.js";
import type { S3Peer } from "./s3-peer.js";
import { TestPeerError } from "./test-peer-error.js";
import { waitForHttp } from "./wait-for-http.js";

/** Options of {@link startMoto}. */
export interface MotoOptions {
  /**
   * Port on 127.0.0.1.
   * @default a free port
   */
  port?: number;
  /**
   * Milliseconds to wait for the server to answer HTTP.
   * @default 30000
   */
  timeout?: number;
}

/**
 * Starts `moto_server` (a Python S3 mock) on 127.0.0.1. It accepts any credentials and does not
 * check signatures, so it is the quick loop; radosgw is the faithful server.
 */
export async function startMoto(options: MotoOptions = {}): Promise<S3Peer> {
  const port = options.port ?? (await findFreePort());
  const server = await startManagedProcess("moto_server", ["-H", "127.0.0.1", "-p", String(port)], {
    installHint: "pip install 'moto[server]'",
  });
  const endpoint = `http://127.0.0.1:${port}`;
  try {
    await waitForHttp(`${endpoint}/`, {
      timeout: options.timeout ?? 30_000,
      description: "moto_server",
      check() {
        if (server.exitStatus() !== undefined) {
          throw new Error("moto_server exited during the start");
        }
      },
    });
  } catch (error) {
    await server.stop().catch(() => undefined);
    throw new TestPeerError(
      "E_PEER_START",
      `moto_server did not start: ${(error as Error).message}\n${server.output()}`,
      { cause: error },
    );
  }
  let stopping: Promise<void> | undefined;
  return {
    kind: "moto",
    endpoint,
    region: "us-east-1",
    accessKeyId: "testing",
    secretAccessKey: "testing",
    stop() {
      stopping ??= server.stop();
      return stopping;
    },
  };
}
