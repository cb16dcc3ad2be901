import { randomUUID } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderCephConfig } from "./ceph-config.js";
import { findFreePort } from "./free-port.js";
import { type ManagedProcess, startManagedProcess } from "./managed-process.js";
import { isProcessRunning, stopProcessById } from "./process-liveness.js";
import { runCommand } from "./run-command.js";
import type { S3Peer } from "./s3-peer.js";
import { TestPeerError } from "./test-peer-error.js";
import { waitForHttp } from "./wait-for-http.js";

/** Quoted in every "not found" error: the Debian packages that hold the programs we run. */
const installHint = "apt-get install radosgw ceph-mon ceph-osd";

/** Options of {@link startRadosgw}. */
export interface RadosgwOptions {
  /**
   * Port of the S3 gateway on 127.0.0.1.
   * @default a free port
   */
  port?: number;
  /**
   * Cap of the in-memory object store, in bytes. Deleted data only comes back after
   * {@link RadosgwPeer.collectGarbage}.
   * @default 1073741824 (1 GiB)
   */
  memstoreBytes?: number;
  /**
   * Access key of the S3 user created at start.
   * @default "spotkit-test-key"
   */
  accessKey?: string;
  /**
   * Secret key of the S3 user created at start.
   * @default "spotkit-test-secret"
   */
  secretKey?: string;
  /**
   * Milliseconds the whole start may take (cluster creation, daemons, the gateway answering
   * HTTP, the user), after which everything started is stopped and the call rejects.
   * @default 60000
   */
  timeout?: number;
}

/** A running single-node Ceph cluster with its S3 gateway (radosgw) on 127.0.0.1. */
export interface RadosgwPeer extends S3Peer {
  kind: "radosgw";
  /** The cluster's temporary folder (`ceph.conf`, `log/`, `run/`); removed by `stop()`. */
  directory: string;
  /**
   * Runs `radosgw-admin gc process --include-all`, so that memory held by deleted objects is
   * freed now rather than after rgw's garbage-collection period.
   */
  collectGarbage(): Promise<void>;
}

/** The daemons, in start order. */
interface Daemon {
  name: string;
  process: ManagedProcess;
}

/**
 * Starts a throw-away Ceph cluster (one monitor, one memstore OSD, one radosgw) in a fresh temporary
 * folder, every daemon bound to 127.0.0.1 on ports picked for this run, and creates an S3 user.
 *
 * The daemons run in the foreground as children of this process (`-f`), so that their exit is
 * noticed and they are reaped; `stop()` ends them by PID, also checking the PIDs in `run/*.pid`.
 * On a start failure everything started so far is stopped and the error quotes the end of the
 * daemons' logs.
 */
export async function startRadosgw(options: RadosgwOptions = {}): Promise<RadosgwPeer> {
  await checkInstalled();
  const timeout = options.timeout ?? 60_000;
  const deadline = Date.now() + timeout;
  const remaining = () => Math.max(deadline - Date.now(), 1000);
  const accessKeyId = options.accessKey ?? "spotkit-test-key";
  const secretAccessKey = options.secretKey ?? "spotkit-test-secret";
  const gatewayPort = options.port ?? (await findFreePort());
  let monitorPort = await findFreePort();
  while (monitorPort === gatewayPort) {
    monitorPort = await findFreePort();
  }
  const directory = await mkdtemp(join(tmpdir(), "spotkit-radosgw-"));
  const configPath = join(directory, "ceph.conf");
  const keyringPath = join(directory, "keyring");
  const monmapPath = join(directory, "monmap");
  const conf = ["-c", configPath];
  const daemons: Daemon[] = [];
  const endpoint = `http://127.0.0.1:${gatewayPort}`;

  const run = async (command: string, args: readonly string[]) =>
    await runCommand(command, args, { timeout: remaining(), installHint, cwd: directory });
  const startDaemon = async (name: string, command: string, args: readonly string[]) => {
    const child = await startManagedProcess(command, args, { installHint, cwd: directory });
    daemons.push({ name, process: child });
  };
  // A daemon that exits during the start will not come back: fail now rather than at the timeout.
  const checkDaemons = () => {
    for (const daemon of daemons) {
      const status = daemon.process.exitStatus();
      if (status !== undefined) {
        throw new TestPeerError(
          "E_PEER_START",
          `${daemon.name} exited during the start (${status.code === null ? `signal ${status.signal}` : `exit code ${status.code}`})`,
        );
      }
    }
  };

  const stopAll = async () => {
    await stopDaemons(daemons, directory);
    await rm(directory, { recursive: true, force: true });
  };

  try {
    const fsid = randomUUID();
    await Promise.all(
      ["mon-a", "run", "log", "rgw"].map((name) =>
        mkdir(join(directory, name), { recursive: true }),
      ),
    );
    await writeFile(
      configPath,
      renderCephConfig({
        directory,
        fsid,
        monitorPort,
        gatewayPort,
        memstoreBytes: options.memstoreBytes ?? 1024 * 1024 * 1024,
      }),
    );
    await run("ceph-authtool", [
      "--create-keyring",
      keyringPath,
      "--gen-key",
      "-n",
      "mon.",
      "--cap",
      "mon",
      "allow *",
    ]);
    await run("monmaptool", [
      "--create",
      "--add",
      "a",
      `v2:127.0.0.1:${monitorPort}`,
      "--fsid",
      fsid,
      monmapPath,
    ]);
    await run("ceph-mon", [
      ...conf,
      "--mkfs",
      "-i",
      "a",
      "--monmap",
      monmapPath,
      "--keyring",
      keyringPath,
    ]);
    await startDaemon("ceph-mon", "ceph-mon", [...conf, "-f", "-i", "a"]);

    // `ceph` waits for the monitor by itself; bound that wait by what is left of the timeout.
    const ceph = async (...args: string[]) => {
      checkDaemons();
      const connectTimeout = String(Math.ceil(remaining() / 1000));
      return await run("ceph", [...conf, "--connect-timeout", connectTimeout, ...args]);
    };
    const osdUuid = randomUUID();
    const osdId = (await ceph("osd", "new", osdUuid)).trim();
    if (!/^\d+$/.test(osdId)) {
      throw new TestPeerError("E_PEER_START", `"ceph osd new" printed "${osdId}", not an OSD id`);
    }
    // The OSD's folder is named after the id the monitor hands out, so it can only exist now.
    await mkdir(join(directory, `osd-${osdId}`));
    await run("ceph-osd", [...conf, "-i", osdId, "--mkfs", "--osd-uuid", osdUuid]);
    await ceph("osd", "crush", "add-bucket", "localhost", "host");
    await ceph("osd", "crush", "move", "localhost", "root=default");
    await ceph("osd", "crush", "add", `osd.${osdId}`, "1.0", "host=localhost");
    await startDaemon("ceph-osd", "ceph-osd", [...conf, "-f", "-i", osdId]);
    await startDaemon("radosgw", "radosgw", [...conf, "-f", "-n", "client.rgw.a"]);
    await waitForHttp(`${endpoint}/`, {
      timeout: remaining(),
      description: "radosgw",
      check: checkDaemons,
    });
    checkDaemons();
    await run("radosgw-admin", [
      ...conf,
      "-n",
      "client.rgw.a",
      "user",
      "create",
      "--uid=spotkit",
      "--display-name=spotkit",
      `--access-key=${accessKeyId}`,
      `--secret-key=${secretAccessKey}`,
    ]);
  } catch (error) {
    const logs = await describeLogs(directory, daemons);
    await stopAll().catch(() => undefined);
    if (TestPeerError.isInstance(error) && error.code === "E_PEER_MISSING") {
      throw error;
    }
    throw new TestPeerError(
      TestPeerError.isInstance(error) && error.code === "E_PEER_TIMEOUT"
        ? "E_PEER_TIMEOUT"
        : "E_PEER_START",
      `radosgw did not start (its folder ${directory} was removed): ${(error as Error).message}${logs}`,
      { cause: error },
    );
  }

  let stopping: Promise<void> | undefined;
  return {
    kind: "radosgw",
    endpoint,
    region: "us-east-1",
    accessKeyId,
    secretAccessKey,
    directory,
    async collectGarbage() {
      await runCommand(
        "radosgw-admin",
        [...conf, "-n", "client.rgw.a", "gc", "process", "--include-all"],
        { timeout: 120_000, installHint, cwd: directory },
      );
    },
    stop() {
      stopping ??= stopAll();
      return stopping;
    },
  };
}

/** The programs a start runs, the gateway first so that its absence is the one reported. */
const requiredPrograms = [
  "radosgw",
  "radosgw-admin",
  "ceph-mon",
  "ceph-osd",
  "ceph",
  "ceph-authtool",
  "monmaptool",
];

/**
 * Fails with `E_PEER_MISSING` before anything is created when a program is not installed
 * (`radosgw not found: apt-get install radosgw ceph-mon ceph-osd`). Other failures of
 * `--version` do not matter here: the start itself reports them.
 */
async function checkInstalled(): Promise<void> {
  const results = await Promise.allSettled(
    requiredPrograms.map((program) =>
      runCommand(program, ["--version"], { timeout: 10_000, installHint }),
    ),
  );
  for (const result of results) {
    if (
      result.status === "rejected" &&
      TestPeerError.isInstance(result.reason) &&
      result.reason.code === "E_PEER_MISSING"
    ) {
      throw result.reason;
    }
  }
}

/**
 * Stops the daemons newest first (gateway, OSD, monitor), then any other PID listed in `run/*.pid`
 * whose command line names this cluster's folder, so that nobody else's process is touched.
 */
async function stopDaemons(daemons: readonly Daemon[], directory: string): Promise<void> {
  const failures: string[] = [];
  for (const daemon of [...daemons].reverse()) {
    try {
      await daemon.process.stop(10_000);
    } catch (error) {
      failures.push((error as Error).message);
    }
  }
  for (const pid of await readDaemonPids(directory)) {
    try {
      await stopProcessById(pid);
    } catch (error) {
      failures.push((error as Error).message);
    }
  }
  if (failures.length > 0) {
    throw new TestPeerError("E_PEER_START", `cannot stop radosgw: ${failures.join("; ")}`);
  }
}

/** PIDs from `run/*.pid` that still run and were started with this cluster's `ceph.conf`. */
async function readDaemonPids(directory: string): Promise<number[]> {
  const runDirectory = join(directory, "run");
  const names = await readdir(runDirectory).catch(() => [] as string[]);
  const pids: number[] = [];
  for (const name of names.filter((entry) => entry.endsWith(".pid"))) {
    const pid = Number.parseInt(await readFile(join(runDirectory, name), "utf8"), 10);
    if (!Number.isInteger(pid) || pid <= 1 || !(await isProcessRunning(pid))) {
      continue;
    }
    const commandLine = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (commandLine.includes(directory)) {
      pids.push(pid);
    }
  }
  return pids;
}

/** The end of each daemon's output and log file, for a start-failure message. */
async function describeLogs(directory: string, daemons: readonly Daemon[]): Promise<string> {
  const sections: string[] = [];
  for (const daemon of daemons) {
    const output = daemon.process.output().trim();
    if (output !== "") {
      sections.push(`--- ${daemon.name} output ---\n${lastLines(output, 20)}`);
    }
  }
  const logDirectory = join(directory, "log");
  for (const name of await readdir(logDirectory).catch(() => [] as string[])) {
    const text = await readFile(join(logDirectory, name), "utf8").catch(() => "");
    if (text.trim() !== "") {
      sections.push(`--- log/${name} ---\n${lastLines(text.trim(), 20)}`);
    }
  }
  return sections.length === 0 ? "" : `\n${sections.join("\n")}`;
}

function lastLines(text: string, count: number): string {
  return text.split("\n").slice(-count).join("\n");
}
