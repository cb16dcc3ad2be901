import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TemplateError } from "./template-error.js";
import { readTemplateSource } from "./template-source.js";

let folder: string;
let server: Server;
let baseUrl: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), "slack-template-"));
  await writeFile(join(folder, "message.hbs"), "from file {{build.status}}");
  server = createServer((request, response) => {
    if (request.url === "/template.hbs") {
      response.end("from url {{repo.name}}");
    } else if (request.url === "/slow") {
      // Never answers; the client's timeout must end the request.
    } else {
      response.statusCode = 404;
      response.statusMessage = "Not Found";
      response.end("<html>not here</html>");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(folder, { recursive: true, force: true });
});

function read(value: string, setting: "template" | "fallback" = "template", timeout?: number) {
  return readTemplateSource(value, {
    setting,
    cwd: folder,
    fetch,
    ...(timeout ? { timeout } : {}),
  });
}

describe("readTemplateSource", () => {
  it("returns inline text as the template", async () => {
    expect(await read("{{build.status}} is done")).toBe("{{build.status}} is done");
    expect(await read("line one\nline two")).toBe("line one\nline two");
  });

  it("reads a file named by a path relative to the working directory", async () => {
    expect(await read("message.hbs")).toBe("from file {{build.status}}");
    expect(await read(join(folder, "message.hbs"))).toBe("from file {{build.status}}");
  });

  it("reads a file:// URL, absolute or relative", async () => {
    expect(await read(pathToFileURL(join(folder, "message.hbs")).href)).toBe(
      "from file {{build.status}}",
    );
    expect(await read("file://message.hbs")).toBe("from file {{build.status}}");
  });

  it("fails for a file:// URL whose file does not exist, naming the setting", async () => {
    const reading = read("file:///does/not/exist.hbs", "fallback");
    await expect(reading).rejects.toThrow(TemplateError);
    await expect(read("file:///does/not/exist.hbs", "fallback")).rejects.toThrow(
      /^fallback: could not read the template file \/does\/not\/exist\.hbs \(ENOENT\)/,
    );
  });

  it("downloads an http URL", async () => {
    expect(await read(`${baseUrl}/template.hbs`)).toBe("from url {{repo.name}}");
  });

  it("fails on a non-2xx answer instead of rendering the error page", async () => {
    await expect(read(`${baseUrl}/missing.hbs?token=abc`)).rejects.toThrow(
      `template: could not download the template from ${baseUrl}/missing.hbs: HTTP 404 Not Found`,
    );
  });

  it("gives up on a server that does not answer", async () => {
    await expect(read(`${baseUrl}/slow`, "template", 300)).rejects.toThrow(
      /no answer within 0.3 s/,
    );
  });

  it("keeps text that starts like a URL but contains spaces inline, as Go does", async () => {
    expect(await read(`${baseUrl}/x is down: {{build.status}}`)).toBe(
      `${baseUrl}/x is down: {{build.status}}`,
    );
  });
});
