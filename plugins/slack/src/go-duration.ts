/**
 * Formats a number of whole seconds the way Go's `time.Duration.String()` does, which is what
 * drone-template-lib's `duration` and `since` helpers print: `0s`, `59s`, `1m30s`, `1h0m0s`,
 * `-2m5s`. Hours are never folded into days, as in Go.
 *
 * Fractions of a second are dropped (toward zero): the helpers only ever see Unix timestamps,
 * which are whole seconds.
 */
export function formatGoDuration(seconds: number): string {
  const whole = Math.trunc(seconds);
  if (whole === 0 || !Number.isFinite(whole)) return "0s";
  const sign = whole < 0 ? "-" : "";
  const magnitude = Math.abs(whole);
  const hours = Math.floor(magnitude / 3600);
  const minutes = Math.floor((magnitude % 3600) / 60);
  const rest = magnitude % 60;
  // Go prints every smaller unit once a larger one appears ("1h0m0s"), and nothing above it.
  if (hours > 0) return `${sign}${hours}h${minutes}m${rest}s`;
  if (minutes > 0) return `${sign}${minutes}m${rest}s`;
  return `${sign}${rest}s`;
}
