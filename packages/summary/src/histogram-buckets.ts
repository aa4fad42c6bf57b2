/** TF2-style histogram bucketing: `k` equal-width buckets between the min and the max of the data. */
import { DEFAULT_HISTOGRAM_BUCKETS } from './defaults.js';
import { SummaryError } from './errors.js';

/**
 * Buckets `values` as TF2's `tf.summary.histogram` does and returns `k` rows of (left edge, right edge, count),
 * flattened row-major (length 3k). Empty input gives no rows; equal values give one row `[v - 0.5, v + 0.5, n]`.
 * Non-finite values are skipped.
 * @example
 *   histogramBuckets([1, 2, 2, 3], 2) // Float64Array [1, 2, 1, 2, 3, 3]
 */
export function histogramBuckets(values: ArrayLike<number>, buckets = DEFAULT_HISTOGRAM_BUCKETS): Float64Array {
  if (!Number.isInteger(buckets) || buckets < 1) {
    throw new SummaryError(
      'SUMMARY_ARGUMENT',
      `histogramBuckets(): buckets must be a positive integer, received ${buckets}.`,
    );
  }
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  let finite = 0;
  const len = values.length;
  for (let i = 0; i < len; i++) {
    const x = values[i]!;
    if (x - x !== 0) continue; // NaN and infinities
    finite++;
    if (x < min) min = x;
    if (x > max) max = x;
  }
  if (finite === 0) return new Float64Array(0);
  if (min === max) return Float64Array.of(min - 0.5, max + 0.5, finite);
  const width = (max - min) / buckets;
  const scale = buckets / (max - min);
  // One spare slot catches x === max (index `buckets`); it is folded into the last bucket below.
  const counts = new Int32Array(buckets + 1);
  if (finite === len) {
    for (let i = 0; i < len; i++) counts[((values[i]! - min) * scale) | 0]!++;
  } else {
    for (let i = 0; i < len; i++) {
      const x = values[i]!;
      if (x - x === 0) counts[((x - min) * scale) | 0]!++;
    }
  }
  counts[buckets - 1]! += counts[buckets]!;
  const out = new Float64Array(buckets * 3);
  for (let b = 0; b < buckets; b++) {
    out[b * 3] = min + b * width;
    out[b * 3 + 1] = b === buckets - 1 ? max : min + (b + 1) * width;
    out[b * 3 + 2] = counts[b]!;
  }
  return out;
}
