import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Card, writeCard } from "./card.js";
import { expectSpotkitError } from "./test-support/expect-spotkit-error.js";
import { useTemporaryFolder } from "./test-support/temporary-folder.js";

const card: Card = {
  schema: "https://drone-plugins.github.io/drone-docker/card.json",
  data: {
    RepoTags: ["octocat/app:1.2.3"],
    SizeString: "12 MB",
    URL: "https://hub.docker.com/r/octocat/app",
  },
};

/**
 * What drone/runner-go's livelog/extractor does with the step's log writes: a write that starts
 * with ESC]1338; is taken out of the log, trimmed, stripped of the markers and base64-decoded.
 */
function extractCard(writes: string[]): { card: unknown; log: string[] } {
  const prefix = "\u001b]1338;";
  const suffix = "\u001b]0m";
  const log: string[] = [];
  let file = "";
  for (const write of writes) {
    if (!write.startsWith(prefix)) {
      log.push(write);
      continue;
    }
    let data = write.trim();
    data = data.slice(prefix.length);
    if (data.endsWith(suffix)) data = data.slice(0, -suffix.length);
    file += data;
  }
  return {
    card: file === "" ? undefined : JSON.parse(Buffer.from(file, "base64").toString("utf8")),
    log,
  };
}

const temporaryFolder = useTemporaryFolder("spotkit-card-");

describe("writeCard", () => {
  it.each([[{}], [{ DRONE_CARD_PATH: "" }]])(
    "does nothing without DRONE_CARD_PATH (%j)",
    async (env) => {
      const writes: string[] = [];
      await writeCard({ env, card, stdout: (text) => writes.push(text) });
      expect(writes).toEqual([]);
      expect(await readdir(temporaryFolder())).toEqual([]);
    },
  );

  it("prints the card as drone-docker's card.go does when the path is /dev/stdout", async () => {
    const writes: string[] = [];
    await writeCard({
      env: { DRONE_CARD_PATH: "/dev/stdout" },
      card,
      stdout: (text) => writes.push(text),
    });
    const json = JSON.stringify({ schema: card.schema, data: card.data });
    expect(writes).toEqual([`\u001b]1338;${Buffer.from(json).toString("base64")}\u001b]0m\n`]);
    expect(extractCard(["building…\n", ...writes, "done\n"])).toEqual({
      card: { schema: card.schema, data: card.data },
      log: ["building…\n", "done\n"],
    });
  });

  it("prints to stderr for /dev/stderr, or to stdout when no stderr writer is given", async () => {
    const stdout: string[] = [];
    const stderr: string[] = [];
    const env = { DRONE_CARD_PATH: "/dev/stderr" };
    await writeCard({
      env,
      card,
      stdout: (text) => stdout.push(text),
      stderr: (text) => stderr.push(text),
    });
    expect(stdout).toEqual([]);
    expect(extractCard(stderr).card).toEqual(card);
    await writeCard({ env, card, stdout: (text) => stdout.push(text) });
    expect(extractCard(stdout).card).toEqual(card);
  });

  it("writes the JSON to any other path", async () => {
    const path = join(temporaryFolder(), "card.json");
    const writes: string[] = [];
    await writeCard({
      env: { DRONE_CARD_PATH: path },
      card: { schema: card.schema, data: { text: 'ünïcödé \u001b and "quotes"' } },
      stdout: (text) => writes.push(text),
    });
    expect(writes).toEqual([]);
    const text = await readFile(path, "utf8");
    expect(JSON.parse(text)).toEqual({
      schema: card.schema,
      data: { text: 'ünïcödé \u001b and "quotes"' },
    });
    expect(text.endsWith("}")).toBe(true);
  });

  it("writes null data as Go writes an empty json.RawMessage", async () => {
    const path = join(temporaryFolder(), "card.json");
    await writeCard({
      env: { DRONE_CARD_PATH: path },
      card: { schema: card.schema, data: undefined },
      stdout: () => undefined,
    });
    expect(await readFile(path, "utf8")).toBe(`{"schema":"${card.schema}","data":null}`);
  });

  it("refuses a card without a schema or with data JSON cannot hold", async () => {
    const env = { DRONE_CARD_PATH: "/dev/stdout" };
    const writes: string[] = [];
    const stdout = (text: string) => writes.push(text);
    await expectSpotkitError(
      writeCard({ env, card: { schema: "", data: {} }, stdout }),
      "E_CARD_INVALID",
    );
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    await expectSpotkitError(
      writeCard({ env, card: { schema: card.schema, data: circular }, stdout }),
      "E_CARD_INVALID",
    );
    await expectSpotkitError(
      writeCard({ env, card: { schema: card.schema, data: 1n }, stdout }),
      "E_CARD_INVALID",
    );
    expect(writes).toEqual([]);
  });

  it("reports a path it cannot write", async () => {
    const path = join(temporaryFolder(), "missing", "card.json");
    const error = await expectSpotkitError(
      writeCard({ env: { DRONE_CARD_PATH: path }, card, stdout: () => undefined }),
      "E_CARD_WRITE_FAILED",
    );
    expect(error.message).toContain(path);
  });
});
