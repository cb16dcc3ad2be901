// Generates a synthetic node_modules-like folder for the cache benchmark (bench/cache.mjs):
// scoped and plain packages, nested node_modules, JS/TypeScript/source-map/markdown text, `.bin`
// symlinks (relative, inside the tree) to executable entry points. The same seed, file count and
// byte count always give the same tree, byte for byte (contents, modes, mtimes, names), so runs
// on different days and machines archive the same input.
//
// The text is tuned so that `tar -cf - . | zstd -3` compresses the default tree about 3.6×, as a
// real node_modules does; `--ratio` measures it.
//
//   node bench/make-cache-tree.mjs <dir> [--files 30000] [--bytes 300M] [--seed spotkit] [--ratio]
//
// <dir> must not exist or be empty. Also importable: `makeCacheTree(directory, options)`.
import { spawn } from "node:child_process";
import {
  chmodSync,
  lutimesSync,
  mkdirSync,
  readdirSync,
  symlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";

/** npm extracts every package with this mtime; using it keeps tar headers reproducible too. */
const fixedMtime = new Date("1985-10-26T08:15:00Z");

/**
 * Share of identifiers and literals that are fresh random text rather than vocabulary: the knob
 * that sets how well the tree compresses (0.25 gives `tar | zstd -3` ≈ 3.6× on the default tree, measured).
 */
const defaultEntropy = 0.25;

const keywords = ["const", "let", "var", "return", "new", "typeof", "await", "this", "void"];
const commonWords = (
  "options value result index length key name type data callback error args self prototype push " +
  "call apply keys Object Array String Number Promise resolve reject then map filter reduce " +
  "forEach indexOf slice join split replace toString hasOwnProperty defineProperty get set path " +
  "buffer config context node parent children state props emit listener event handler start end " +
  "offset size count source target input output message code stack module exports require " +
  "undefined null true false assign create default status headers body request response stream " +
  "chunk encoding format parse serialize schema items entry entries cache store"
).split(" ");
const nameParts = (
  "parse token stream create build get set normalize resolve format render load save read write " +
  "merge clone deep flat walk visit transform compile emit plugin loader util helper core base " +
  "node tree list map queue buffer cache glob match path file dir scope type schema json yaml " +
  "ast lex scan print source target range string number object array error event hook state " +
  "store async sync promise worker thread pool socket http url query header cookie session"
).split(" ");
const typeNames = [
  "string",
  "number",
  "boolean",
  "unknown",
  "void",
  "Promise<void>",
  "Record<string, unknown>",
  "string[]",
  "Buffer",
  "Options",
];
const operators = ["===", "!==", "<", ">", "&&", "||", "+", "-", "instanceof", "in"];
const letters = "abcdefghijklmnopqrstuvwxyz";
const base64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const hex = "0123456789abcdef";
const licenseText = `MIT License

Copyright (c) {{year}} {{author}}

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
`;

/**
 * Parses a byte count such as `300M`, `2G`, `512K` or `1048576` (binary multiples).
 * @param {string} text
 * @returns {number}
 */
export function parseBytes(text) {
  const match = /^(\d+(?:\.\d+)?)\s*([KMGT]?)i?B?$/i.exec(String(text).trim());
  if (!match) throw new Error(`Cannot read "${text}" as a byte count: write 300M, 2G or 1048576.`);
  const power = { "": 0, K: 1, M: 2, G: 3, T: 4 }[match[2].toUpperCase()];
  return Math.round(Number(match[1]) * 1024 ** power);
}

/**
 * A small, fast, seedable PRNG (sfc32), seeded from a string, so the tree does not depend on
 * Math.random or the Node version.
 * @param {string} seed
 */
export function createRandom(seed) {
  let h = 1779033703 ^ seed.length;
  for (let index = 0; index < seed.length; index++) {
    h = Math.imul(h ^ seed.charCodeAt(index), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  const next32 = () => {
    h = Math.imul(h ^ (h >>> 16), 2246822507);
    h = Math.imul(h ^ (h >>> 13), 3266489909);
    h ^= h >>> 16;
    return h >>> 0;
  };
  let a = next32();
  let b = next32();
  let c = next32();
  let d = next32();
  const float = () => {
    a >>>= 0;
    b >>>= 0;
    c >>>= 0;
    d >>>= 0;
    let t = (a + b) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    d = (d + 1) | 0;
    t = (t + d) | 0;
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let index = 0; index < 12; index++) float();
  const random = {
    float,
    /** An integer in [minimum, maximum]. */
    int: (minimum, maximum) => minimum + Math.floor(float() * (maximum - minimum + 1)),
    pick: (list) => list[Math.floor(float() * list.length)],
    chance: (probability) => float() < probability,
    /** A standard normal deviate (Box–Muller). */
    normal: () => Math.sqrt(-2 * Math.log(1 - float())) * Math.cos(2 * Math.PI * float()),
    characters: (alphabet, length) => {
      let text = "";
      for (let index = 0; index < length; index++)
        text += alphabet[(float() * alphabet.length) | 0];
      return text;
    },
  };
  return random;
}

/**
 * Writes the tree into `directory` (created; must not exist or be empty).
 * @param {string} directory
 * @param {{ files?: number, bytes?: number, seed?: string, entropy?: number }} [options]
 *   files: regular files (symlinks come on top) @default 30000;
 *   bytes: total size of the regular files @default 300 MiB;
 *   seed @default "spotkit"; entropy: see `defaultEntropy` @default 0.25
 * @returns {{ files: number, bytes: number, symlinks: number, executables: number, directories: number }}
 */
export function makeCacheTree(directory, options = {}) {
  const fileCount = options.files ?? 30_000;
  const totalBytes = options.bytes ?? 300 * 1024 ** 2;
  const random = createRandom(options.seed ?? "spotkit");
  const entropy = options.entropy ?? defaultEntropy;
  if (fileCount < 10) throw new Error("Ask for at least 10 files (--files).");
  mkdirSync(directory, { recursive: true });
  if (readdirSync(directory).length > 0) {
    throw new Error(`${directory} is not empty: give a new or empty folder.`);
  }

  const packages = planPackages(random, fileCount);
  assignSizes(random, packages, totalBytes);

  const stats = { files: 0, bytes: 0, symlinks: 0, executables: 0, directories: 0 };
  const directories = new Set();
  const binNames = new Map();
  const ensureDirectory = (folder) => {
    if (directories.has(folder)) return;
    mkdirSync(folder, { recursive: true });
    for (let current = folder; current.length > directory.length; current = dirname(current)) {
      directories.add(current);
    }
  };
  for (const pkg of packages) {
    const root = join(directory, pkg.location);
    for (const file of pkg.files) {
      const path = join(root, file.path);
      ensureDirectory(dirname(path));
      const text = renderFile(random, pkg, file, entropy);
      writeFileSync(path, text);
      stats.files++;
      stats.bytes += text.length;
      if (file.executable) {
        chmodSync(path, 0o755);
        stats.executables++;
      }
    }
    for (const bin of pkg.bins) {
      // A .bin folder next to the package, as npm links it: `node_modules/.bin/x -> ../pkg/bin/x.js`.
      const binFolder = join(directory, pkg.binFolder, ".bin");
      ensureDirectory(binFolder);
      // Two packages may want the same command name; npm would refuse one, we rename it.
      const taken = binNames.get(binFolder) ?? new Set();
      binNames.set(binFolder, taken);
      let command = bin.command;
      for (let suffix = 2; taken.has(command); suffix++) command = `${bin.command}-${suffix}`;
      taken.add(command);
      const link = join(binFolder, command);
      symlinkSync(relative(binFolder, join(root, bin.path)), link);
      stats.symlinks++;
    }
  }
  // A few folder symlinks (a hoisted alias of a real package), relative and inside the tree.
  const aliasable = packages.filter((pkg) => !pkg.location.includes("node_modules"));
  for (let index = 0; index < Math.min(12, Math.floor(aliasable.length / 50)); index++) {
    const pkg = aliasable[(index * 37 + 7) % aliasable.length];
    const link = join(directory, `${pkg.name.replace("/", "-").replace("@", "")}-alias-${index}`);
    symlinkSync(relative(directory, join(directory, pkg.location)), link);
    stats.symlinks++;
  }
  // Fixed mtimes everywhere, deepest folders last so writing into them does not undo it.
  setMtimes(directory);
  stats.directories = directories.size;
  return stats;
}

/** Decides the packages, their files (paths, kinds, executable bits) and their bin links. */
function planPackages(random, fileCount) {
  const packages = [];
  const usedNames = new Set();
  let remaining = fileCount;
  while (remaining > 0) {
    const name = uniquePackageName(random, usedNames);
    // Heavy-tailed file counts: most packages have a handful of files, a few have hundreds.
    const pareto = Math.round(5 / (1 - random.float()) ** (1 / 1.25));
    const count = Math.min(remaining, Math.max(4, Math.min(pareto, 2500)));
    const remainingAfter = remaining - count;
    // Do not leave fewer files than a package needs; fold them into this one.
    const size = remainingAfter > 0 && remainingAfter < 4 ? remaining : count;
    remaining -= size;
    const nested = packages.length > 20 && random.chance(0.15);
    const host = nested ? packages[random.int(0, packages.length - 1)] : undefined;
    const hostLocation = host && !host.location.includes("node_modules") ? host.location : "";
    const location = hostLocation ? join(hostLocation, "node_modules", name) : name;
    const pkg = {
      name,
      location,
      binFolder: hostLocation ? join(hostLocation, "node_modules") : "",
      vocabulary: Array.from({ length: random.int(30, 80) }, () => identifier(random)),
      files: [],
      bins: [],
    };
    planFiles(random, pkg, size);
    packages.push(pkg);
  }
  return packages;
}

function uniquePackageName(random, usedNames) {
  for (;;) {
    const base = `${random.pick(nameParts)}-${random.pick(nameParts)}${random.chance(0.3) ? `-${random.pick(nameParts)}` : ""}`;
    const name = random.chance(0.2)
      ? `@${random.pick(nameParts)}${random.pick(nameParts)}/${base}`
      : base;
    if (!usedNames.has(name)) {
      usedNames.add(name);
      return name;
    }
  }
}

function planFiles(random, pkg, count) {
  const used = new Set();
  const add = (path, kind, executable = false) => {
    let unique = path;
    for (let suffix = 2; used.has(unique); suffix++)
      unique = path.replace(/(\.[^./]+)+$/, `-${suffix}$&`);
    used.add(unique);
    pkg.files.push({ path: unique, kind, executable, size: 0 });
  };
  add("package.json", "package-json");
  add("LICENSE", "license");
  add("README.md", "markdown");
  add("index.js", "js");
  let left = count - 4;
  if (left > 0 && random.chance(0.2)) {
    const commands = random.chance(0.25) && left > 1 ? 2 : 1;
    for (let index = 0; index < commands; index++) {
      const command = `${pkg.name.split("/").at(-1)}${index ? `-${random.pick(nameParts)}` : ""}`;
      add(`bin/${command}.js`, "bin", true);
      pkg.bins.push({ command, path: pkg.files.at(-1).path });
      left--;
    }
  }
  const folders = [""];
  const roots = ["lib", "dist", "src", "types", "build", "esm", "cjs"];
  const folderCount = Math.min(left, random.int(1, 1 + Math.floor(Math.log2(left + 1))));
  for (let index = 0; index < folderCount; index++) {
    const parent = random.chance(0.4) ? random.pick(folders) : random.pick(roots);
    folders.push(parent ? `${parent}/${random.pick(nameParts)}` : random.pick(roots));
  }
  for (let index = 0; index < left; index++) {
    const folder = random.pick(folders);
    const stem = `${random.pick(nameParts)}${random.chance(0.5) ? `-${random.pick(nameParts)}` : ""}`;
    const roll = random.float();
    const [extension, kind] =
      roll < 0.5
        ? [".js", "js"]
        : roll < 0.66
          ? [".d.ts", "dts"]
          : roll < 0.76
            ? [".js.map", "map"]
            : roll < 0.82
              ? [random.pick([".mjs", ".cjs"]), "js"]
              : roll < 0.87
                ? [".ts", "dts"]
                : roll < 0.9
                  ? [".min.js", "minified"]
                  : roll < 0.94
                    ? [".json", "json"]
                    : [".md", "markdown"];
    add(`${folder ? `${folder}/` : ""}${stem}${extension}`, kind);
  }
}

/** Log-normal sizes scaled to the byte budget; fixed-format files keep their natural size. */
function assignSizes(random, packages, totalBytes) {
  const weighted = [];
  let weightSum = 0;
  let fixed = 0;
  for (const pkg of packages) {
    for (const file of pkg.files) {
      if (file.kind === "package-json" || file.kind === "license") {
        file.size = file.kind === "license" ? 1200 : random.int(900, 2400);
        fixed += file.size;
        continue;
      }
      const scale = { map: 1.5, minified: 2, bin: 0.3, json: 0.5, markdown: 0.8 }[file.kind] ?? 1;
      file.weight = scale * Math.exp(1.5 * random.normal());
      weightSum += file.weight;
      weighted.push(file);
    }
  }
  const budget = Math.max(0, totalBytes - fixed);
  let assigned = 0;
  for (const file of weighted) {
    file.size = Math.max(40, Math.round((file.weight / weightSum) * budget));
    assigned += file.size;
  }
  // Rounding and the 40-byte floor leave a small difference: give it to (or take it from) the
  // largest file, so the total is exact.
  const largest = weighted.reduce((best, file) => (file.size > best.size ? file : best));
  largest.size = Math.max(40, largest.size + budget - assigned);
}

function identifier(random) {
  const words = random.int(1, 3);
  let text = random.pick(nameParts);
  for (let index = 1; index < words; index++) {
    const part = random.pick(nameParts);
    text += part[0].toUpperCase() + part.slice(1);
  }
  return text;
}

function renderFile(random, pkg, file, entropy) {
  const size = file.size;
  let text;
  switch (file.kind) {
    case "package-json":
      text = renderPackageJson(random, pkg);
      break;
    case "license":
      text = licenseText
        .replace("{{year}}", String(random.int(2012, 2025)))
        .replace("{{author}}", `${identifier(random)} contributors`);
      break;
    case "map":
      text = renderSourceMap(random, pkg, size, entropy);
      break;
    case "markdown":
      text = renderProse(random, pkg, size, entropy);
      break;
    case "json":
      text = renderJson(random, pkg, size, entropy);
      break;
    case "minified":
      text = renderMinified(random, pkg, size, entropy);
      break;
    case "bin":
      text = `#!/usr/bin/env node\n"use strict";\n${renderCode(random, pkg, size, entropy, false)}`;
      break;
    default:
      text = renderCode(random, pkg, size, entropy, file.kind === "dts");
  }
  // package.json and LICENSE keep their text whole (trailing spaces are still valid JSON).
  if ((file.kind === "package-json" || file.kind === "license") && text.length >= size) return text;
  // Cut or pad to the planned size, ending in a newline, so the byte budget is exact.
  if (text.length >= size) return `${text.slice(0, size - 1)}\n`;
  return `${text.padEnd(size - 1, " ")}\n`;
}

function renderPackageJson(random, pkg) {
  const manifest = {
    name: pkg.name,
    version: `${random.int(0, 12)}.${random.int(0, 30)}.${random.int(0, 20)}`,
    description: `${random.pick(nameParts)} ${random.pick(nameParts)} for ${random.pick(nameParts)}`,
    main: "index.js",
    license: "MIT",
    repository: {
      type: "git",
      url: `git+https://github.com/${identifier(random)}/${pkg.name}.git`,
    },
    dependencies: Object.fromEntries(
      Array.from({ length: random.int(0, 6) }, () => [
        `${random.pick(nameParts)}-${random.pick(nameParts)}`,
        `^${random.int(0, 9)}.${random.int(0, 20)}.0`,
      ]),
    ),
    _integrity: `sha512-${random.characters(base64, 86)}==`,
  };
  if (pkg.bins.length > 0) {
    manifest.bin = Object.fromEntries(pkg.bins.map((bin) => [bin.command, bin.path]));
  }
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** An identifier or literal: vocabulary most of the time, fresh random text at `entropy`. */
function operand(random, pkg, entropy) {
  const roll = random.float();
  if (roll < entropy) {
    const fresh = random.float();
    if (fresh < 0.5) return random.characters(letters, random.int(3, 10));
    if (fresh < 0.75) return String(random.int(0, 99_999));
    return `"${random.characters(hex, random.int(6, 16))}"`;
  }
  if (roll < entropy + (1 - entropy) * 0.5) return random.pick(pkg.vocabulary);
  if (roll < entropy + (1 - entropy) * 0.85) return random.pick(commonWords);
  return `"${random.pick(nameParts)} ${random.pick(nameParts)}"`;
}

function renderCode(random, pkg, size, entropy, declarations) {
  const lines = ['"use strict";'];
  let length = 0;
  let depth = 0;
  const local = () => random.pick(pkg.vocabulary);
  const value = () => operand(random, pkg, entropy);
  while (length < size) {
    const indent = "  ".repeat(depth);
    let line;
    if (declarations) {
      const roll = random.float();
      line =
        roll < 0.4
          ? `export declare function ${local()}(${local()}: ${random.pick(typeNames)}, ${value()}?: ${random.pick(typeNames)}): ${random.pick(typeNames)};`
          : roll < 0.7
            ? `  ${local()}${random.chance(0.3) ? "?" : ""}: ${random.pick(typeNames)};`
            : roll < 0.85
              ? `/** ${value()} ${random.pick(commonWords)} ${value()} ${random.pick(nameParts)}. */`
              : `export interface ${capitalize(local())} {`;
    } else {
      const roll = random.float();
      if (roll < 0.12 && depth < 6) {
        line = `${indent}function ${local()}(${value()}, ${local()}) {`;
        depth++;
      } else if (roll < 0.22 && depth < 6) {
        line = `${indent}if (${value()} ${random.pick(operators)} ${value()}) {`;
        depth++;
      } else if (roll < 0.34 && depth > 0) {
        line = `${indent.slice(2)}}`;
        depth--;
      } else if (roll < 0.5) {
        line = `${indent}${random.pick(keywords)} ${local()} = ${value()}.${random.pick(commonWords)}(${value()}, ${value()});`;
      } else if (roll < 0.6) {
        line = `${indent}return ${value()} ${random.pick(operators)} ${value()};`;
      } else if (roll < 0.68) {
        line = `${indent}// ${value()} ${random.pick(commonWords)} ${random.pick(nameParts)} ${value()}`;
      } else if (roll < 0.74) {
        line = `${indent}var ${local()} = require("${random.pick(nameParts)}-${random.pick(nameParts)}");`;
      } else if (roll < 0.8) {
        line = `${indent}throw new TypeError("${random.pick(nameParts)} ${value()} ${random.pick(commonWords)}");`;
      } else {
        line = `${indent}${local()}.${random.pick(commonWords)}[${value()}] = ${value()};`;
      }
    }
    lines.push(line);
    length += line.length + 1;
  }
  return `${lines.join("\n")}\n`;
}

function renderMinified(random, pkg, size, entropy) {
  const parts = ["!function(e,t){"];
  let length = parts[0].length;
  const short = () => random.pick(letters) + (random.chance(0.3) ? random.pick(letters) : "");
  while (length < size) {
    const roll = random.float();
    const part =
      roll < 0.3
        ? `var ${short()}=${operand(random, pkg, entropy)}.${random.pick(commonWords)}(${short()},${operand(random, pkg, entropy)});`
        : roll < 0.6
          ? `function ${short()}(${short()},${short()}){return ${short()}${random.pick(operators)}${operand(random, pkg, entropy)}}`
          : roll < 0.8
            ? `${short()}.${random.pick(pkg.vocabulary)}=${operand(random, pkg, entropy)},`
            : `if(${short()})throw new Error("${random.pick(nameParts)} ${operand(random, pkg, entropy)}");`;
    parts.push(part);
    length += part.length;
  }
  return `${parts.join("")}}();\n`;
}

function renderSourceMap(random, pkg, size, entropy) {
  const head = `{"version":3,"file":"${random.pick(pkg.vocabulary)}.js","sources":["../src/${random.pick(pkg.vocabulary)}.ts"],"names":[${pkg.vocabulary
    .slice(0, 12)
    .map((name) => `"${name}"`)
    .join(",")}],"mappings":"`;
  // VLQ mappings (short base64 groups, which compress much worse than code) for about a third,
  // then the original source in `sourcesContent`, as bundlers write them.
  const groups = [];
  let length = head.length;
  while (length < size / 3) {
    const group = `${random.characters(base64, random.int(2, 6))}${random.chance(0.15) ? ";" : ","}`;
    groups.push(group);
    length += group.length;
  }
  const source = renderCode(random, pkg, Math.max(0, size - length), entropy, false);
  return `${head}${groups.join("")}","sourcesContent":[${JSON.stringify(source)}]}\n`;
}

function renderProse(random, pkg, size, entropy) {
  const lines = [`# ${pkg.name}`, ""];
  let length = 0;
  while (length < size) {
    const roll = random.float();
    let line;
    if (roll < 0.1) line = `## ${capitalize(random.pick(nameParts))} ${random.pick(nameParts)}`;
    else if (roll < 0.25)
      line = `    ${pkg.vocabulary[0]}.${random.pick(pkg.vocabulary)}(${operand(random, pkg, entropy)});`;
    else {
      const words = Array.from({ length: random.int(6, 16) }, () =>
        random.chance(0.5) ? random.pick(commonWords) : operand(random, pkg, entropy),
      );
      line = `${capitalize(words.join(" "))}.`;
    }
    lines.push(line);
    length += line.length + 1;
  }
  return `${lines.join("\n")}\n`;
}

function renderJson(random, pkg, size, entropy) {
  const entries = [];
  let length = 2;
  while (length < size) {
    const entry = `  "${random.pick(pkg.vocabulary)}${random.int(0, 999)}": ${random.chance(0.5) ? operand(random, pkg, entropy).replace(/^([a-z]\w*)$/, '"$1"') : `["${random.pick(nameParts)}", ${random.int(0, 9999)}]`}`;
    entries.push(entry);
    length += entry.length + 2;
  }
  return `{\n${entries.join(",\n")}\n}\n`;
}

function capitalize(text) {
  return text.length > 0 ? text[0].toUpperCase() + text.slice(1) : text;
}

function setMtimes(directory) {
  const folders = [];
  const walk = (folder) => {
    folders.push(folder);
    for (const entry of readdirSync(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isSymbolicLink()) lutimesSync(path, fixedMtime, fixedMtime);
      else if (entry.isDirectory()) walk(path);
      else utimesSync(path, fixedMtime, fixedMtime);
    }
  };
  walk(directory);
  for (const folder of folders.reverse()) utimesSync(folder, fixedMtime, fixedMtime);
}

/**
 * Measures `tar -cf - . | zstd -3` over the tree: tar bytes, zstd bytes and their ratio.
 * @param {string} directory
 * @returns {Promise<{ tarBytes: number, zstdBytes: number, ratio: number }>}
 */
export async function measureCompression(directory) {
  const script = `set -o pipefail; tar -cf - . | tee >(wc -c >&2) | zstd -q -3 -T0 | wc -c`;
  const child = spawn("bash", ["-c", script], {
    cwd: directory,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => {
    stdout += chunk;
  });
  child.stderr.on("data", (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise((done) => child.on("close", done));
  if (code !== 0) throw new Error(`tar | zstd failed (${code}): ${stderr}`);
  const zstdBytes = Number(stdout.trim());
  const tarBytes = Number(stderr.trim().split("\n").at(-1));
  return { tarBytes, zstdBytes, ratio: tarBytes / zstdBytes };
}

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      files: { type: "string", default: "30000" },
      bytes: { type: "string", default: "300M" },
      seed: { type: "string", default: "spotkit" },
      entropy: { type: "string", default: String(defaultEntropy) },
      ratio: { type: "boolean", default: false },
    },
  });
  if (positionals.length !== 1) {
    process.stderr.write(
      "usage: node bench/make-cache-tree.mjs <dir> [--files 30000] [--bytes 300M] [--seed spotkit] [--ratio]\n",
    );
    process.exit(2);
  }
  const directory = resolve(positionals[0]);
  const started = performance.now();
  const stats = makeCacheTree(directory, {
    files: Number(values.files),
    bytes: parseBytes(values.bytes),
    seed: values.seed,
    entropy: Number(values.entropy),
  });
  const seconds = (performance.now() - started) / 1000;
  process.stdout.write(
    `${directory}: ${stats.files} files (${stats.executables} executable), ${stats.symlinks} symlinks, ` +
      `${stats.directories} folders, ${(stats.bytes / 1024 ** 2).toFixed(1)} MiB in ${seconds.toFixed(1)} s\n`,
  );
  if (values.ratio) {
    const { tarBytes, zstdBytes, ratio } = await measureCompression(directory);
    process.stdout.write(
      `tar ${(tarBytes / 1024 ** 2).toFixed(1)} MiB, tar | zstd -3 ${(zstdBytes / 1024 ** 2).toFixed(1)} MiB: ${ratio.toFixed(2)}×\n`,
    );
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await main();
}
