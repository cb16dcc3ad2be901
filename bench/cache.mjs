// Benchmark: the spotkit cache plugin (plugins/s3-cache) against the hand-rolled ways to cache a
// folder in S3, saving and restoring the same node_modules-like tree to the same radosgw in the
// same run (issue 4, "Performance"):
//
//   (1) zstd     tar -cf - . | zstd -T0 -3 | rclone rcat …   /  rclone cat … | zstd -d | tar -xf -
//   (2) gzip     tar -czf - . | rclone rcat …                 /  rclone cat … | tar -xzf -
//   (3) tar      tar -cf - . | rclone rcat …                  /  rclone cat … | tar -xf -
//   spotkit      node plugins/s3-cache/dist/main.js, PLUGIN_MODE=rebuild / restore (Drone settings)
//
// The tree (bench/make-cache-tree.mjs: 30,000 files, 300 MiB) is generated into a tmpfs. Every
// restore goes into a fresh tmpfs, so all contenders write to the same kind of filesystem and no
// run measures the disk. Contenders alternate (A B C D, then D C B A, …); the medians of the
// rounds and their ratios are printed, with the bytes stored (the bucket's size after the save) and
// each run's peak RSS (GNU time; for a shell pipeline the sum of its stages' peaks, since they run
// at the same time). The first round's restores are checked against the source (types, modes,
// sizes, link targets and contents; mtimes are reported).
//
// Run it as root (to mount tmpfs; otherwise it falls back to /dev/shm and says so) with Node 24:
//
//   pnpm -C plugins/s3-cache build && pnpm exec node bench/cache.mjs [--rounds 3]
//       [--only zstd,gzip,tar,spotkit] [--files 30000 --bytes 300M] [--proxy] [--verify all|first|none]
//       [--entry plugins/s3-cache/dist/main.js]
//   pnpm exec node bench/cache.mjs --big      # a ~2 GiB tree (200,000 files), for peak RSS
//
// --proxy sends every S3 request through a counting pass-through proxy (startFaultProxy) and
// prints the request counts; it costs CPU on the same machine, so it is off by default.
//
// Needs radosgw, ceph-mon, ceph-osd, rclone, zstd, gzip, GNU tar and GNU time
// (apt-get install radosgw ceph-mon ceph-osd rclone zstd time).
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startFaultProxy, startRadosgw } from "../packages/test-peers/dist/index.js";
import { makeCacheTree, parseBytes } from "./make-cache-tree.mjs";
import { median } from "./median.mjs";

const { values: options } = parseArgs({
  options: {
    rounds: { type: "string" },
    only: { type: "string" },
    files: { type: "string" },
    bytes: { type: "string" },
    seed: { type: "string", default: "spotkit" },
    big: { type: "boolean", default: false },
    proxy: { type: "boolean", default: false },
    verify: { type: "string", default: "first" },
    entry: { type: "string" },
  },
});
const big = options.big;
const rounds = Number(options.rounds ?? (big ? 1 : 3));
const fileCount = Number(options.files ?? (big ? 200_000 : 30_000));
const treeBytes = parseBytes(options.bytes ?? (big ? "2G" : "300M"));
const contenderNames = ["zstd", "gzip", "tar", "spotkit"];
const only = (options.only ?? (big ? "zstd,spotkit" : contenderNames.join(","))).split(",");
for (const name of only) {
  if (!contenderNames.includes(name)) {
    throw new Error(`--only: unknown contender "${name}"; pick from ${contenderNames.join(",")}.`);
  }
}
if (!["all", "first", "none"].includes(options.verify)) {
  throw new Error(`--verify: "${options.verify}"; write all, first or none.`);
}
const selected = contenderNames.filter((name) => only.includes(name));
const labels = {
  // No "|" in labels: they go into markdown tables.
  zstd: "(1) tar+zstd -T0 -3",
  gzip: "(2) tar+gzip",
  tar: "(3) tar",
  spotkit: "spotkit s3-cache",
};
const entry =
  options.entry ?? new URL("../plugins/s3-cache/dist/main.js", import.meta.url).pathname;
if (selected.includes("spotkit") && !existsSync(entry)) {
  throw new Error(
    `${entry} does not exist: build it (pnpm -C plugins/s3-cache build) or leave spotkit out (--only zstd,gzip,tar).`,
  );
}
for (const program of ["rclone", "zstd", "gzip", "tar", "/usr/bin/time", "diff"]) {
  if (spawnSync("bash", ["-c", `command -v ${program}`]).status !== 0) {
    throw new Error(`${program} is not installed (apt-get install rclone zstd time diffutils).`);
  }
}

const treeName = "node_modules";
const work = await mkdtemp(join(tmpdir(), "spotkit-bench-cache-"));
const mounts = new Set();
const notes = [];
// tmpfs sizes: the tree with room for folders and the restore's temporary sibling; at least the
// 2 GiB the issue's setup uses.
const tmpfsBytes = Math.max(2 * 1024 ** 3, Math.ceil(treeBytes * 1.4) + 512 * 1024 ** 2);
let fallbackToShm = false;
let gateway;
let proxy;

const stopOnSignal = (signal) => {
  process.stderr.write(`\n${signal}: cleaning up\n`);
  cleanup().finally(() => process.exit(130));
};
process.once("SIGINT", stopOnSignal);
process.once("SIGTERM", stopOnSignal);

try {
  const sourceParent = await makeScratchFolder("source");
  const source = join(sourceParent, treeName);
  const generationStarted = performance.now();
  const tree = makeCacheTree(source, { files: fileCount, bytes: treeBytes, seed: options.seed });
  log(
    `tree: ${tree.files} files (${tree.executables} executable), ${tree.symlinks} symlinks, ` +
      `${tree.directories} folders, ${mebibytes(tree.bytes)} MiB, made in ` +
      `${((performance.now() - generationStarted) / 1000).toFixed(1)} s`,
  );

  gateway = await startRadosgw({ memstoreBytes: 6 * 1024 ** 3, timeout: 180_000 });
  if (options.proxy) proxy = await startFaultProxy({ target: gateway.endpoint });
  const endpoint = proxy ? proxy.endpoint : gateway.endpoint;
  for (const name of selected) await runRclone(endpoint, ["mkdir", `bench:${bucketOf(name)}`]);

  // Warm the gateway up (its first multipart upload and read are slower), so that whichever
  // contender comes first in round 1 is not charged for it.
  await run(
    "bash",
    [
      "-c",
      'set -euo pipefail; head -c 33554432 /dev/zero | rclone rcat "$OBJECT"; rclone cat "$OBJECT" >/dev/null; rclone delete "$OBJECT"',
    ],
    {
      environment: {
        ...rcloneEnvironment(endpoint),
        OBJECT: `bench:${bucketOf(selected[0])}/warm-up`,
      },
      measureRss: false,
    },
  );
  const runs = Object.fromEntries(selected.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? selected : [...selected].reverse();
    for (const name of order) {
      const key = `round-${round}`;
      const save = await measure(() => saveCommand(name, endpoint, sourceParent, key));
      const stored = await bucketSize(endpoint, bucketOf(name));
      const restoreParent = await makeScratchFolder(`restore-${name}-${round}`);
      const restore = await measure(() => restoreCommand(name, endpoint, restoreParent, key));
      if (options.verify === "all" || (options.verify === "first" && round === 0)) {
        await verify(name, source, join(restoreParent, treeName));
      }
      await removeScratchFolder(restoreParent);
      await runRclone(endpoint, ["delete", `bench:${bucketOf(name)}`]);
      await gateway.collectGarbage();
      runs[name].push({ save, restore, storedBytes: stored.bytes, objects: stored.count });
      log(
        `round ${round + 1}/${rounds} ${labels[name]}: save ${save.seconds.toFixed(2)} s ` +
          `(${save.peakRssMegabytes.toFixed(0)} MB RSS), restore ${restore.seconds.toFixed(2)} s ` +
          `(${restore.peakRssMegabytes.toFixed(0)} MB RSS), stored ${mebibytes(stored.bytes)} MiB`,
      );
    }
  }
  printResults(tree, runs);
} finally {
  await cleanup();
}

async function cleanup() {
  for (const mount of [...mounts].reverse()) await unmount(mount);
  await proxy?.stop();
  proxy = undefined;
  await gateway?.stop();
  gateway = undefined;
  await rm(work, { recursive: true, force: true });
  await rm(shmFolder(), { recursive: true, force: true });
}

/** Where scratch folders go when tmpfs cannot be mounted. */
function shmFolder() {
  return join("/dev/shm", work.replaceAll("/", "_"));
}

function bucketOf(name) {
  return `bench-cache-${name}`;
}

/** The shell pipeline or plugin run that saves the tree under `key`. */
function saveCommand(name, endpoint, sourceParent, key) {
  if (name === "spotkit") {
    return runSpotkit(endpoint, sourceParent, { PLUGIN_MODE: "rebuild", PLUGIN_CACHE_KEY: key });
  }
  const stages = {
    zstd: ['tar -cf - -C "$TREE" .', "zstd -q -T0 -3", 'rclone rcat "$OBJECT"'],
    gzip: ['tar -czf - -C "$TREE" .', 'rclone rcat "$OBJECT"'],
    tar: ['tar -cf - -C "$TREE" .', 'rclone rcat "$OBJECT"'],
  }[name];
  return runPipeline(endpoint, stages, {
    TREE: join(sourceParent, treeName),
    OBJECT: `bench:${bucketOf(name)}/${key}`,
  });
}

/** The shell pipeline or plugin run that restores `key` into `<restoreParent>/node_modules`. */
function restoreCommand(name, endpoint, restoreParent, key) {
  if (name === "spotkit") {
    return runSpotkit(endpoint, restoreParent, { PLUGIN_MODE: "restore", PLUGIN_CACHE_KEY: key });
  }
  const stages = {
    zstd: ['rclone cat "$OBJECT"', "zstd -q -d", 'tar -xf - -C "$TREE"'],
    gzip: ['rclone cat "$OBJECT"', 'tar -xzf - -C "$TREE"'],
    tar: ['rclone cat "$OBJECT"', 'tar -xf - -C "$TREE"'],
  }[name];
  return runPipeline(
    endpoint,
    stages,
    { TREE: join(restoreParent, treeName), OBJECT: `bench:${bucketOf(name)}/${key}` },
    'mkdir "$TREE"',
  );
}

function runSpotkit(endpoint, cwd, settings) {
  return run(process.execPath, [entry], {
    cwd,
    environment: {
      ...process.env,
      PLUGIN_BACKEND: "s3",
      PLUGIN_ENDPOINT: endpoint,
      PLUGIN_ACCESS_KEY: gateway.accessKeyId,
      PLUGIN_SECRET_KEY: gateway.secretAccessKey,
      PLUGIN_REGION: gateway.region,
      PLUGIN_BUCKET: bucketOf("spotkit"),
      PLUGIN_PATH_STYLE: "true",
      PLUGIN_MOUNT: treeName,
      PLUGIN_OVERRIDE: "true",
      // The folder of the caches in the bucket; a pipeline gets it from DRONE_REPO_NAME.
      PLUGIN_REMOTE_ROOT: "bench",
      ...settings,
    },
  });
}

/**
 * Runs `stages` as one bash pipeline (with pipefail), each stage under its own GNU time, so the
 * peak RSS is the sum over stages that run at the same time, not only the largest one.
 */
async function runPipeline(endpoint, stages, variables, prelude = ":") {
  const rssFiles = stages.map((_, index) =>
    join(work, `rss-${Date.now()}-${index}-${Math.random()}`),
  );
  const script = `set -euo pipefail; ${prelude}; ${stages
    .map((stage, index) => `/usr/bin/time -f %M -o '${rssFiles[index]}' ${stage}`)
    .join(" | ")}`;
  await run("bash", ["-c", script], {
    environment: { ...rcloneEnvironment(endpoint), ...variables },
    measureRss: false,
  });
  let peakRssKilobytes = 0;
  for (const file of rssFiles) {
    peakRssKilobytes += Number((await readFile(file, "utf8")).trim().split("\n").at(-1));
    await rm(file, { force: true });
  }
  return { peakRssKilobytes };
}

function rcloneEnvironment(endpoint) {
  // rclone's S3 backend refuses to start with AWS_CA_BUNDLE set against an http endpoint.
  const { AWS_CA_BUNDLE: _unused, ...environment } = process.env;
  return {
    ...environment,
    RCLONE_CONFIG_BENCH_TYPE: "s3",
    RCLONE_CONFIG_BENCH_PROVIDER: "Ceph",
    RCLONE_CONFIG_BENCH_ENDPOINT: endpoint,
    RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: gateway.accessKeyId,
    RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: gateway.secretAccessKey,
    RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: "true",
  };
}

async function runRclone(endpoint, args) {
  return run("rclone", args, { environment: rcloneEnvironment(endpoint), measureRss: false });
}

/** Bytes and objects in a bucket, as S3 lists them (`rclone size`). */
async function bucketSize(endpoint, bucket) {
  const { stdout } = await run("rclone", ["size", "--json", `bench:${bucket}`], {
    environment: rcloneEnvironment(endpoint),
    measureRss: false,
    captureStdout: true,
  });
  return JSON.parse(stdout);
}

/** Wall time, proxy requests (with --proxy) and peak RSS of one command. */
async function measure(command) {
  proxy?.resetStats();
  const started = performance.now();
  const { peakRssKilobytes } = await command();
  const seconds = (performance.now() - started) / 1000;
  return {
    seconds,
    requests: proxy ? proxy.stats.requests : undefined,
    peakRssMegabytes: peakRssKilobytes / 1024,
  };
}

async function run(command, args, { environment, cwd, measureRss = true, captureStdout = false }) {
  const rssFile = join(work, `rss-${Date.now()}-${Math.random()}`);
  const [program, programArgs] = measureRss
    ? ["/usr/bin/time", ["-f", "%M", "-o", rssFile, command, ...args]]
    : [command, args];
  const child = spawn(program, programArgs, {
    cwd,
    env: environment,
    stdio: ["ignore", captureStdout ? "pipe" : "ignore", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const code = await new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", resolve);
  });
  if (code !== 0) {
    throw new Error(`${command} ${args.join(" ").slice(0, 300)} failed (${code}):\n${stderr}`);
  }
  if (!measureRss) return { stdout };
  const peakRssKilobytes = Number((await readFile(rssFile, "utf8")).trim().split("\n").at(-1));
  await rm(rssFile, { force: true });
  return { peakRssKilobytes, stdout };
}

/** A fresh, empty folder on its own tmpfs (or under /dev/shm when mounting is not allowed). */
async function makeScratchFolder(name) {
  const folder = join(fallbackToShm ? shmFolder() : work, name);
  await mkdir(folder, { recursive: true });
  if (fallbackToShm) return folder;
  const mounted = spawnSync(
    "mount",
    ["-t", "tmpfs", "-o", `size=${Math.ceil(tmpfsBytes / 1024 ** 2)}m`, "tmpfs", folder],
    { encoding: "utf8" },
  );
  if (mounted.status === 0) {
    mounts.add(folder);
    return folder;
  }
  fallbackToShm = true;
  notes.push(
    `mount -t tmpfs failed (${(mounted.stderr || mounted.error?.message || "").trim()}): the tree and ` +
      "the restores live in subfolders of /dev/shm (also tmpfs, but one shared filesystem).",
  );
  log(`note: ${notes.at(-1)}`);
  await rm(folder, { recursive: true, force: true });
  return makeScratchFolder(name);
}

async function removeScratchFolder(folder) {
  if (mounts.has(folder)) await unmount(folder);
  await rm(folder, { recursive: true, force: true });
}

async function unmount(folder) {
  // A just-finished child may still hold the folder for a moment; retry a few times.
  for (let attempt = 0; attempt < 10; attempt++) {
    if (spawnSync("umount", [folder]).status === 0) {
      mounts.delete(folder);
      return;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  log(`warning: could not unmount ${folder}; unmount it by hand`);
}

/**
 * Checks a restored tree against the source: same entries with the same type, mode, size and
 * link target, and the same contents (diff); mtime differences are counted and reported, not fatal.
 */
async function verify(name, expected, actual) {
  const [want, got] = await Promise.all([listTree(expected), listTree(actual)]);
  const problems = [];
  let mtimeDifferences = 0;
  for (const [path, entry] of want) {
    const other = got.get(path);
    if (!other) problems.push(`missing ${path}`);
    else if (entry.signature !== other.signature) {
      problems.push(`${path}: ${entry.signature} ≠ ${other.signature}`);
    } else if (entry.mtime !== other.mtime && path !== ".") mtimeDifferences++;
  }
  for (const path of got.keys()) if (!want.has(path)) problems.push(`unexpected ${path}`);
  const diff = spawnSync("diff", ["-rq", "--no-dereference", expected, actual], {
    encoding: "utf8",
  });
  if (diff.status !== 0) problems.push(`diff: ${(diff.stdout + diff.stderr).slice(0, 1000)}`);
  if (problems.length > 0) {
    throw new Error(
      `${labels[name]} restored a different tree (${problems.length} problems):\n${problems.slice(0, 20).join("\n")}`,
    );
  }
  const message = `${labels[name]}: restore verified (${want.size} entries)${mtimeDifferences ? `, but ${mtimeDifferences} mtimes differ` : ", mtimes equal"}`;
  log(message);
  if (mtimeDifferences) notes.push(message);
}

async function listTree(root) {
  const entries = new Map();
  const walk = async (relativePath) => {
    const path = join(root, relativePath);
    const status = await lstat(path);
    const type = status.isSymbolicLink()
      ? "l"
      : status.isDirectory()
        ? "d"
        : status.isFile()
          ? "f"
          : "?";
    const mode = (status.mode & 0o7777).toString(8);
    const size = type === "f" ? status.size : 0;
    const target = type === "l" ? await readlink(path) : "";
    entries.set(relativePath, {
      // The root folder's own mode is the restorer's (mkdir), not part of the archive's contents.
      signature: relativePath === "." ? type : `${type} ${mode} ${size} ${target}`,
      mtime: type === "l" ? 0 : Math.floor(status.mtimeMs / 1000),
    });
    if (type === "d") {
      for (const child of await readdir(path)) {
        await walk(relativePath === "." ? child : join(relativePath, child));
      }
    }
  };
  await walk(".");
  return entries;
}

function summarize(runs) {
  const of = (pick) => median(runs.map(pick));
  return {
    save: of((run) => run.save.seconds),
    restore: of((run) => run.restore.seconds),
    stored: of((run) => run.storedBytes),
    saveRss: of((run) => run.save.peakRssMegabytes),
    restoreRss: of((run) => run.restore.peakRssMegabytes),
    saveRequests: proxy ? of((run) => run.save.requests) : undefined,
    restoreRequests: proxy ? of((run) => run.restore.requests) : undefined,
  };
}

function printResults(tree, runs) {
  const summaries = Object.fromEntries(
    Object.entries(runs).map(([name, list]) => [name, summarize(list)]),
  );
  const lines = [
    "",
    `tree: ${tree.files} files, ${tree.symlinks} symlinks, ${mebibytes(tree.bytes)} MiB; ` +
      `rounds: ${rounds} (alternating order), medians; restores into ${fallbackToShm ? "/dev/shm subfolders (mount not permitted)" : "a fresh tmpfs each"}` +
      `${proxy ? "; S3 through the counting proxy" : ""}`,
    "",
    `| contender | save s | restore s | stored MiB | tree bytes ÷ stored | save peak RSS MB | restore peak RSS MB${proxy ? " | save requests | restore requests" : ""} |`,
    `| --- | --- | --- | --- | --- | --- | ---${proxy ? " | --- | ---" : ""} |`,
  ];
  for (const [name, summary] of Object.entries(summaries)) {
    lines.push(
      `| ${labels[name]} | ${summary.save.toFixed(2)} | ${summary.restore.toFixed(2)} | ` +
        `${mebibytes(summary.stored)} | ${(tree.bytes / summary.stored).toFixed(2)}× | ` +
        `${summary.saveRss.toFixed(0)} | ${summary.restoreRss.toFixed(0)}` +
        `${proxy ? ` | ${summary.saveRequests} | ${summary.restoreRequests}` : ""} |`,
    );
  }
  // Ratios: spotkit against each baseline when it ran, otherwise every contender against (1).
  const baselines = ["zstd", "gzip", "tar"].filter((name) => summaries[name]);
  const subjects = summaries.spotkit ? ["spotkit"] : selected.filter((name) => name !== "zstd");
  const pairs = subjects.flatMap((subject) =>
    (summaries.spotkit ? baselines : baselines.filter((name) => name === "zstd")).map(
      (baseline) => [subject, baseline],
    ),
  );
  if (pairs.length > 0) {
    lines.push(
      "",
      "| ratio (median ÷ median) | save time | restore time | stored bytes | save peak RSS | restore peak RSS |",
      "| --- | --- | --- | --- | --- | --- |",
    );
    for (const [subject, baseline] of pairs) {
      const ours = summaries[subject];
      const theirs = summaries[baseline];
      lines.push(
        `| ${labels[subject]} ÷ ${labels[baseline]} | ${ratio(ours.save, theirs.save)} | ` +
          `${ratio(ours.restore, theirs.restore)} | ${ratio(ours.stored, theirs.stored)} | ` +
          `${ratio(ours.saveRss, theirs.saveRss)} | ${ratio(ours.restoreRss, theirs.restoreRss)} |`,
      );
    }
  }
  if (summaries.spotkit) lines.push("", ...targets(summaries));
  if (notes.length > 0) lines.push("", ...notes.map((note) => `note: ${note}`));
  process.stdout.write(`${lines.join("\n")}\n`);
}

/** The issue's targets, each marked met or missed (by how much). */
function targets(summaries) {
  const ours = summaries.spotkit;
  const checks = [];
  const check = (description, value, limit, format = (number) => `${number.toFixed(2)}×`) => {
    checks.push(
      `- ${description}: ${format(value)} (target ${format(limit)}) — ${value <= limit ? "met" : "missed"}`,
    );
  };
  if (summaries.zstd) {
    check("save ÷ (1)", ours.save / summaries.zstd.save, 1.1);
    check("restore ÷ (1)", ours.restore / summaries.zstd.restore, 1.1);
  }
  if (summaries.gzip) check("save ÷ (2), ≥ 3× faster", ours.save / summaries.gzip.save, 1 / 3);
  if (summaries.tar) {
    check("save ÷ (3)", ours.save / summaries.tar.save, 1);
    check("restore ÷ (3)", ours.restore / summaries.tar.restore, 1);
    checks.push(
      `- (3) stored ÷ spotkit stored: ${(summaries.tar.stored / ours.stored).toFixed(2)}× (about 3.6× expected)`,
    );
  }
  const megabytes = (number) => `${number.toFixed(0)} MB`;
  check("save peak RSS", ours.saveRss, 200, megabytes);
  check("restore peak RSS", ours.restoreRss, 200, megabytes);
  return ["targets (issue 4):", ...checks];
}

function ratio(ours, theirs) {
  return `${(ours / theirs).toFixed(2)}×`;
}

function mebibytes(bytes) {
  return (bytes / 1024 ** 2).toFixed(1);
}

function log(message) {
  process.stderr.write(`${message}\n`);
}
