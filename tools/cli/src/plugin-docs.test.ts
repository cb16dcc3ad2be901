import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { definePlugin, setting, z } from "@spotkit/runtime";
import { afterEach, describe, expect, it } from "vitest";
import { generatePluginDocs } from "./plugin-docs.js";

const plugin = definePlugin({
  name: "demo",
  description: "A demo plugin.",
  version: "0.0.0",
  settings: {
    webhook: setting(z.url(), {
      description: "Where to post | pipes are escaped.",
      secret: true,
      aliases: ["DEMO_WEBHOOK"],
    }),
    tags: setting(z.array(z.string()).default(["latest"]), { description: "Tags." }),
  },
  run: async () => {},
});

const roots: string[] = [];
afterEach(async () => {
  for (const root of roots.splice(0)) await rm(root, { recursive: true, force: true });
});

async function makeRoot(readme: string): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), "spotkit-docs-"));
  roots.push(root);
  await mkdir(join(root, "plugins", "demo"), { recursive: true });
  await writeFile(join(root, "plugins", "demo", "README.md"), readme);
  return root;
}

describe("generatePluginDocs", () => {
  it("fills the README table and the JSON Schema from the declaration", async () => {
    const root = await makeRoot(
      "# demo\n\n<!-- settings:start -->\nold\n<!-- settings:end -->\n\nMore.\n",
    );
    const [readme, schema] = await generatePluginDocs(root, async () => plugin);
    expect(readme?.actual).not.toBe(readme?.expected);
    expect(readme?.expected).toContain(
      "| `webhook` | string (secret) | **required** | `PLUGIN_WEBHOOK`, `DEMO_WEBHOOK` | Where to post \\| pipes are escaped. |",
    );
    expect(readme?.expected).toContain(
      '| `tags` | list of string | `["latest"]` | `PLUGIN_TAGS` | Tags. |',
    );
    expect(readme?.expected).toContain("| `log_level` |");
    expect(readme?.expected).toMatch(/<!-- settings:end -->\n\nMore\.\n$/);
    const parsed = JSON.parse(schema?.expected ?? "{}");
    expect(parsed.required).toEqual(["webhook"]);
    expect(parsed.properties.webhook.anyOf[1].required).toEqual(["from_secret"]);
    expect(parsed.properties.tags).toMatchObject({ type: "array", default: ["latest"] });
    expect(schema?.actual).toBeUndefined();
  });

  it("says which README lacks the markers", async () => {
    const root = await makeRoot("# demo\n");
    await expect(generatePluginDocs(root, async () => plugin)).rejects.toThrow(
      /README\.md needs the markers/,
    );
  });
});
