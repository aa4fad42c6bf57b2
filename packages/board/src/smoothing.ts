/**
 * TensorBoard's scalar smoothing: an exponential moving average, debiased so the first points are not pulled
 * towards 0 (as in TensorBoard's line chart). Non-finite values pass through unsmoothed and do not enter the
 * average; a constant series stays constant.
 * @example
 *   smooth([1, 2, 3], 0.6); // [1, 1.625, 2.3265…]
 */
export function smooth(values: readonly number[], weight: number): number[] {
  if (!(weight >= 0 && weight <= 1)) throw new RangeError(`smooth(): weight must be in [0, 1], received ${weight}.`);
  const first = values[0];
  const constant = values.every((v) => v === first);
  let last = 0;
  let accumulated = 0;
  return values.map((v) => {
    if (constant || !Number.isFinite(v)) return v;
    last = last * weight + (1 - weight) * v;
    accumulated += 1;
    const debias = weight === 1 ? 1 : 1 - weight ** accumulated;
    return last / debias;
  });
}
