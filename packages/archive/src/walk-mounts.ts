import type { Dirent, Stats } from "node:fs";
import { lstat, readdir, readlink } from "node:fs/promises";
import { resolveLinkTarget } from "./archive-path.js";

/** What {@link walkMounts} needs. */
export interface WalkMountsOptions {
  /** Absolute folder the mounts are relative to. */
  root: string;
  /** Normalized mounts, none nested in another. */
  mounts: readonly string[];
  /** Leave every symlink out. */
  skipSymlinks: boolean;
  /** Stops the walk between two entries. */
  signal?: AbortSignal;
  /** Told about each entry left out. */
  onWarning: (message: string) => void;
  /**
   * Receives each entry to archive, relative to `root`, as raw bytes (file names need not be UTF-8);
   * folders come before their content. Awaited, so that a slow consumer slows the walk down.
   */
  onEntry: (name: Buffer) => Promise<void> | undefined;
}

/** A path as a Latin-1 string of its raw bytes, and back. */
function toBytes(path: string): Buffer {
  return Buffer.from(path, "latin1");
}

function shown(path: string): string {
  return JSON.stringify(toBytes(path).toString("utf8"));
}

/** Sub-folders of a folder whose listing is started before the walk reaches them. */
const listingsAhead = 8;

/**
 * Lists what an archive of `mounts` should hold, walking each mount folder in name order (so the
 * same tree gives the same archive). Entries are passed to `onEntry` as they are found, for
 * `tar --no-recursion --files-from=-`.
 *
 * Left out, each with a warning: a mount that does not exist, symlinks whose target leaves their
 * mount (extraction would refuse the whole archive for them), sockets, FIFOs and devices (never
 * worth caching, and refused on extraction too), folders that cannot be read (their content).
 *
 * @returns the number of entries passed on.
 */
export async function walkMounts(options: WalkMountsOptions): Promise<number> {
  const rootBytes = Buffer.from(`${options.root.replace(/\/+$/, "")}/`, "utf8");
  const absolute = (path: string) => Buffer.concat([rootBytes, toBytes(path)]);
  let count = 0;

  // Listings are started ahead (the next few sub-folders of a folder, in the thread pool) and read
  // in order: the walk keeps pace with tar without blocking the event loop, which must keep
  // moving the archive bytes meanwhile. Only a few ahead: listing every sub-folder at once holds
  // the listings of most of a large tree in memory (some 100 MB for 200,000 files).
  const list = (path: string): Promise<{ name: string; child: Dirent<Buffer> }[] | Error> =>
    readdir(absolute(path), { withFileTypes: true, encoding: "buffer" }).then(
      (children) =>
        children
          .map((child) => ({ name: child.name.toString("latin1"), child }))
          .sort((left, right) => (left.name < right.name ? -1 : left.name > right.name ? 1 : 0)),
      (error: Error) => error,
    );

  const visit = async (
    path: string,
    mount: string,
    stats: Stats | Dirent<Buffer>,
    listing?: ReturnType<typeof list>,
  ): Promise<void> => {
    options.signal?.throwIfAborted();
    if (stats.isSymbolicLink()) {
      if (options.skipSymlinks) return;
      const target = (await readlink(absolute(path), { encoding: "buffer" })).toString("latin1");
      if (resolveLinkTarget(path, target, mount) === undefined) {
        options.onWarning(
          `Left the symlink ${shown(path)} → ${shown(target)} out of the archive: it points outside its mount ${shown(mount)}, and extraction refuses such links.`,
        );
        return;
      }
    } else if (!stats.isDirectory() && !stats.isFile()) {
      options.onWarning(
        `Left ${shown(path)} out of the archive: it is a socket, FIFO or device, not a file, folder or symlink.`,
      );
      return;
    }
    count += 1;
    const sent = options.onEntry(Buffer.from(`${path}\0`, "latin1"));
    if (sent !== undefined) await sent;
    if (!stats.isDirectory()) return;
    const children = await (listing ?? list(path));
    if (children instanceof Error) {
      options.onWarning(
        `Left the content of ${shown(path)} out of the archive: it cannot be read (${children.message}).`,
      );
      return;
    }
    const listings: (ReturnType<typeof list> | undefined)[] = [];
    const listAhead = (index: number) => {
      const entry = children[index];
      if (entry !== undefined && listings[index] === undefined && entry.child.isDirectory()) {
        listings[index] = list(`${path}/${entry.name}`);
      }
    };
    for (const [index, { name, child }] of children.entries()) {
      for (let ahead = index; ahead < index + listingsAhead; ahead += 1) listAhead(ahead);
      await visit(`${path}/${name}`, mount, child, listings[index]);
      // Read: let the listing go, so that memory holds the folders on the current path only.
      listings[index] = undefined;
    }
  };

  for (const mount of options.mounts) {
    const path = Buffer.from(mount, "utf8").toString("latin1");
    let stats: Stats;
    try {
      stats = await lstat(absolute(path));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
      options.onWarning(`Left ${JSON.stringify(mount)} out of the archive: it does not exist.`);
      continue;
    }
    await visit(path, path, stats);
  }
  return count;
}
