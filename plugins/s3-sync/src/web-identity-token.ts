import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** A token written for the AWS SDK's web identity provider, which reads tokens from a file. */
export interface WebIdentityTokenFile {
  /** The file holding the token (readable by this user only). */
  path: string;
  /** Removes the file and its folder; safe to call more than once. */
  remove(): Promise<void>;
}

/**
 * Writes an OIDC token (`oidc_token_id`) to a new private folder, readable by the current user
 * only, because the SDK's AssumeRoleWithWebIdentity provider takes a file, not a value.
 *
 * @param folder where the private folder is created. @default os.tmpdir()
 */
export async function writeWebIdentityToken(
  token: string,
  folder: string = tmpdir(),
): Promise<WebIdentityTokenFile> {
  // mkdtemp creates the folder with mode 0700; the file itself is 0600 and must not exist yet.
  const directory = await mkdtemp(join(folder, "spotkit-oidc-"));
  const path = join(directory, "token");
  try {
    await writeFile(path, token.trim(), { mode: 0o600, flag: "wx" });
  } catch (error) {
    await rm(directory, { recursive: true, force: true });
    throw error;
  }
  return { path, remove: () => rm(directory, { recursive: true, force: true }) };
}
