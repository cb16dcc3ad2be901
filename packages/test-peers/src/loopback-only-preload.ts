import { fileURLToPath } from "node:url";

/**
 * The absolute path of `loopback-only.mjs`, a preload for a process under test: start it with
 * `NODE_OPTIONS` set to `--import <this path>`. In that process any DNS lookup of a
 * name other than localhost, and any connection to an address off loopback, fails at once with
 * `ENOTFOUND` and the message `loopback-only: refused to reach <host>`, so that a client library
 * reaching for the internet (Google's token endpoint, the metadata server) makes the test fail
 * instead of sending a packet anywhere.
 *
 * The file ships next to this module: in `src/` when run from source and copied into `dist/` by
 * the build. It is also exported as `@spotkit/test-peers/loopback-only`.
 */
export function loopbackOnlyPreloadPath(): string {
  return fileURLToPath(new URL("./loopback-only.mjs", import.meta.url));
}
