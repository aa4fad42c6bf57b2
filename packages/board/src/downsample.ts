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
  const n = Math.max(1, Math.floor(buckets));
  // Count first: a long series must not cost an index array as long as itself.
  let count = 0;
  for (let i = 0; i < length; i++) if (xs[i]! >= from && xs[i]! <= to) count++;
  if (count <= 4 * n || !(to > from)) {
    const all: number[] = [];
    for (let i = 0; i < length; i++) if (xs[i]! >= from && xs[i]! <= to) all.push(i);
    return all;
  }
  const first = new Int32Array(n).fill(-1);
  const last = new Int32Array(n).fill(-1);
  const min = new Int32Array(n).fill(-1);
  const max = new Int32Array(n).fill(-1);
  const odd = new Int32Array(n).fill(-1);
  const scale = n / (to - from);
  for (let i = 0; i < length; i++) {
    const x = xs[i]!;
    if (!(x >= from && x <= to)) continue;
    const b = Math.min(n - 1, Math.floor((x - from) * scale));
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
  // Per bucket, its (at most five) indices in order; buckets follow x, so sort once at the end only when x is not
  // monotonic in file order (a restarted run).
  const out: number[] = [];
  for (let b = 0; b < n; b++) {
    const picked = [first[b]!, last[b]!, min[b]!, max[b]!, odd[b]!].filter((i) => i !== -1).sort((p, q) => p - q);
    for (let k = 0; k < picked.length; k++) if (k === 0 || picked[k] !== picked[k - 1]) out.push(picked[k]!);
  }
  for (let k = 1; k < out.length; k++) if (out[k]! <= out[k - 1]!) return [...new Set(out)].sort((p, q) => p - q);
  return out;
}
