import { deflateRawSync, inflateRawSync } from "node:zlib";
import picomatch from "picomatch";

/**
 * The user metadata key under which rebuild records the mounts an archive holds: a JSON array,
 * deflated and base64url-encoded, because metadata travels in HTTP headers (ASCII only) and
 * stores limit its size (S3: 2 KiB in all), while a monorepo may cache hundreds of mounts.
 */
export const mountsMetadataKey = "spotkit-mounts";

/** Longest encoded list recorded; a longer one is left out (see {@link resolveRestoreMounts}). */
const maximumRecordedLength = 1536;

/** Characters that make a mount setting a glob rather than a path. */
const globCharacters = /[*?[\]{}()!]/;

/** What a restore may replace, or why it must not extract the archive at all. */
export type RestoreMountsDecision =
  | {
      restore: true;
      /** The mounts to replace; undefined lets the archive's top-level entries decide. */
      mounts: string[] | undefined;
    }
  | { restore: false; reason: string };

/**
 * Decides which folders a restore may replace. An archive is hostile input, and so is the mount
 * list recorded beside it: a recorded mount must be a plain relative path (no `.`, `..` or empty
 * segment) and, when the step names mounts, be named by one of them (a path, or a glob that
 * matches it), so that a poisoned cache cannot replace the workspace's sources.
 *
 * - recorded mounts (written by rebuild): restored when every one passes; an archive holding a
 *   mount the step does not name is not extracted (extraction would refuse it anyway);
 * - none recorded, every configured mount a plain path → the configured mounts;
 * - none recorded, a configured glob → not extracted: which folders to replace cannot be told
 *   (the archive's top-level names would replace `packages/`, not `packages/a/node_modules`);
 * - none recorded, no mount configured → the archive's top-level entries decide.
 *
 * @param configured the `mount` setting, normalised (paths or globs, relative to local_root).
 * @param recorded the mounts an archive's metadata lists, undefined when it lists none.
 */
export function resolveRestoreMounts(
  configured: readonly string[],
  recorded: readonly string[] | undefined,
): RestoreMountsDecision {
  const patterns = configured.map(normalizeMount).filter((mount) => mount !== undefined);
  if (recorded !== undefined) {
    const unsafe = recorded.filter(
      (mount) => normalizeMount(mount) === undefined || globCharacters.test(mount),
    );
    if (unsafe.length > 0) {
      return {
        restore: false,
        reason: `the archive records mounts that are not plain relative paths (${describeList(unsafe)}); it is refused as hostile`,
      };
    }
    const safe = recorded.map((mount) => normalizeMount(mount) as string);
    if (patterns.length === 0) return { restore: true, mounts: safe };
    const matchers = patterns.map((pattern) =>
      globCharacters.test(pattern)
        ? picomatch(pattern, { dot: true })
        : (candidate: string) => candidate === pattern,
    );
    const unnamed = safe.filter((mount) => !matchers.some((matches) => matches(mount)));
    if (unnamed.length > 0) {
      return {
        restore: false,
        reason: `the archive also holds ${describeList(unnamed)}, which the mount setting does not name; add them to mount, or save the cache again with this mount list`,
      };
    }
    return { restore: true, mounts: safe };
  }
  if (patterns.length === 0) return { restore: true, mounts: undefined };
  if (patterns.every((pattern) => !globCharacters.test(pattern))) {
    return { restore: true, mounts: patterns };
  }
  return {
    restore: false,
    reason:
      "the archive does not record which folders it holds, and mount has globs, so the folders to replace cannot be told apart from their parents; save the cache again (rebuild) with this version, or list the folders without globs",
  };
}

/** Reads the mounts rebuild recorded in an object's metadata; undefined when absent or unreadable. */
export function readRecordedMounts(
  metadata: Record<string, string> | undefined,
): string[] | undefined {
  const text = metadata?.[mountsMetadataKey];
  if (text === undefined) return undefined;
  try {
    const json = inflateRawSync(Buffer.from(text, "base64url"), {
      maxOutputLength: 1024 * 1024,
    }).toString("utf8");
    const value: unknown = JSON.parse(json);
    if (!Array.isArray(value) || !value.every((item) => typeof item === "string")) return undefined;
    return value;
  } catch {
    return undefined;
  }
}

/**
 * The metadata that records `mounts` for a later restore, or an empty object when even the
 * deflated list is too long for a store's metadata.
 */
export function recordMounts(mounts: readonly string[]): Record<string, string> {
  const text = deflateRawSync(Buffer.from(JSON.stringify(mounts), "utf8")).toString("base64url");
  return text.length > maximumRecordedLength ? {} : { [mountsMetadataKey]: text };
}

/** A mount as a clean relative `/` path, or undefined when it is not one (`..`, absolute, `.`). */
function normalizeMount(mount: string): string | undefined {
  const trimmed = mount
    .trim()
    .replace(/^\.\/+/, "")
    .replace(/\/+$/, "");
  if (trimmed === "" || trimmed.startsWith("/") || trimmed.includes("\\")) return undefined;
  const segments = trimmed.split("/");
  if (segments.some((segment) => segment === "" || segment === "." || segment === "..")) {
    return undefined;
  }
  return trimmed;
}

function describeList(items: readonly string[]): string {
  const shown = items.slice(0, 5).map((item) => JSON.stringify(item));
  return items.length > 5 ? `${shown.join(", ")} and ${items.length - 5} more` : shown.join(", ");
}
