/**
 * How each transformation changes a dataset's size, as tf.data reports cardinality: a count, `Infinity`, or
 * `null` when unknown. One place for the arithmetic the Dataset methods share.
 */

/** Size after `batch(n)` / `paddedBatch(n)`. */
export function batchedSize(size: number | null, n: number, dropRemainder: boolean): number | null {
  if (size === null || size === Infinity) return size;
  return dropRemainder ? Math.floor(size / n) : Math.ceil(size / n);
}

/** Size after `repeat(count)` (`Infinity` for forever). */
export function repeatedSize(size: number | null, count: number): number | null {
  if (size === null) return null;
  return size === 0 || count === 0 ? 0 : size * count;
}

/** Size after `take(count)`. */
export function takenSize(size: number | null, count: number): number | null {
  return size === null ? null : Math.min(size, count);
}

/** Size after `skip(count)`. */
export function skippedSize(size: number | null, count: number): number | null {
  if (size === null || size === Infinity) return size;
  return Math.max(0, size - count);
}

/** Size after `shard(numShards, index)`. */
export function shardedSize(size: number | null, numShards: number, index: number): number | null {
  if (size === null || size === Infinity) return size;
  return Math.floor(size / numShards) + (index < size % numShards ? 1 : 0);
}
