/** Order statistics for the bench: nearest-rank percentiles, so every reported value was measured. */

const sorted = (values: readonly number[]): number[] => [...values].sort((a, b) => a - b);

/** The nearest-rank percentile (p in 0…100) of a non-empty sample. */
export const percentile = (values: readonly number[], p: number): number => {
  if (values.length === 0) throw new Error('percentile of an empty sample');
  const ordered = sorted(values);
  const rank = Math.max(1, Math.ceil((p / 100) * ordered.length));
  return ordered[rank - 1] as number;
};

/** The median; for an even count, the mean of the two middle values. */
export const median = (values: readonly number[]): number => {
  if (values.length === 0) throw new Error('median of an empty sample');
  const ordered = sorted(values);
  const middle = Math.floor(ordered.length / 2);
  const upper = ordered[middle] as number;
  return ordered.length % 2 === 1 ? upper : ((ordered[middle - 1] as number) + upper) / 2;
};

export const mean = (values: readonly number[]): number => {
  if (values.length === 0) throw new Error('mean of an empty sample');
  return values.reduce((sum, value) => sum + value, 0) / values.length;
};

/** Rounds for display and for the JSON line: a measured 0.3 ms must not print as 0. */
export const round = (value: number, digits = 2): number => {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};
