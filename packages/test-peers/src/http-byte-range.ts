/** The outcome of {@link resolveByteRange}. */
export type ByteRange =
  | { kind: "full" }
  | { kind: "partial"; start: number; end: number }
  | { kind: "unsatisfiable" };

/**
 * Resolves a `Range: bytes=…` request header against a resource of `size` bytes: `bytes=a-b`,
 * `bytes=a-` and the suffix form `bytes=-n`. A header that is absent, malformed or asks for several
 * ranges is ignored (the whole resource is sent), as HTTP allows.
 */
export function resolveByteRange(header: string | undefined, size: number): ByteRange {
  if (header === undefined) {
    return { kind: "full" };
  }
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (match === null || (match[1] === "" && match[2] === "")) {
    return { kind: "full" };
  }
  if (match[1] === "") {
    const suffix = Number(match[2]);
    if (suffix === 0 || size === 0) {
      return { kind: "unsatisfiable" };
    }
    return { kind: "partial", start: Math.max(size - suffix, 0), end: size - 1 };
  }
  const start = Number(match[1]);
  const end = match[2] === "" ? size - 1 : Math.min(Number(match[2]), size - 1);
  if (match[2] !== "" && Number(match[2]) < start) {
    return { kind: "full" };
  }
  if (start >= size) {
    return { kind: "unsatisfiable" };
  }
  return { kind: "partial", start, end };
}
