/**
 * Orders text by UTF-16 code units, like `Array.prototype.sort` without a comparator: the same
 * order on every machine, unlike `localeCompare`. Plans and listings are sorted with it.
 */
export function compareText(left: string, right: string): number {
  if (left === right) return 0;
  return left < right ? -1 : 1;
}
