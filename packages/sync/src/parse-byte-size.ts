/** Multipliers of the units {@link parseByteSize} accepts, lower-cased. */
const units: Record<string, number> = {
  "": 1,
  b: 1,
  kb: 1000,
  kib: 1024,
  mb: 1000 ** 2,
  mib: 1024 ** 2,
  gb: 1000 ** 3,
  gib: 1024 ** 3,
};

const sizePattern = /^(\d+(?:\.\d+)?)\s*([a-z]*)$/i;

/**
 * Reads a size as a user writes it in YAML, such as a plugin's `part_size`: a number of bytes
 * (`8388608`) or a number with a unit (`8MiB`, `16 MB`, `512KiB`; decimal kB/MB/GB, binary
 * KiB/MiB/GiB, any case).
 *
 * @returns the whole number of bytes, or undefined when the text is not a size.
 */
export function parseByteSize(value: number | string): number | undefined {
  if (typeof value === "number") {
    return Number.isSafeInteger(value) && value > 0 ? value : undefined;
  }
  const match = sizePattern.exec(value.trim());
  const multiplier = match ? units[(match[2] ?? "").toLowerCase()] : undefined;
  if (!match || multiplier === undefined) return undefined;
  const bytes = Math.round(Number(match[1]) * multiplier);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : undefined;
}
