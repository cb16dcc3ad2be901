/** Milliseconds per unit of Go's `time.ParseDuration`. */
const unitMilliseconds: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  μs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

/**
 * Reads a duration as Go's `time.ParseDuration` writes it (`90s`, `10m`, `1h30m`, `1.5h`, `500ms`)
 * and returns milliseconds. A number, or text holding only a number, counts as seconds (a
 * convenience Go does not have). Returns undefined for anything else, and for negative values.
 */
export function parseGoDuration(value: string | number): number | undefined {
  if (typeof value === "number")
    return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  const text = value.trim();
  if (/^\d+(?:\.\d+)?$/.test(text)) return Number(text) * 1000;
  if (text === "" || !/^(?:\d+(?:\.\d*)?(?:ns|us|µs|μs|ms|s|m|h))+$/.test(text)) return undefined;
  let total = 0;
  for (const match of text.matchAll(/(\d+(?:\.\d*)?)(ns|us|µs|μs|ms|s|m|h)/g)) {
    total += Number(match[1]) * (unitMilliseconds[match[2] ?? ""] ?? 0);
  }
  return total;
}
