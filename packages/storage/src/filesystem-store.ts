import { createHash, randomUUID } from "node:crypto";
import {
  type BigIntStats,
  constants,
  createReadStream,
  createWriteStream,
  type Dirent,
} from "node:fs";
import {
  copyFile,
  link,
  lstat,
  mkdir,
  open,
  readdir,
  readFile,
  realpath,
  rename,
  rmdir,
  stat,
  unlink,
  writeFile,
} from "node:fs/promises";
import { dirname, join, resolve, sep } from "node:path";
import { PassThrough, Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  joinObjectKey,
  normalizeStorePrefix,
  relativeObjectKey,
  validateListPrefix,
  validateObjectKey,
} from "./object-key.js";
import type {
  GetOptions,
  ListEntry,
  ListOptions,
  ObjectInfo,
  ObjectStore,
  PutOptions,
  PutResult,
} from "./object-store.js";
import { StorageError } from "./storage-error.js";

/** Settings of {@link createFilesystemStore}. */
export interface FilesystemStoreConfig {
  /** The folder that plays the bucket; it must exist (`check` and `put` say so when it does not). */
  root: string;
  /** Keys of this store live under this sub-folder of `root`. @default "" */
  prefix?: string;
}

/** Names starting with this are the store's own (temporary files, the metadata folder). */
const reservedNamePrefix = ".spotkit-";
/** The folder under `root` that mirrors the objects with one JSON sidecar each. */
const metadataFolder = ".spotkit-meta";

/**
 * An {@link ObjectStore} over a local folder: the embedded default for examples and local runs.
 *
 * - An object is a regular file at `<root>/<prefix>/<key>`; its metadata, content headers and MD5
 *   live in `<root>/.spotkit-meta/<prefix>/<key>.json`, which records the file's inode and
 *   modification time so that a sidecar left over from another file is never believed.
 * - `put` writes a temporary file in the target folder and renames it into place: readers see the
 *   old object or the whole new one, never part of it; on failure or abort the temporary file is
 *   removed. `ifNotExists` publishes with `link`, which fails atomically when the key exists.
 * - Keys never leave `root`: `..`, `.`, absolute keys and NUL are refused, names starting with
 *   `.spotkit-` are reserved, and a write through a symbolic link that points outside `root` is
 *   refused. Symbolic links are not objects (listings skip them).
 * - A filesystem cannot hold both `a` and `a/b`: the second put fails with `E_STORAGE_REQUEST`.
 * - Listings are in UTF-8 byte order, as S3's are.
 */
export function createFilesystemStore(config: FilesystemStoreConfig): ObjectStore {
  const root = resolve(config.root);
  const storePrefix = normalizeStorePrefix(config.prefix);
  let realRoot: string | undefined;

  const fullKeyOf = (key: string) => {
    const fullKey = joinObjectKey(storePrefix, validateObjectKey(key));
    assertNotReserved(fullKey, key);
    return fullKey;
  };
  const dataPath = (fullKey: string) => join(root, ...fullKey.split("/"));
  const metadataPath = (fullKey: string) =>
    `${join(root, metadataFolder, ...fullKey.split("/"))}.json`;

  async function requireRoot(): Promise<string> {
    if (realRoot !== undefined) {
      return realRoot;
    }
    try {
      const stats = await stat(root);
      if (!stats.isDirectory()) {
        throw missingRoot(root, "is not a folder");
      }
      realRoot = await realpath(root);
      return realRoot;
    } catch (error) {
      if (StorageError.isInstance(error)) {
        throw error;
      }
      throw (error as NodeJS.ErrnoException).code === "ENOENT"
        ? missingRoot(root, "does not exist")
        : toFilesystemError(error, root);
    }
  }

  /** Refuses a folder that resolves outside the root (through a symbolic link). */
  async function assertInsideRoot(folder: string, key: string): Promise<void> {
    const rootPath = await requireRoot();
    const real = await realpath(folder);
    if (real !== rootPath && !real.startsWith(rootPath + sep)) {
      throw new StorageError(
        "E_STORAGE_INVALID_KEY",
        `The object key ${JSON.stringify(key)} leads outside ${root} through a symbolic link: remove the link or use another key.`,
      );
    }
  }

  /** The file of an object, or undefined when there is none (missing, a folder, a link). */
  async function statObject(fullKey: string, key: string) {
    await requireRoot();
    const path = dataPath(fullKey);
    try {
      const stats = await lstat(path, { bigint: true });
      if (!stats.isFile()) {
        return undefined;
      }
      await assertInsideRoot(dirname(path), key);
      return { path, stats };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === "ENOENT" || code === "ENOTDIR") {
        return undefined;
      }
      throw StorageError.isInstance(error) ? error : toFilesystemError(error, path);
    }
  }

  async function readInfo(
    key: string,
    fullKey: string,
    stats: BigIntStats,
    withMetadata: boolean,
  ): Promise<ObjectInfo> {
    const sidecar = await readSidecar(metadataPath(fullKey), stats);
    const info: ObjectInfo = {
      key,
      size: Number(stats.size),
      lastModified: new Date(Number(stats.mtimeMs)),
    };
    if (sidecar !== undefined) {
      info.etag = sidecar.md5;
      info.md5 = sidecar.md5;
      if (withMetadata) info.metadata = sidecar.metadata;
      if (sidecar.contentType) info.contentType = sidecar.contentType;
      if (sidecar.contentEncoding) info.contentEncoding = sidecar.contentEncoding;
      if (sidecar.cacheControl) info.cacheControl = sidecar.cacheControl;
    } else if (withMetadata) {
      info.metadata = {};
    }
    return info;
  }

  /** Writes the sidecar of a published file (through a temporary file, so it is never half-written). */
  async function writeSidecar(fullKey: string, sidecar: Sidecar): Promise<void> {
    const path = metadataPath(fullKey);
    await mkdir(dirname(path), { recursive: true });
    const temporary = join(dirname(path), `${reservedNamePrefix}tmp-${randomUUID()}`);
    try {
      await writeFile(temporary, `${JSON.stringify(sidecar)}\n`, { flag: "wx" });
      await rename(temporary, path);
    } catch (error) {
      await unlink(temporary).catch(() => undefined);
      throw error;
    }
  }

  /**
   * Creates an empty temporary file in the object's folder (creating the folder). A concurrent
   * delete may remove the folder between mkdir and open once it is empty again, so try again then.
   */
  async function createTemporaryFile(folder: string, key: string) {
    for (let attempt = 1; ; attempt++) {
      await makeFolder(folder, key);
      await assertInsideRoot(folder, key);
      const temporary = join(folder, `${reservedNamePrefix}tmp-${randomUUID()}`);
      try {
        return { temporary, handle: await open(temporary, "wx") };
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "ENOENT" || attempt >= 3) {
          throw toFilesystemError(error, temporary);
        }
      }
    }
  }

  /** Removes now-empty folders from `folder` up to (not including) `top`. */
  async function pruneEmptyFolders(folder: string, top: string): Promise<void> {
    for (
      let current = folder;
      current !== top && current.startsWith(top + sep);
      current = dirname(current)
    ) {
      try {
        await rmdir(current);
      } catch {
        return;
      }
    }
  }

  async function* walk(
    relativeFolder: string,
    namePrefix: string,
    collapseFolders: boolean,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<{ type: "object"; fullKey: string } | { type: "prefix"; fullPrefix: string }> {
    signal?.throwIfAborted();
    const entries = (await readFolder(join(root, ...relativeFolder.split("/"))))
      .filter(
        (entry) =>
          !entry.name.startsWith(reservedNamePrefix) &&
          entry.name.startsWith(namePrefix) &&
          (entry.isFile() || entry.isDirectory()),
      )
      .map((entry) => ({
        entry,
        sortKey: Buffer.from(entry.isDirectory() ? `${entry.name}/` : entry.name),
      }))
      .sort((left, right) => Buffer.compare(left.sortKey, right.sortKey));
    for (const { entry } of entries) {
      if (entry.isFile()) {
        yield { type: "object", fullKey: relativeFolder + entry.name };
      } else if (collapseFolders) {
        // An empty folder is no prefix: S3 shows a common prefix only when an object has it.
        for await (const _object of walk(`${relativeFolder}${entry.name}/`, "", false, signal)) {
          yield { type: "prefix", fullPrefix: `${relativeFolder}${entry.name}/` };
          break;
        }
      } else {
        yield* walk(`${relativeFolder}${entry.name}/`, "", false, signal);
      }
    }
  }

  const store: ObjectStore = {
    url: `file://${root}${storePrefix === "" ? "" : `/${storePrefix}`}`,

    // Every object's sidecar holds the MD5 of its content.
    reportsMd5: () => true,

    async check(options = {}) {
      options.signal?.throwIfAborted();
      await requireRoot();
    },

    async *list(options: ListOptions = {}): AsyncIterable<ListEntry> {
      const { signal, delimiter } = options;
      await requireRoot();
      const fullPrefix = joinObjectKey(storePrefix, validateListPrefix(options.prefix ?? ""));
      const baseFolder = fullPrefix.slice(0, fullPrefix.lastIndexOf("/") + 1);
      const namePrefix = fullPrefix.slice(baseFolder.length);
      if (baseFolder.split("/").some((segment) => segment.startsWith(reservedNamePrefix))) {
        return;
      }
      let lastPrefix: string | undefined;
      for await (const found of walk(baseFolder, namePrefix, delimiter === "/", signal)) {
        signal?.throwIfAborted();
        if (found.type === "prefix") {
          yield {
            type: "prefix",
            prefix: relativeObjectKey(storePrefix, found.fullPrefix) ?? found.fullPrefix,
          };
          continue;
        }
        const rest = found.fullKey.slice(fullPrefix.length);
        const cut = delimiter ? rest.indexOf(delimiter) : -1;
        if (delimiter && cut >= 0) {
          const commonPrefix = fullPrefix + rest.slice(0, cut + delimiter.length);
          if (commonPrefix !== lastPrefix) {
            lastPrefix = commonPrefix;
            yield {
              type: "prefix",
              prefix: relativeObjectKey(storePrefix, commonPrefix) ?? commonPrefix,
            };
          }
          continue;
        }
        const key = relativeObjectKey(storePrefix, found.fullKey) ?? found.fullKey;
        const stats = await lstat(dataPath(found.fullKey), { bigint: true }).catch(() => undefined);
        if (stats === undefined || !stats.isFile()) {
          continue; // deleted or replaced while we listed
        }
        yield {
          type: "object",
          ...(await readInfo(key, found.fullKey, stats, options.includeMetadata === true)),
        };
      }
    },

    async head(key, options = {}) {
      options.signal?.throwIfAborted();
      const fullKey = fullKeyOf(key);
      const found = await statObject(fullKey, key);
      return found === undefined ? undefined : readInfo(key, fullKey, found.stats, true);
    },

    async put(key, body, options: PutOptions = {}): Promise<PutResult> {
      const { signal } = options;
      signal?.throwIfAborted();
      const fullKey = fullKeyOf(key);
      await requireRoot();
      const target = dataPath(fullKey);
      const { temporary, handle } = await createTemporaryFile(dirname(target), key);
      const hash = createHash("md5");
      let bytes = 0;
      const counter = new PassThrough({
        transform(chunk: Buffer, _encoding, callback) {
          bytes += chunk.byteLength;
          hash.update(chunk);
          options.onProgress?.(bytes);
          callback(null, chunk);
        },
      });
      const source =
        typeof body === "string" || body instanceof Uint8Array
          ? Readable.from([Buffer.from(body)])
          : body;
      let published = false;
      try {
        await pipeline(
          source,
          counter,
          createWriteStream("", { fd: handle }),
          signal ? { signal } : {},
        );
        const md5 = hash.digest("hex");
        if (options.size !== undefined && options.size !== bytes) {
          throw new StorageError(
            "E_STORAGE_INTEGRITY",
            `The body of ${JSON.stringify(key)} had ${bytes} bytes but \`size\` said ${options.size}: pass the body's real size (or none).`,
          );
        }
        if (options.md5 !== undefined && options.md5.toLowerCase() !== md5) {
          throw new StorageError(
            "E_STORAGE_INTEGRITY",
            `The body of ${JSON.stringify(key)} has MD5 ${md5} but \`md5\` said ${options.md5.toLowerCase()}: nothing was stored.`,
          );
        }
        signal?.throwIfAborted();
        const written = await stat(temporary, { bigint: true });
        const sidecar = toSidecar(written, md5, options);
        if (options.ifNotExists) {
          await publishExclusively(temporary, target, key);
        } else {
          await publish(temporary, target, key);
        }
        published = true;
        await writeSidecar(fullKey, sidecar);
        return { etag: md5 };
      } catch (error) {
        if (!published) {
          await unlink(temporary).catch(() => undefined);
        }
        signal?.throwIfAborted();
        throw StorageError.isInstance(error) ? error : toFilesystemError(error, target);
      } finally {
        if (options.ifNotExists && published) {
          await unlink(temporary).catch(() => undefined);
        }
      }
    },

    async get(key, options: GetOptions = {}) {
      const { signal, range } = options;
      signal?.throwIfAborted();
      const fullKey = fullKeyOf(key);
      const found = await statObject(fullKey, key);
      if (found === undefined) {
        throw new StorageError(
          "E_STORAGE_NOT_FOUND",
          `There is no object ${JSON.stringify(key)} in ${store.url}.`,
        );
      }
      // Open first, then read the info of the file we opened: a put that renames over it meanwhile
      // does not change what this reader gets.
      const handle = await open(found.path, "r").catch((error: unknown) => {
        throw (error as NodeJS.ErrnoException).code === "ENOENT"
          ? new StorageError(
              "E_STORAGE_NOT_FOUND",
              `There is no object ${JSON.stringify(key)} in ${store.url}.`,
            )
          : toFilesystemError(error, found.path);
      });
      try {
        const stats = await handle.stat({ bigint: true });
        const info = await readInfo(key, fullKey, stats, true);
        if (range !== undefined && range.start >= info.size && info.size > 0) {
          throw new StorageError(
            "E_STORAGE_REQUEST",
            `The range starts at byte ${range.start} but ${JSON.stringify(key)} has ${info.size} bytes.`,
          );
        }
        const body = createReadStream("", {
          fd: handle,
          ...(range === undefined
            ? {}
            : { start: range.start, ...(range.end === undefined ? {} : { end: range.end }) }),
          ...(signal ? { signal } : {}),
        });
        return { body, info };
      } catch (error) {
        await handle.close();
        throw error;
      }
    },

    async delete(keys, options = {}) {
      const fullKeys = keys.map(fullKeyOf);
      await requireRoot();
      for (const fullKey of fullKeys) {
        options.signal?.throwIfAborted();
        const path = dataPath(fullKey);
        const found = await lstat(path).catch(() => undefined);
        // A folder is a prefix, not an object: deleting the "object" there deletes nothing.
        if (found === undefined || found.isDirectory()) {
          continue;
        }
        await assertInsideRoot(dirname(path), fullKey);
        await unlink(path).catch((error: unknown) => {
          if ((error as NodeJS.ErrnoException).code !== "ENOENT") {
            throw toFilesystemError(error, path);
          }
        });
        await unlink(metadataPath(fullKey)).catch(() => undefined);
        await pruneEmptyFolders(dirname(path), root);
        await pruneEmptyFolders(dirname(metadataPath(fullKey)), join(root, metadataFolder));
      }
    },

    async copy(fromKey, toKey, options = {}) {
      const { signal } = options;
      signal?.throwIfAborted();
      const from = fullKeyOf(fromKey);
      const to = fullKeyOf(toKey);
      const found = await statObject(from, fromKey);
      if (found === undefined) {
        throw new StorageError(
          "E_STORAGE_NOT_FOUND",
          `There is no object ${JSON.stringify(fromKey)} in ${store.url} to copy.`,
        );
      }
      const sourceSidecar = await readSidecar(metadataPath(from), found.stats);
      const target = dataPath(to);
      const { temporary, handle } = await createTemporaryFile(dirname(target), toKey);
      await handle.close();
      try {
        await copyFile(found.path, temporary);
        signal?.throwIfAborted();
        const written = await stat(temporary, { bigint: true });
        const md5 = sourceSidecar?.md5 ?? (await md5OfFile(temporary));
        const sidecar: Sidecar = {
          ...(sourceSidecar ?? { version: 1, metadata: {} }),
          ...identityOf(written),
          md5,
        };
        await publish(temporary, target, toKey);
        await writeSidecar(to, sidecar);
      } catch (error) {
        await unlink(temporary).catch(() => undefined);
        signal?.throwIfAborted();
        throw StorageError.isInstance(error) ? error : toFilesystemError(error, target);
      }
    },
  };
  return store;
}

// --- internal ---

interface FileIdentity {
  ino: bigint;
  mtimeNs: bigint;
  size: bigint;
}

/** What the sidecar of an object holds. */
interface Sidecar {
  version: 1;
  /** The file this sidecar belongs to: inode, modification time (ns) and size, as decimal text. */
  ino?: string;
  mtimeNs?: string;
  size?: string;
  md5?: string;
  metadata: Record<string, string>;
  contentType?: string;
  contentEncoding?: string;
  cacheControl?: string;
  contentDisposition?: string;
}

function identityOf(stats: FileIdentity): Pick<Sidecar, "ino" | "mtimeNs" | "size"> {
  return { ino: String(stats.ino), mtimeNs: String(stats.mtimeNs), size: String(stats.size) };
}

function toSidecar(stats: FileIdentity, md5: string, options: PutOptions): Sidecar {
  const sidecar: Sidecar = {
    version: 1,
    ...identityOf(stats),
    md5,
    metadata: Object.fromEntries(
      Object.entries(options.metadata ?? {}).map(([name, value]) => [name.toLowerCase(), value]),
    ),
  };
  if (options.contentType) sidecar.contentType = options.contentType;
  if (options.contentEncoding) sidecar.contentEncoding = options.contentEncoding;
  if (options.cacheControl) sidecar.cacheControl = options.cacheControl;
  if (options.contentDisposition) sidecar.contentDisposition = options.contentDisposition;
  return sidecar;
}

/** The sidecar at `path` when it describes exactly this file (same inode, time and size). */
async function readSidecar(path: string, stats: FileIdentity): Promise<Sidecar | undefined> {
  let parsed: Sidecar;
  try {
    parsed = JSON.parse(await readFile(path, "utf8")) as Sidecar;
  } catch {
    return undefined;
  }
  const identity = identityOf(stats);
  const matches =
    parsed.ino === identity.ino &&
    parsed.mtimeNs === identity.mtimeNs &&
    parsed.size === identity.size;
  return matches ? parsed : undefined;
}

/** Renames the finished temporary file over the target (atomic replace). */
async function publish(temporary: string, target: string, key: string): Promise<void> {
  try {
    await rename(temporary, target);
  } catch (error) {
    throw conflictOrError(error, target, key);
  }
}

/**
 * Publishes only when nothing is at `target`: `link` fails with EEXIST atomically. Filesystems
 * without hard links fall back to an exclusive copy (`COPYFILE_EXCL`), during which a reader could
 * see a partial file.
 */
async function publishExclusively(temporary: string, target: string, key: string): Promise<void> {
  try {
    await link(temporary, target);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EEXIST") {
      const existing = await lstat(target).catch(() => undefined);
      if (existing?.isDirectory()) {
        throw conflictOrError(
          Object.assign(new Error("is a folder"), { code: "EISDIR" }),
          target,
          key,
        );
      }
      throw new StorageError(
        "E_STORAGE_PRECONDITION",
        `An object already exists at ${JSON.stringify(key)} and \`ifNotExists\` was set: choose another key or delete it first.`,
      );
    }
    if (code !== "EPERM" && code !== "ENOTSUP" && code !== "EOPNOTSUPP" && code !== "EXDEV") {
      throw conflictOrError(error, target, key);
    }
  }
  try {
    await copyFile(temporary, target, constants.COPYFILE_EXCL);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") {
      throw new StorageError(
        "E_STORAGE_PRECONDITION",
        `An object already exists at ${JSON.stringify(key)} and \`ifNotExists\` was set: choose another key or delete it first.`,
      );
    }
    throw conflictOrError(error, target, key);
  }
}

/** Creates the folders of a key; a file in the way means the key collides with an object. */
async function makeFolder(folder: string, key: string): Promise<void> {
  try {
    await mkdir(folder, { recursive: true });
  } catch (error) {
    throw conflictOrError(error, folder, key);
  }
}

function conflictOrError(error: unknown, path: string, key: string): StorageError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === "ENOTDIR" || code === "EEXIST" || code === "EISDIR") {
    return new StorageError(
      "E_STORAGE_REQUEST",
      `The object key ${JSON.stringify(key)} collides with another object in this folder store: ` +
        "a filesystem cannot hold both `a` and `a/b`; rename one of them.",
      { cause: error },
    );
  }
  return toFilesystemError(error, path);
}

function toFilesystemError(error: unknown, path: string): StorageError {
  const code = (error as NodeJS.ErrnoException).code ?? "unknown";
  if (code === "EACCES" || code === "EPERM" || code === "EROFS") {
    return new StorageError(
      "E_STORAGE_AUTH",
      `Access to ${path} was denied (${code}): check the permissions of the store's folder.`,
      { cause: error },
    );
  }
  if (code === "ENOENT") {
    return new StorageError("E_STORAGE_NOT_FOUND", `${path} does not exist (${code}).`, {
      cause: error,
    });
  }
  const reason = error instanceof Error ? error.message : String(error);
  return new StorageError(
    "E_STORAGE_REQUEST",
    `The filesystem refused an operation on ${path}: ${reason}`,
    {
      cause: error,
    },
  );
}

function missingRoot(root: string, problem: string): StorageError {
  return new StorageError(
    "E_STORAGE_BUCKET_NOT_FOUND",
    `The store folder ${root} ${problem}: create it or fix \`root\`.`,
  );
}

function assertNotReserved(fullKey: string, key: string): void {
  if (fullKey.split("/").some((segment) => segment.startsWith(reservedNamePrefix))) {
    throw new StorageError(
      "E_STORAGE_INVALID_KEY",
      `The object key ${JSON.stringify(key)} cannot be used in a folder store: names starting with "${reservedNamePrefix}" are reserved for the store's own files.`,
    );
  }
}

async function readFolder(path: string): Promise<Dirent[]> {
  try {
    return await readdir(path, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") {
      return [];
    }
    throw toFilesystemError(error, path);
  }
}

async function md5OfFile(path: string): Promise<string> {
  const hash = createHash("md5");
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
  }
  return hash.digest("hex");
}
