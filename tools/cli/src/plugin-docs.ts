import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  type Plugin,
  renderSettingsTable,
  replaceSettingsTable,
  settingsJsonSchema,
} from "@spotkit/runtime";

/** A file the docs generator owns, with the text it should hold. */
export interface GeneratedFile {
  path: string;
  expected: string;
  actual: string | undefined;
}

/**
 * For every plugin under `plugins/` that has been built: its README with the settings table
 * regenerated from the declaration, and its `settings.schema.json`.
 */
export async function generatePluginDocs(
  root: string,
  load: (folder: string) => Promise<Plugin> = loadBuiltPlugin,
): Promise<GeneratedFile[]> {
  const pluginsFolder = join(root, "plugins");
  // A checkout without plugins (a fork of the runtime alone) simply has nothing to generate.
  const entries = await readdir(pluginsFolder, { withFileTypes: true }).catch(() => []);
  const folders = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => join(pluginsFolder, entry.name))
    .sort();
  const files: GeneratedFile[] = [];
  for (const folder of folders) {
    const plugin = await load(folder);
    const readmePath = join(folder, "README.md");
    const readme = await readText(readmePath);
    const withTable = readme && replaceSettingsTable(readme, renderSettingsTable(plugin));
    if (!withTable) {
      throw new Error(
        `${readmePath} needs the markers <!-- settings:start --> and <!-- settings:end --> for the settings table`,
      );
    }
    files.push({ path: readmePath, expected: withTable, actual: readme });
    const schemaPath = join(folder, "settings.schema.json");
    files.push({
      path: schemaPath,
      expected: `${JSON.stringify(settingsJsonSchema(plugin), null, 2)}\n`,
      actual: await readText(schemaPath),
    });
  }
  return files;
}

/** Loads the `plugin` export of a plugin's built `dist/plugin.js`. */
export async function loadBuiltPlugin(folder: string): Promise<Plugin> {
  const entry = join(folder, "dist", "plugin.js");
  let module: { plugin?: Plugin };
  try {
    module = (await import(pathToFileURL(entry).href)) as { plugin?: Plugin };
  } catch (error) {
    throw new Error(`cannot load ${entry}: build the plugins first (pnpm build)`, { cause: error });
  }
  if (!module.plugin) throw new Error(`${entry} does not export "plugin"`);
  return module.plugin;
}

async function readText(path: string): Promise<string | undefined> {
  return readFile(path, "utf8").catch(() => undefined);
}
