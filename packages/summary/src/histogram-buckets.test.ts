import { describe, expect, it } from 'vitest';
import { histogramBuckets } from './histogram-buckets.js';

function rows(a: Float64Array): number[][] {
  const out: number[][] = [];
  for (let i = 0; i < a.length; i += 3) out.push([a[i]!, a[i + 1]!, a[i + 2]!]);
  return out;
}

describe('histogramBuckets', () => {
  it('splits [min, max] into k equal buckets; the max falls in the last one', () => {
    expect(rows(histogramBuckets([0, 1, 2, 3, 4], 4))).toEqual([
      [0, 1, 1],
      [1, 2, 1],
      [2, 3, 1],
      [3, 4, 2],
    ]);
  });

  it('counts every finite value exactly once and skips NaN and infinities', () => {
    const data = Float32Array.from({ length: 10007 }, (_, i) => Math.sin(i) * 3);
    data[5] = Number.NaN;
    data[6] = Number.POSITIVE_INFINITY;
    data[7] = Number.NEGATIVE_INFINITY;
    const r = rows(histogramBuckets(data));
    expect(r).toHaveLength(30);
    expect(r.reduce((n, x) => n + x[2]!, 0)).toBe(10004);
    for (let i = 1; i < r.length; i++) expect(r[i]![0]).toBeCloseTo(r[i - 1]![1]!, 12);
    expect(r[0]![0]).toBe(Math.min(...[...data].filter(Number.isFinite)));
    expect(r[29]![1]).toBe(Math.max(...[...data].filter(Number.isFinite)));
  });

  it('gives one bucket around a constant and none for empty or all-NaN input', () => {
    expect(rows(histogramBuckets([2, 2, 2]))).toEqual([[1.5, 2.5, 3]]);
    expect(histogramBuckets([])).toHaveLength(0);
    expect(histogramBuckets([Number.NaN])).toHaveLength(0);
  });

  it('rejects a bucket count that is not a positive integer', () => {
    expect(() => histogramBuckets([1], 0)).toThrow(/buckets must be a positive integer, received 0/);
  });
});
