// Benchmark: spotkit-s3-sync against rclone, syncing to the same radosgw in the same run.
//
//   (a) 10,000 files of 4 KiB    (b) 20 files of 64 MiB
//   (c) re-sync of (a) with 1% of the files changed, against `rclone sync` and `rclone sync --checksum`
//
// Contenders run alternately (A B A B …) for several rounds; the medians and their ratios are
// printed, with the requests each run sent (counted by a pass-through proxy in front of the
// gateway), each run's peak RSS and CPU time, user + system (GNU time), and the CPU time the Ceph
// daemons (gateway, OSD, monitor) spent serving it: both share this machine's cores, so a client
// whose requests cost the server more is slower even at equal client CPU. Run it with Node 24
// after `pnpm build`:
//
//   pnpm build && pnpm exec node bench/storage-sync.mjs [--rounds 3] [--only a,b,c]
//
// Needs radosgw, ceph-mon, ceph-osd, rclone and GNU time (apt-get install radosgw ceph-mon ceph-osd rclone time).
import { spawn } from "node:child_process";
import { randomBytes, randomFillSync } from "node:crypto";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { parseArgs } from "node:util";
import { startFaultProxy, startRadosgw } from "../packages/test-peers/dist/index.js";
import { median } from "./median.mjs";

const { values: options } = parseArgs({
  options: { rounds: { type: "string", default: "3" }, only: { type: "string", default: "a,b,c" } },
});
const rounds = Number(options.rounds);
const scenarios = new Set(options.only.split(","));
const entry = new URL("../plugins/s3-sync/dist/main.js", import.meta.url).pathname;
const work = await mkdtemp(join(tmpdir(), "spotkit-bench-"));

const gateway = await startRadosgw({ memstoreBytes: 4 * 1024 ** 3, timeout: 120_000 });
const proxy = await startFaultProxy({ target: gateway.endpoint });
const results = [];

try {
  const small = join(work, "small");
  const large = join(work, "large");
  if (scenarios.has("a") || scenarios.has("c")) await writeFiles(small, 10_000, 4 * 1024);
  if (scenarios.has("b")) await writeFiles(large, 20, 64 * 1024 ** 2);

  if (scenarios.has("a")) await compareFullSync("(a) 10,000 × 4 KiB", small);
  if (scenarios.has("b")) await compareFullSync("(b) 20 × 64 MiB", large);
  if (scenarios.has("c")) await compareResync(small);
  printResults();
} finally {
  await proxy.stop();
  await gateway.stop();
  await rm(work, { recursive: true, force: true });
}

/** Full sync of a folder into a fresh bucket, spotkit and rclone alternately. */
async function compareFullSync(name, folder) {
  const contenders = {
    spotkit: (bucket) => runSpotkit(folder, bucket),
    rclone: (bucket) => runRclone(["sync", folder, `bench:${bucket}`]),
  };
  const runs = { spotkit: [], rclone: [] };
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? ["spotkit", "rclone"] : ["rclone", "spotkit"];
    for (const contender of order) {
      const bucket = `bench-${contender}-${round}-${Date.now()}`;
      await runRclone(["mkdir", `bench:${bucket}`]);
      runs[contender].push(await measure(() => contenders[contender](bucket)));
      await runRclone(["purge", `bench:${bucket}`]);
      await gateway.collectGarbage();
    }
  }
  results.push({ name, baseline: "rclone", runs });
}

/** Re-sync after 1% of the files changed; each contender keeps its own bucket in sync. */
async function compareResync(folder) {
  const buckets = {
    spotkit: "bench-resync-spotkit",
    rclone: "bench-resync-rclone",
    "rclone --checksum": "bench-resync-checksum",
  };
  const contenders = {
    spotkit: () => runSpotkit(folder, buckets.spotkit),
    rclone: () => runRclone(["sync", folder, `bench:${buckets.rclone}`]),
    "rclone --checksum": () =>
      runRclone(["sync", "--checksum", folder, `bench:${buckets["rclone --checksum"]}`]),
  };
  for (const [contender, bucket] of Object.entries(buckets)) {
    await runRclone(["mkdir", `bench:${bucket}`]);
    await contenders[contender]();
  }
  const runs = Object.fromEntries(Object.keys(contenders).map((contender) => [contender, []]));
  const names = Object.keys(contenders);
  for (let round = 0; round < rounds; round++) {
    for (let index = 0; index < 100; index++) {
      const file = join(folder, fileName(round * 100 + index));
      await writeFile(file, randomBytes(4 * 1024));
    }
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const contender of order) runs[contender].push(await measure(contenders[contender]));
  }
  results.push({ name: "(c) re-sync, 1% changed", baseline: "rclone", runs });
  results.push({ name: "(c) re-sync, 1% changed", baseline: "rclone --checksum", runs });
}

function runSpotkit(folder, bucket) {
  return run(process.execPath, [entry], {
    PLUGIN_ENDPOINT: proxy.endpoint,
    PLUGIN_ACCESS_KEY: gateway.accessKeyId,
    PLUGIN_SECRET_KEY: gateway.secretAccessKey,
    PLUGIN_BUCKET: bucket,
    PLUGIN_PATH_STYLE: "true",
    PLUGIN_SOURCE: folder,
    PLUGIN_TARGET: "/",
    PLUGIN_MAX_CONCURRENCY: "16",
  });
}

function runRclone(args) {
  // rclone's S3 backend refuses to start with AWS_CA_BUNDLE set against an http endpoint.
  const { AWS_CA_BUNDLE: _unused, ...environment } = process.env;
  return run(
    "rclone",
    ["--transfers", "16", "--checkers", "16", ...args],
    {
      ...environment,
      RCLONE_CONFIG_BENCH_TYPE: "s3",
      RCLONE_CONFIG_BENCH_PROVIDER: "Ceph",
      RCLONE_CONFIG_BENCH_ENDPOINT: proxy.endpoint,
      RCLONE_CONFIG_BENCH_ACCESS_KEY_ID: gateway.accessKeyId,
      RCLONE_CONFIG_BENCH_SECRET_ACCESS_KEY: gateway.secretAccessKey,
      RCLONE_CONFIG_BENCH_FORCE_PATH_STYLE: "true",
    },
    { inheritEnvironment: false },
  );
}

/** Wall time, proxy requests, peak RSS and CPU time (the command's and the server's) of one command. */
async function measure(command) {
  proxy.resetStats();
  const serverCpuBefore = await serverCpuSeconds();
  const started = performance.now();
  const { peakRssKilobytes, cpuSeconds } = await command();
  const seconds = (performance.now() - started) / 1000;
  return {
    seconds,
    cpuSeconds,
    serverCpuSeconds: (await serverCpuSeconds()) - serverCpuBefore,
    requests: proxy.stats.requests,
    peakRssMegabytes: peakRssKilobytes / 1024,
  };
}

/** User + system CPU seconds of the Ceph daemons started with this cluster's ceph.conf. */
async function serverCpuSeconds() {
  const clockTicksPerSecond = 100; // USER_HZ, 100 on every Linux this runs on
  let ticks = 0;
  for (const pid of (await readdir("/proc")).filter((name) => /^\d+$/.test(name))) {
    const commandLine = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (!commandLine.includes(gateway.directory)) continue;
    const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
    // Fields after the command name in parentheses; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0);
  }
  return ticks / clockTicksPerSecond;
}

async function run(command, args, extraEnvironment, { inheritEnvironment = true } = {}) {
  const rssFile = join(work, `rss-${Date.now()}-${Math.random()}`);
  const environment = inheritEnvironment
    ? { ...process.env, ...extraEnvironment }
    : extraEnvironment;
  const child = spawn("/usr/bin/time", ["-f", "%M %U %S", "-o", rssFile, command, ...args], {
    env: environment,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const code = await new Promise((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} failed (${code}):\n${stderr}`);
  const [rss, user, system] = (await readFile(rssFile, "utf8"))
    .trim()
    .split("\n")
    .at(-1)
    .split(" ");
  await rm(rssFile, { force: true });
  return { peakRssKilobytes: Number(rss), cpuSeconds: Number(user) + Number(system) };
}

async function writeFiles(folder, count, size) {
  await mkdir(folder, { recursive: true });
  const buffer = Buffer.alloc(Math.min(size, 8 * 1024 ** 2));
  for (let index = 0; index < count; index++) {
    const chunks = [];
    for (let written = 0; written < size; written += buffer.length) {
      chunks.push(
        Buffer.from(randomFillSync(buffer).subarray(0, Math.min(buffer.length, size - written))),
      );
    }
    const file = join(folder, fileName(index));
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, Buffer.concat(chunks));
  }
}

function fileName(index) {
  // Spread over 100 folders, as a real site or build output is.
  return join(String(index % 100).padStart(2, "0"), `file-${index}.bin`);
}

function printResults() {
  const lines = [`\nrounds: ${rounds} (alternating order), medians; ratio = spotkit / baseline\n`];
  lines.push(
    "| scenario | spotkit s | baseline | baseline s | time ratio | spotkit requests | baseline requests | request ratio | spotkit peak RSS MB | baseline peak RSS MB | spotkit CPU s | baseline CPU s | server CPU s (spotkit) | server CPU s (baseline) |",
  );
  lines.push(
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  );
  for (const { name, baseline, runs } of results) {
    const ours = summarize(runs.spotkit);
    const theirs = summarize(runs[baseline]);
    lines.push(
      `| ${name} | ${ours.seconds.toFixed(2)} | ${baseline} | ${theirs.seconds.toFixed(2)} | ${(ours.seconds / theirs.seconds).toFixed(2)}× | ${ours.requests} | ${theirs.requests} | ${(ours.requests / theirs.requests).toFixed(2)}× | ${ours.peakRssMegabytes.toFixed(0)} | ${theirs.peakRssMegabytes.toFixed(0)} | ${ours.cpuSeconds.toFixed(1)} | ${theirs.cpuSeconds.toFixed(1)} | ${ours.serverCpuSeconds.toFixed(1)} | ${theirs.serverCpuSeconds.toFixed(1)} |`,
    );
  }
  process.stdout.write(`${lines.join("\n")}\n`);
}

function summarize(runs) {
  return {
    seconds: median(runs.map((run) => run.seconds)),
    requests: median(runs.map((run) => run.requests)),
    peakRssMegabytes: median(runs.map((run) => run.peakRssMegabytes)),
    cpuSeconds: median(runs.map((run) => run.cpuSeconds)),
    serverCpuSeconds: median(runs.map((run) => run.serverCpuSeconds)),
  };
}
