import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { loopbackOnlyPreloadPath } from "./loopback-only-preload.js";

const execFileAsync = promisify(execFile);

// Run in a child started with the preload. It checks first that the guards are installed and
// exits otherwise. The probes aim at 0.0.0.0, which the preload counts as off loopback but Linux
// routes to this machine, so even a guard with a gap cannot send a packet anywhere else.
const probe = `
import dns from "node:dns";
import net from "node:net";
if (dns.lookup.name !== "guardedLookup" || net.Socket.prototype.connect.name !== "guardedConnect") {
  console.log("guards not installed");
  process.exit(2);
}
const describeError = (error) => \`\${error.code} \${error.message}\`;
const attempt = (connect) => {
  try {
    connect().destroy();
    return "not refused";
  } catch (error) {
    return describeError(error);
  }
};
const results = {
  netConnect: attempt(() => net.connect({ host: "0.0.0.0", port: 9 })),
  createConnection: attempt(() => net.createConnection(9, "0.0.0.0")),
  socketConnect: attempt(() => new net.Socket().connect(9, "0.0.0.0")),
  socketConnectOptions: attempt(() => new net.Socket().connect({ host: "0.0.0.0", port: 9 })),
};
results.promisesLookup = await dns.promises.lookup("0.0.0.0").then(() => "resolved", describeError);
results.callbackLookup = await new Promise((resolve) =>
  dns.lookup("0.0.0.0", (error) => resolve(error ? describeError(error) : "resolved")),
);
const server = net.createServer((socket) => socket.end("hello")).listen(0, "127.0.0.1");
await new Promise((resolve) => server.once("listening", resolve));
results.loopback = await new Promise((resolve, reject) => {
  const socket = net.connect({ host: "127.0.0.1", port: server.address().port });
  let text = "";
  socket.on("data", (chunk) => { text += chunk; });
  socket.on("end", () => resolve(text));
  socket.on("error", reject);
});
server.close();
console.log(JSON.stringify(results));
`;

describe("loopbackOnlyPreloadPath", () => {
  it("points at a preload that refuses lookups and connections off loopback and allows loopback", async () => {
    const path = loopbackOnlyPreloadPath();
    expect(existsSync(path)).toBe(true);
    const { stdout } = await execFileAsync(
      process.execPath,
      ["--input-type=module", "--eval", probe],
      { env: { ...process.env, NODE_OPTIONS: `--import ${path}` }, timeout: 20_000 },
    );
    const refused = "ENOTFOUND loopback-only: refused to reach 0.0.0.0";
    expect(JSON.parse(stdout)).toEqual({
      netConnect: refused,
      createConnection: refused,
      socketConnect: refused,
      socketConnectOptions: refused,
      promisesLookup: refused,
      callbackLookup: refused,
      loopback: "hello",
    });
  });
});
