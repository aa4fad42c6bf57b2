/**
 * M4 downsampling (Jugel et al., "M4: A Visualization-Oriented Time Series Data Aggregation", VLDB 2014): split the
 * x range into as many buckets as the chart has pixels and keep, per bucket, the first, last, lowest and highest
 * point. A line drawn through what is kept covers the same pixels as one drawn through every point, so spikes
 * (a NaN loss, a diverging run) survive however many points a series has.
 */

/**
 * Indices (ascending) of the points of `xs`/`ys` (the first `length`) whose x lies in `[from, to]`, reduced to at
 * most 4 per bucket plus, per bucket, the first non-finite value (NaN and ±Infinity are never min or max, and
 * must not vanish). All of them when there are no more than `4 × buckets`.
 * @example
 *   m4Indices([0, 1, 2, 3, 4, 5], [5, 1, 9, 2, 2, 3], 6, 0, 5, 1); // [0, 1, 2, 5]
 */
export function m4Indices(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  length: number,
  from: number,
  to: number,
  buckets: number,
): number[] {
  const inRange: number[] = [];
  for (let i = 0; i < length; i++) if (xs[i]! >= from && xs[i]! <= to) inRange.push(i);
  const n = Math.max(1, Math.floor(buckets));
  if (inRange.length <= 4 * n || !(to > from)) return inRange;
  const first = new Int32Array(n).fill(-1);
  const last = new Int32Array(n).fill(-1);
  const min = new Int32Array(n).fill(-1);
  const max = new Int32Array(n).fill(-1);
  const odd = new Int32Array(n).fill(-1);
  const scale = n / (to - from);
  for (const i of inRange) {
    const b = Math.min(n - 1, Math.floor((xs[i]! - from) * scale));
    if (first[b] === -1) first[b] = i;
    last[b] = i;
    const y = ys[i]!;
    if (!Number.isFinite(y)) {
      if (odd[b] === -1) odd[b] = i;
      continue;
    }
    if (min[b] === -1 || y < ys[min[b]!]!) min[b] = i;
    if (max[b] === -1 || y > ys[max[b]!]!) max[b] = i;
  }
  const keep = new Set<number>();
  for (const column of [first, last, min, max, odd]) for (const i of column) if (i !== -1) keep.add(i);
  return [...keep].sort((a, b) => a - b);
}
