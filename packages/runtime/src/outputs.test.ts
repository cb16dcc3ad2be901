import { chmod, lstat, mkdir, readdir, readFile, stat, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parseEnv } from "node:util";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readGodotenv } from "./dotenv-parser.js";
import { createOutputs } from "./outputs.js";
import { SpotkitError } from "./spotkit-error.js";
import { expectSpotkitError } from "./test-support/expect-spotkit-error.js";
import { useTemporaryFolder } from "./test-support/temporary-folder.js";

const temporaryFolder = useTemporaryFolder("spotkit-outputs-");

/** How the GitHub runner reads `name<<delimiter` blocks (and single `name=value` lines). */
function readGithubOutput(text: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const lines = text.split("\n");
  for (let index = 0; index < lines.length; index += 1) {
    const line = lines[index] ?? "";
    const heredoc = /^([^=<]+)<<(.+)$/.exec(line);
    if (heredoc?.[1] !== undefined && heredoc[2] !== undefined) {
      const end = lines.indexOf(heredoc[2], index + 1);
      if (end === -1) throw new Error(`unterminated heredoc ${heredoc[2]}`);
      outputs[heredoc[1]] = lines.slice(index + 1, end).join("\n");
      index = end;
    } else if (line.includes("=")) {
      outputs[line.slice(0, line.indexOf("="))] = line.slice(line.indexOf("=") + 1);
    }
  }
  return outputs;
}

const awkwardValues: Record<string, string> = {
  EQUALS: "a=b=c",
  DOUBLE_QUOTES: 'say "hi"',
  SINGLE_QUOTES: "it's",
  BOTH_QUOTES: `it's "both"`,
  HASH: "#not-a-comment # really",
  SPACES: "  leading and trailing  ",
  MULTI_LINE: "line 1\nline 2\n\nline 4",
  UNICODE: "ünïcödé ✓ 😀 中文",
  DOLLAR: "$HOME ${PATH} $(id)",
  BANG_AND_BACKQUOTE: "hello! `date`",
  BACKSLASHES: "C:\\temp\\new \\n not a newline",
  JSON: '{"images":["repo/app:1.2.3"],"ok":true}',
  EMPTY: "",
  NUMBER: "42",
  LEADING_ZERO: "007",
  CARRIAGE_RETURN: "a\r\nb",
};

describe("createOutputs with DRONE_OUTPUT", () => {
  it("does nothing when neither DRONE_OUTPUT nor GITHUB_OUTPUT is set", async () => {
    const outputs = createOutputs({ env: { DRONE_OUTPUT: "", HOME: temporaryFolder() } });
    await outputs.set("digest", "sha256:abc");
    expect(await readdir(temporaryFolder())).toEqual([]);
  });

  it("creates a .env file in godotenv's Marshal format", async () => {
    const path = join(temporaryFolder(), "output.env");
    const outputs = createOutputs({ env: { DRONE_OUTPUT: path } });
    await outputs.set("digest", "sha256:abc");
    await outputs.set("count", "3");
    expect(await readFile(path, "utf8")).toBe('digest="sha256:abc"\ncount=3\n');
  });

  it("round-trips awkward values through godotenv and Node's parseEnv", async () => {
    const path = join(temporaryFolder(), "output.env");
    const outputs = createOutputs({ env: { DRONE_OUTPUT: path } });
    for (const [name, value] of Object.entries(awkwardValues)) await outputs.set(name, value);
    const text = await readFile(path, "utf8");
    expect(Object.fromEntries(readGodotenv(text, "v3"))).toEqual(awkwardValues);
    const viaNode = parseEnv(text);
    for (const [name, value] of Object.entries(awkwardValues)) {
      // Node decodes only \\n in double quotes; no quoting holds a carriage return for it.
      if (name === "CARRIAGE_RETURN") continue;
      expect(viaNode[name], name).toBe(value);
    }
  });

  it("round-trips any value godotenv can hold, and refuses the rest without touching the file", async () => {
    const path = join(temporaryFolder(), "output.env");
    const outputs = createOutputs({ env: { DRONE_OUTPUT: path } });
    await outputs.set("BEFORE", "kept");
    await fc.assert(
      fc.asyncProperty(fc.string({ unit: "binary", maxLength: 30 }), async (value) => {
        const before = await readFile(path, "utf8");
        const expected = value.replace(/\n+$/, "");
        try {
          await outputs.set("VALUE", value);
        } catch (error) {
          expect(SpotkitError.isInstance(error) && error.code).toBe("E_OUTPUT_INVALID");
          expect(await readFile(path, "utf8")).toBe(before);
          return;
        }
        const variables = readGodotenv(await readFile(path, "utf8"), "v3");
        expect(variables.get("VALUE")).toBe(expected);
        expect(variables.get("BEFORE")).toBe("kept");
        expect(variables.size).toBe(2);
      }),
      { numRuns: 200 },
    );
  });

  it("drops trailing newlines, as drone-plugin-lib does", async () => {
    const path = join(temporaryFolder(), "output.env");
    await createOutputs({ env: { DRONE_OUTPUT: path } }).set("version", "1.2.3\n\n");
    expect(await readFile(path, "utf8")).toBe('version="1.2.3"\n');
  });

  it("replaces an existing name in place and keeps every other line as it was", async () => {
    const path = join(temporaryFolder(), "output.env");
    const original = [
      "# written by earlier steps",
      "FIRST=one",
      'export DIGEST="sha256:old"   # inline note',
      "MULTI='a",
      "b'",
      "LAST=last value",
      "",
    ].join("\n");
    await writeFile(path, original);
    await createOutputs({ env: { DRONE_OUTPUT: path } }).set("DIGEST", "sha256:new");
    expect(await readFile(path, "utf8")).toBe(
      [
        "# written by earlier steps",
        "FIRST=one",
        'DIGEST="sha256:new"',
        "   # inline note",
        "MULTI='a",
        "b'",
        "LAST=last value",
        "",
      ].join("\n"),
    );
    await createOutputs({ env: { DRONE_OUTPUT: path } }).set("MULTI", "c");
    const variables = readGodotenv(await readFile(path, "utf8"));
    expect(Object.fromEntries(variables)).toEqual({
      FIRST: "one",
      DIGEST: "sha256:new",
      MULTI: "c",
      LAST: "last value",
    });
    expect((await readFile(path, "utf8")).indexOf('MULTI="c"')).toBeLessThan(
      (await readFile(path, "utf8")).indexOf("LAST="),
    );
  });

  it("removes the duplicates that appending plugins leave, keeping the first position", async () => {
    const path = join(temporaryFolder(), "output.env");
    // drone-slack and drone-meltwater-cache append KEY=value lines without looking.
    await writeFile(path, "A=1\nB=2\nA=3\nC=4\nA=5");
    await createOutputs({ env: { DRONE_OUTPUT: path } }).set("A", "final");
    expect(await readFile(path, "utf8")).toBe('A="final"\nB=2\nC=4\n');
  });

  it("adds to a file drone-plugin-lib wrote (sorted, quoted, no final newline handling needed)", async () => {
    const path = join(temporaryFolder(), "output.env");
    await writeFile(path, 'ERROR_CODE=42\nERROR_MESSAGE="it \\"failed\\"\\!"\n');
    await createOutputs({ env: { DRONE_OUTPUT: path } }).set("EXTRA", "x");
    expect(await readFile(path, "utf8")).toBe(
      'ERROR_CODE=42\nERROR_MESSAGE="it \\"failed\\"\\!"\nEXTRA="x"\n',
    );
    expect(readGodotenv(await readFile(path, "utf8")).get("ERROR_MESSAGE")).toBe('it "failed"!');
  });

  it("refuses to edit a file godotenv cannot parse, and leaves it alone", async () => {
    const path = join(temporaryFolder(), "output.env");
    await writeFile(path, "this line has no equals sign\nA=1\n");
    const error = await expectSpotkitError(
      createOutputs({ env: { DRONE_OUTPUT: path } }).set("B", "2"),
      "E_OUTPUT_FILE_INVALID",
    );
    expect(error.message).toContain(path);
    expect(await readFile(path, "utf8")).toBe("this line has no equals sign\nA=1\n");
  });

  it("writes KEY value lines to a .out file and replaces in place", async () => {
    const path = join(temporaryFolder(), "step.out");
    await writeFile(path, "KEY1 value1\nKEY2 value2\n");
    const outputs = createOutputs({ env: { DRONE_OUTPUT: path } });
    await outputs.set("KEY3", "value3");
    await outputs.set("KEY1", "new value1");
    expect(await readFile(path, "utf8")).toBe("KEY1 new value1\nKEY2 value2\nKEY3 value3\n");
  });

  it("creates a .out file and refuses a multi-line value there without writing anything", async () => {
    const path = join(temporaryFolder(), "step.OUT");
    const outputs = createOutputs({ env: { DRONE_OUTPUT: path } });
    await outputs.set("A", "1");
    const error = await expectSpotkitError(outputs.set("B", "line1\nline2"), "E_OUTPUT_INVALID");
    expect(error.message).toMatch(/multi-line/);
    expect(error.message).not.toContain("line1");
    expect(await readFile(path, "utf8")).toBe("A 1\n");
  });

  it("writes dotenv lines for any other extension, as plugins append them", async () => {
    for (const name of ["output", "output.txt"]) {
      const path = join(temporaryFolder(), name);
      await writeFile(path, "EARLIER=from-a-plugin\n");
      await createOutputs({ env: { DRONE_OUTPUT: path } }).set(
        "url",
        "https://example.com/a?b=c#d",
      );
      expect(Object.fromEntries(readGodotenv(await readFile(path, "utf8")))).toEqual({
        EARLIER: "from-a-plugin",
        url: "https://example.com/a?b=c#d",
      });
    }
  });

  it.each([[""], ["has space"], ["dot.name"], ["semi;colon"], ["ünï"], ["new\nline"], ["a=b"]])(
    "refuses the output name %j and writes nothing",
    async (name) => {
      const path = join(temporaryFolder(), "output.env");
      const error = await expectSpotkitError(
        createOutputs({ env: { DRONE_OUTPUT: path } }).set(name, "value"),
        "E_OUTPUT_INVALID",
      );
      expect(error.message).toMatch(/letters, digits/);
      expect(await readdir(temporaryFolder())).toEqual([]);
    },
  );

  it("refuses a value that is not a string", async () => {
    const path = join(temporaryFolder(), "output.env");
    await expectSpotkitError(
      createOutputs({ env: { DRONE_OUTPUT: path } }).set("count", 3 as unknown as string),
      "E_OUTPUT_INVALID",
    );
  });

  it("reports a temporaryFolder() that does not exist", async () => {
    const path = join(temporaryFolder(), "missing", "output.env");
    const error = await expectSpotkitError(
      createOutputs({ env: { DRONE_OUTPUT: path } }).set("a", "b"),
      "E_OUTPUT_WRITE_FAILED",
    );
    expect(error.message).toContain(path);
  });

  it("replaces the file by renaming, keeps its permissions and leaves no temporary file", async () => {
    const path = join(temporaryFolder(), "output.env");
    await writeFile(path, "A=1\n");
    await chmod(path, 0o600);
    const before = await stat(path);
    await createOutputs({ env: { DRONE_OUTPUT: path } }).set("B", "2");
    const after = await stat(path);
    expect(after.ino).not.toBe(before.ino);
    expect(after.mode & 0o777).toBe(0o600);
    expect(await readdir(temporaryFolder())).toEqual(["output.env"]);
  });

  it("updates the file behind a symbolic link and keeps the link", async () => {
    await mkdir(join(temporaryFolder(), "real"));
    const target = join(temporaryFolder(), "real", "output.env");
    const link = join(temporaryFolder(), "output.env");
    await writeFile(target, "A=1\n");
    await symlink(target, link);
    await createOutputs({ env: { DRONE_OUTPUT: link } }).set("B", "2");
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(target, "utf8")).toBe("A=1\nB=2\n");
  });

  it("serialises concurrent calls so that no update is lost", async () => {
    const path = join(temporaryFolder(), "output.env");
    const outputs = createOutputs({ env: { DRONE_OUTPUT: path } });
    const names = Array.from({ length: 25 }, (_, index) => `OUTPUT_${index}`);
    await Promise.all(names.map((name) => outputs.set(name, `value ${name}`)));
    const variables = readGodotenv(await readFile(path, "utf8"));
    expect([...variables.keys()]).toEqual(names);
    for (const name of names) expect(variables.get(name)).toBe(`value ${name}`);
  });

  it("keeps working after a refused call", async () => {
    const path = join(temporaryFolder(), "output.env");
    const outputs = createOutputs({ env: { DRONE_OUTPUT: path } });
    const refused = outputs.set("bad name", "x");
    const accepted = outputs.set("good", "y");
    await expectSpotkitError(refused, "E_OUTPUT_INVALID");
    await accepted;
    expect(await readFile(path, "utf8")).toBe('good="y"\n');
  });
});

describe("createOutputs with GITHUB_OUTPUT", () => {
  it("appends actions/toolkit's heredoc form", async () => {
    const path = join(temporaryFolder(), "set_output");
    await writeFile(path, "");
    const outputs = createOutputs({ env: { GITHUB_OUTPUT: path } });
    await outputs.set("digest", "sha256:abc");
    await outputs.set("notes", "line 1\nline 2\n");
    const text = await readFile(path, "utf8");
    expect(text).toMatch(
      /^digest<<ghadelimiter_[0-9a-f-]{36}\nsha256:abc\nghadelimiter_[0-9a-f-]{36}\nnotes<<ghadelimiter_[0-9a-f-]{36}\nline 1\nline 2\n\nghadelimiter_[0-9a-f-]{36}\n$/,
    );
    expect(readGithubOutput(text)).toEqual({ digest: "sha256:abc", notes: "line 1\nline 2\n" });
  });

  it("writes both files when both variables are set, and neither when the value is refused", async () => {
    const dronePath = join(temporaryFolder(), "step.out");
    const githubPath = join(temporaryFolder(), "set_output");
    const outputs = createOutputs({ env: { DRONE_OUTPUT: dronePath, GITHUB_OUTPUT: githubPath } });
    await outputs.set("tag", "v1.2.3");
    await expectSpotkitError(outputs.set("body", "two\nlines"), "E_OUTPUT_INVALID");
    expect(await readFile(dronePath, "utf8")).toBe("tag v1.2.3\n");
    expect(readGithubOutput(await readFile(githubPath, "utf8"))).toEqual({ tag: "v1.2.3" });
  });
});
