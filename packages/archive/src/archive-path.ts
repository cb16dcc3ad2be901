import { ArchiveError } from "./archive-error.js";

/** What is wrong with a path, or its clean segments. */
export type PathCheck =
  | { ok: true; segments: string[] }
  | { ok: false; problem: "absolute" | "parent-segment" | "empty" };

/**
 * Splits a slash-separated relative path into its segments, dropping empty and `.` segments (so
 * `./a//b/` is `a/b`, as tar reads it). Refuses absolute paths and `..` segments rather than
 * resolving them: a cache never needs either, and refusing is what keeps writes inside the mounts.
 */
export function checkRelativePath(path: string): PathCheck {
  if (path.startsWith("/")) return { ok: false, problem: "absolute" };
  const segments: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") return { ok: false, problem: "parent-segment" };
    segments.push(segment);
  }
  if (segments.length === 0) return { ok: false, problem: "empty" };
  return { ok: true, segments };
}

/** True when `path` is `mount` itself or lies below it (both normalized). */
export function isInsideMount(path: string, mount: string): boolean {
  // No `${mount}/` string: this runs for every entry of an archive.
  return (
    path === mount ||
    (path.length > mount.length && path.charCodeAt(mount.length) === 0x2f && path.startsWith(mount))
  );
}

/**
 * Normalizes the mounts (or archive paths) a caller gave: relative, no `..`, not the root itself.
 * Duplicates and mounts nested in another one are dropped, since the outer mount already holds
 * them and one archive entry must belong to exactly one mount.
 *
 * @param what names the option in error messages (`paths`, `mounts`).
 * @throws ArchiveError `E_ARCHIVE_INVALID_OPTIONS` for an absolute, empty or `..` path.
 */
export function normalizeMounts(mounts: readonly string[], what: string): string[] {
  const normalized = mounts.map((mount) => {
    const check = checkRelativePath(mount);
    if (!check.ok) {
      const reason =
        check.problem === "absolute"
          ? "is absolute"
          : check.problem === "empty"
            ? "names the root itself"
            : "has a `..` segment";
      throw new ArchiveError(
        "E_ARCHIVE_INVALID_OPTIONS",
        `The ${what} entry ${JSON.stringify(mount)} ${reason}: give folders or files relative to the root, such as "node_modules".`,
      );
    }
    return check.segments.join("/");
  });
  // Sorting puts every mount before the ones nested in it.
  const sorted = [...new Set(normalized)].sort();
  const kept: string[] = [];
  for (const mount of sorted) {
    if (!kept.some((outer) => isInsideMount(mount, outer))) kept.push(mount);
  }
  return kept;
}

/** The mount part of a normalized path's parent: `a/b` for `a/b/c`, `` for `c`. */
export function parentOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash === -1 ? "" : path.slice(0, slash);
}

/**
 * Resolves a symlink's target from the link's folder, lexically, and tells whether it stays inside
 * `mount` at every step: an absolute target, or one that climbs out of the mount even on the way
 * (`../other/../mount/x`), leaves it. `expand` may replace a path by what a symlink there points to,
 * so that a chain of links is followed the way the kernel would.
 *
 * @returns the resolved path, or `undefined` when the target leaves the mount.
 */
export function resolveLinkTarget(
  linkPath: string,
  target: string,
  mount: string,
  expand?: (path: string) => string | undefined,
): string | undefined {
  if (target.startsWith("/") || target === "") return undefined;
  const mountDepth = mount.split("/").length;
  const stack = parentOf(linkPath)
    .split("/")
    .filter((segment) => segment !== "");
  // 40 hops, as Linux's MAXSYMLINKS: a longer chain fails in the kernel too, so it cannot escape.
  let hops = 0;
  const pending = target.split("/").reverse();
  while (pending.length > 0) {
    const segment = pending.pop() as string;
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (stack.length <= mountDepth) return undefined;
      stack.pop();
      continue;
    }
    stack.push(segment);
    const path = stack.join("/");
    if (!isInsideMount(path, mount)) return undefined;
    const linked = expand?.(path);
    if (linked !== undefined && hops < 40) {
      hops += 1;
      if (linked.startsWith("/")) return undefined;
      stack.pop();
      pending.push(...linked.split("/").reverse());
    }
  }
  const resolved = stack.join("/");
  return isInsideMount(resolved, mount) ? resolved : undefined;
}
