import { findExecutable } from "./find-executable.js";
import { startMoto } from "./moto.js";
import { startRadosgw } from "./radosgw.js";
import { TestPeerError } from "./test-peer-error.js";

/** A running S3-compatible server on 127.0.0.1 and the credentials it accepts. */
export interface S3Peer {
  /** Which server runs: Ceph's real gateway (SigV4 enforced) or moto (no signature checks). */
  kind: "radosgw" | "moto";
  /** `http://127.0.0.1:<port>`; use it with path-style addressing (`forcePathStyle: true`). */
  endpoint: string;
  /** The region to sign for. */
  region: string;
  /** Access key of the server's user. */
  accessKeyId: string;
  /** Secret key of the server's user. */
  secretAccessKey: string;
  /** Stops every process the peer started, waits for them to exit and removes its files. */
  stop(): Promise<void>;
}

/**
 * Starts the S3 server the developer picked: `SPOTKIT_S3_PEER=radosgw` or `moto`. Without a choice
 * it starts radosgw when the `radosgw` program is on `PATH`, else moto when `moto_server` is, and
 * otherwise rejects with `E_PEER_MISSING` saying what to install. `env` only decides which server
 * starts; the server itself runs with this process's environment.
 * @param env where `SPOTKIT_S3_PEER` and `PATH` are read. @default process.env
 */
export async function startS3Peer(
  // biome-ignore lint/style/noProcessEnv: test peers read the developer's choice
  env: Record<string, string | undefined> = process.env,
): Promise<S3Peer> {
  const choice = env.SPOTKIT_S3_PEER?.trim() ?? "";
  if (choice === "radosgw") {
    return await startRadosgw();
  }
  if (choice === "moto") {
    return await startMoto();
  }
  if (choice !== "") {
    throw new TestPeerError(
      "E_PEER_CONFIG",
      `SPOTKIT_S3_PEER must be "radosgw" or "moto", not "${choice}"`,
    );
  }
  if (findExecutable("radosgw", env) !== undefined) {
    return await startRadosgw();
  }
  if (findExecutable("moto_server", env) !== undefined) {
    return await startMoto();
  }
  throw new TestPeerError(
    "E_PEER_MISSING",
    "No S3 server is installed: apt-get install radosgw ceph-mon ceph-osd (preferred), or pip install 'moto[server]'; then optionally set SPOTKIT_S3_PEER=radosgw|moto",
  );
}
