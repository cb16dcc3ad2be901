import { readFile, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { describe, expect, it } from "vitest";
import { writeWebIdentityToken } from "./web-identity-token.js";

describe("writeWebIdentityToken", () => {
  it("writes the token to a file only its owner can read, in a private folder, and removes both", async () => {
    const token = await writeWebIdentityToken("eyJhbGciOi.payload.signature\n");
    try {
      expect(await readFile(token.path, "utf8")).toBe("eyJhbGciOi.payload.signature");
      expect((await stat(token.path)).mode & 0o777).toBe(0o600);
      expect((await stat(dirname(token.path))).mode & 0o777).toBe(0o700);
    } finally {
      await token.remove();
    }
    await expect(stat(dirname(token.path))).rejects.toMatchObject({ code: "ENOENT" });
    await token.remove(); // a second removal is harmless
  });
});
