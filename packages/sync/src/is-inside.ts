import { sep } from "node:path";

/**
 * True when `path` is `folder` or lies below it. Both must be absolute and resolved the same way
 * (both real paths, or both from `path.resolve`); the check is on whole segments, so `/srv/site2`
 * is not inside `/srv/site`.
 */
export function isInside(folder: string, path: string, separator: string = sep): boolean {
  if (path === folder) return true;
  const head = folder.endsWith(separator) ? folder : `${folder}${separator}`;
  return path.startsWith(head);
}
