/**
 * The median of some numbers (the mean of the middle two for an even count): what every benchmark
 * here reports of its rounds, so that one slow or fast round does not move the result.
 *
 * @param {number[]} values at least one
 * @returns {number}
 */
export function median(values) {
  const sorted = [...values].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
