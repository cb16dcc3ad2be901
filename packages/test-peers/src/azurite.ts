import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { findFreePort } from "./free-port.js";
import { startManagedProcess } from "./managed-process.js";
import { TestPeerError } from "./test-peer-error.js";
import { waitForHttp } from "./wait-for-http.js";

/** The storage emulator's fixed account name. */
const accountName = "devstoreaccount1";

/** The storage emulator's published, well-known account key (not a secret). */
const accountKey =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

/** A running azurite Blob service on 127.0.0.1. */
export interface AzurePeer {
  /** `http://127.0.0.1:<port>/devstoreaccount1`: the account's Blob service URL. */
  endpoint: string;
  /** Always `devstoreaccount1`. */
  accountName: "devstoreaccount1";
  /** The emulator's well-known account key. */
  accountKey: string;
  /** A connection string with the account, key and Blob endpoint. */
  connectionString: string;
  /** Stops azurite by PID, waits for it to exit and removes its folder. */
  stop(): Promise<void>;
}

/** Options of {@link startAzurite}. */
export interface AzuriteOptions {
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
 * Starts azurite's Blob service (a real Azure Storage emulator) on 127.0.0.1, in memory.
 *
 * It runs the `azurite-blob` script of the installed azurite package with this process's Node
 * (azurite 3.37 needs Node 22+) rather than through `npx`, whose wrapper would survive a kill
 * while the server keeps running. `--skipApiVersionCheck` lets newer SDKs in, `--loose` ignores
 * headers azurite does not know, `--disableTelemetry` keeps it off the network.
 */
export async function startAzurite(options: AzuriteOptions = {}): Promise<AzurePeer> {
  const script = await findAzuriteBlobScript();
  const port = options.port ?? (await findFreePort());
  // Its working folder: in-memory persistence needs no files, but anything it writes lands here.
  const directory = await mkdtemp(join(tmpdir(), "spotkit-azurite-"));
  const server = await startManagedProcess(
    process.execPath,
    [
      script,
      "--blobHost",
      "127.0.0.1",
      "--blobPort",
      String(port),
      "--inMemoryPersistence",
      "--disableTelemetry",
      "--skipApiVersionCheck",
      "--loose",
    ],
    { cwd: directory, installHint: "pnpm add -D azurite in packages/test-peers" },
  ).catch(async (error: unknown) => {
    await rm(directory, { recursive: true, force: true });
    throw error;
  });
  const endpoint = `http://127.0.0.1:${port}/${accountName}`;
  const stopAll = async () => {
    await server.stop();
    await rm(directory, { recursive: true, force: true });
  };
  try {
    await waitForHttp(`${endpoint}?comp=list`, {
      timeout: options.timeout ?? 30_000,
      description: "azurite-blob",
      check() {
        if (server.exitStatus() !== undefined) {
          throw new Error("azurite-blob exited during the start");
        }
      },
    });
  } catch (error) {
    const output = server.output();
    await stopAll().catch(() => undefined);
    throw new TestPeerError(
      "E_PEER_START",
      `azurite-blob did not start: ${(error as Error).message}\n${output}`,
      { cause: error },
    );
  }
  let stopping: Promise<void> | undefined;
  return {
    endpoint,
    accountName,
    accountKey,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${accountName};AccountKey=${accountKey};BlobEndpoint=${endpoint};`,
    stop() {
      stopping ??= stopAll();
      return stopping;
    },
  };
}

/** The `azurite-blob` script of the azurite package installed next to this one. */
async function findAzuriteBlobScript(): Promise<string> {
  const require = createRequire(import.meta.url);
  let manifestPath: string;
  try {
    manifestPath = require.resolve("azurite/package.json");
  } catch (error) {
    throw new TestPeerError(
      "E_PEER_MISSING",
      "azurite not found: it is a devDependency of @spotkit/test-peers; run pnpm install",
      { cause: error },
    );
  }
  const manifest = JSON.parse(await readFile(manifestPath, "utf8")) as {
    bin?: Record<string, string>;
  };
  const relative = manifest.bin?.["azurite-blob"];
  if (relative === undefined) {
    throw new TestPeerError(
      "E_PEER_MISSING",
      `the azurite package at ${dirname(manifestPath)} has no azurite-blob program`,
    );
  }
  return join(dirname(manifestPath), relative);
}
