// Benchmark: what extracting a cache costs when every decompressed byte passes through Node, as it
// does in spotkit's restore (the tar validator sits between `zstd -d` and `tar -x`, so that nothing
// it refuses reaches the disk). No network: the archive is a local file, every restore goes into a
// fresh folder of the same tmpfs-backed scratch space. Contenders, alternately (A B C, C B A, …):
//
//   (1) shell    zstd -d -c archive | tar -xf -              the floor: no byte through Node
//   (2) relay    zstd -d -c archive | node (copy) | tar -xf -  Node copying the bytes, checking none
//   (3) spotkit  extractArchive() of @spotkit/archive          relay + validation + private folder
//
// (2) is the least any check inside Node can cost; (3) − (2) is what the validator adds. Run it
// with Node 24 after `pnpm build`:
//
//   pnpm build && pnpm exec node bench/restore-floor.mjs [--rounds 5] [--files 30000 --bytes 300M]
//
// Needs zstd, GNU tar and GNU time (apt-get install zstd time).
import { spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { makeCacheTree, parseBytes } from "./make-cache-tree.mjs";
import { median } from "./median.mjs";

const { values: options } = parseArgs({
  options: {
    rounds: { type: "string", default: "5" },
    files: { type: "string", default: "30000" },
    bytes: { type: "string", default: "300M" },
  },
});
const rounds = Number(options.rounds);
const archiveModule = new URL("../packages/archive/dist/index.js", import.meta.url);
if (!existsSync(archiveModule)) {
  throw new Error(`${archiveModule.pathname} does not exist: run pnpm build first.`);
}
for (const program of ["zstd", "tar", "/usr/bin/time"]) {
  if (spawnSync("bash", ["-c", `command -v ${program}`]).status !== 0) {
    throw new Error(`${program} is not installed (apt-get install zstd time).`);
  }
}

// /dev/shm is a tmpfs on Linux: restores measure the extraction, not a disk.
const scratchParent = existsSync("/dev/shm") ? "/dev/shm" : tmpdir();
const work = await mkdtemp(join(scratchParent, "spotkit-bench-restore-"));
const archive = join(work, "cache.tar.zst");

const relaySource = `
const { spawn } = require("node:child_process");
const [archive, out] = process.argv.slice(1);
const zstd = spawn("zstd", ["-d", "-c", "-q", archive], { stdio: ["ignore", "pipe", "inherit"] });
const tar = spawn("tar", ["-xf", "-", "-C", out], { stdio: ["pipe", "inherit", "inherit"] });
zstd.stdout.on("data", (chunk) => {
  if (!tar.stdin.write(chunk)) {
    zstd.stdout.pause();
    tar.stdin.once("drain", () => zstd.stdout.resume());
  }
});
zstd.stdout.on("end", () => tar.stdin.end());
tar.on("close", (code) => process.exit(code ?? 1));
`;
const spotkitSource = `
import { createReadStream } from "node:fs";
const [, moduleUrl, archive, out] = process.argv;
const { extractArchive } = await import(moduleUrl);
await extractArchive({ body: createReadStream(archive), root: out, mounts: ["node_modules"] });
`;

const contenders = {
  "(1) shell": (out) => ["bash", ["-c", 'zstd -d -c -q "$0" | tar -xf - -C "$1"', archive, out]],
  "(2) relay": (out) => [process.execPath, ["-e", relaySource, archive, out]],
  "(3) spotkit": (out) => [
    process.execPath,
    ["--input-type=module", "-e", spotkitSource, archiveModule.href, archive, out],
  ],
};

try {
  const tree = makeCacheTree(join(work, "tree", "node_modules"), {
    files: Number(options.files),
    bytes: parseBytes(options.bytes),
  });
  const made = spawnSync(
    "bash",
    ["-c", 'tar -cf - -C "$0" node_modules | zstd -q -3 -T0 > "$1"', join(work, "tree"), archive],
    { stdio: "inherit" },
  );
  if (made.status !== 0) throw new Error("could not make the archive");
  process.stdout.write(
    `tree: ${tree.files} files, ${tree.symlinks} symlinks, ${(tree.bytes / 1024 ** 2).toFixed(0)} MiB\n`,
  );

  const names = Object.keys(contenders);
  const runs = Object.fromEntries(names.map((name) => [name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const out = await mkdtemp(join(work, "out-"));
      const [command, args] = contenders[name](out);
      runs[name].push(await measure(command, args));
      await rm(out, { recursive: true, force: true });
    }
  }

  const floor = summarize(runs["(1) shell"]);
  const lines = [
    `\nrounds: ${rounds} (alternating order), medians; ratio = contender / (1) shell\n`,
    "| contender | seconds | ratio | CPU s (all processes) |",
    "| --- | --- | --- | --- |",
  ];
  for (const name of names) {
    const { seconds, cpuSeconds } = summarize(runs[name]);
    lines.push(
      `| ${name} | ${seconds.toFixed(2)} | ${(seconds / floor.seconds).toFixed(2)}× | ${cpuSeconds.toFixed(2)} |`,
    );
  }
  process.stdout.write(`${lines.join("\n")}\n`);
} finally {
  await rm(work, { recursive: true, force: true });
}

/** Wall time and CPU time (user + system of the command and its children) of one run. */
async function measure(command, args) {
  const timeFile = join(work, `time-${Date.now()}`);
  const started = performance.now();
  const child = spawn("/usr/bin/time", ["-f", "%U %S", "-o", timeFile, command, ...args], {
    stdio: ["ignore", "inherit", "inherit"],
  });
  const code = await new Promise((resolve) => child.on("close", resolve));
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`${command} ${args.join(" ")} failed (${code})`);
  const [user, system] = (await readFile(timeFile, "utf8")).trim().split("\n").at(-1).split(" ");
  await rm(timeFile, { force: true });
  return { seconds, cpuSeconds: Number(user) + Number(system) };
}

function summarize(list) {
  return {
    seconds: median(list.map((run) => run.seconds)),
    cpuSeconds: median(list.map((run) => run.cpuSeconds)),
  };
}
