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

/**
 * {@link m4Indices} for an x column sorted ascending (what nearly every series is: steps and wall times only grow
 * in one run's file): the same indices, found without a pass over x. The points in `[from, to]` are the index range
 * `[lo, hi)` of `xs`, and each bucket is an index range too, found by binary search with m4Indices's own bucket
 * arithmetic; only the y values are scanned, once.
 * @example
 *   m4SortedIndices([0, 1, 2, 3, 4, 5], [5, 1, 9, 2, 2, 3], 0, 6, 0, 5, 1); // [0, 1, 2, 5]
 */
export function m4SortedIndices(
  xs: ArrayLike<number>,
  ys: ArrayLike<number>,
  lo: number,
  hi: number,
  from: number,
  to: number,
  buckets: number,
): number[] {
  const n = Math.max(1, Math.floor(buckets));
  const out: number[] = [];
  if (hi - lo <= 4 * n || !(to > from)) {
    for (let i = lo; i < hi; i++) out.push(i);
    return out;
  }
  const scale = n / (to - from);
  const bucketOf = (x: number) => Math.min(n - 1, Math.floor((x - from) * scale));
  let start = lo;
  const picked: number[] = [];
  while (start < hi) {
    const b = bucketOf(xs[start]!);
    // The first index past this bucket: bucketOf is non-decreasing in x, and x in the index.
    let a = start + 1;
    let z = hi;
    while (a < z) {
      const mid = (a + z) >>> 1;
      if (bucketOf(xs[mid]!) > b) z = mid;
      else a = mid + 1;
    }
    const end = a;
    let min = -1;
    let max = -1;
    let odd = -1;
    let minY = Number.POSITIVE_INFINITY;
    let maxY = Number.NEGATIVE_INFINITY;
    for (let i = start; i < end; i++) {
      const y = ys[i]!;
      // y - y is NaN for NaN and ±Infinity, which are never min or max (the first one is kept apart).
      if (y - y !== 0) {
        if (odd === -1) odd = i;
      } else {
        if (y < minY) {
          minY = y;
          min = i;
        }
        if (y > maxY) {
          maxY = y;
          max = i;
        }
      }
    }
    picked.length = 0;
    for (const i of [start, end - 1, min, max, odd]) if (i !== -1) picked.push(i);
    picked.sort((p, q) => p - q);
    for (let k = 0; k < picked.length; k++) if (k === 0 || picked[k] !== picked[k - 1]) out.push(picked[k]!);
    start = end;
  }
  return out;
}

/** The first index in `[lo, hi)` of sorted `xs` whose x is ≥ `x` (`strict`: > `x`), or `hi`. */
export function searchSorted(xs: ArrayLike<number>, x: number, lo: number, hi: number, strict: boolean): number {
  let a = lo;
  let z = hi;
  while (a < z) {
    const mid = (a + z) >>> 1;
    if (strict ? xs[mid]! > x : xs[mid]! >= x) z = mid;
    else a = mid + 1;
  }
  return a;
}
