#!/usr/bin/env node
import { writeFile } from "node:fs/promises";
import { relative } from "node:path";
import minimist from "minimist";
import { generatePluginDocs } from "./plugin-docs.js";

const usage = `Usage: spotkit docs [--check] [--root <folder>]

  docs      Regenerate each plugin's README settings table and settings.schema.json
            from its declaration.
  --check   Write nothing; exit 1 and list the files that are out of date.`;

const argv = minimist(process.argv.slice(2), { boolean: ["check", "help"], string: ["root"] });
const [command] = argv._;
if (argv.help || command !== "docs") {
  process.stdout.write(`${usage}\n`);
  process.exit(argv.help ? 0 : 2);
}

const root = argv.root ?? process.cwd();
try {
  const files = await generatePluginDocs(root);
  const stale = files.filter((file) => file.actual !== file.expected);
  if (argv.check) {
    if (stale.length > 0) {
      const list = stale.map((file) => `  ${relative(root, file.path)}`).join("\n");
      process.stderr.write(`Generated docs are out of date; run \`pnpm docs\`:\n${list}\n`);
      process.exit(1);
    }
    process.stdout.write(`docs are up to date (${files.length} files)\n`);
  } else {
    for (const file of stale) await writeFile(file.path, file.expected);
    process.stdout.write(`updated ${stale.length} of ${files.length} generated files\n`);
  }
} catch (error) {
  process.stderr.write(`spotkit docs: ${error instanceof Error ? error.message : error}\n`);
  process.exit(1);
}
