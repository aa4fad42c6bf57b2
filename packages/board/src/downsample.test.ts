import { describe, expect, it } from 'vitest';
import { m4Indices } from './downsample.js';
import { ScalarSeries } from './scalar-series.js';

describe('m4Indices', () => {
  it('keeps first, last, min and max of each bucket (worked by hand)', () => {
    // 12 points, x 0..11, 2 buckets: [0, 5.5) and [5.5, 11]
    const ys = [5, 1, 9, 2, 2, 3, 4, 4, -7, 4, 8, 0];
    const xs = ys.map((_, i) => i);
    // bucket 0 (x 0..5): first 0, last 5, min 1 (y=1), max 2 (y=9); bucket 1 (x 6..11): first 6, last 11, min 8, max 10
    expect(m4Indices(xs, ys, 12, 0, 11, 2)).toEqual([0, 1, 2, 5, 6, 8, 10, 11]);
  });

  it('returns every point in range when there are no more than 4 per bucket, and honours the range', () => {
    const xs = [0, 1, 2, 3, 4, 5];
    expect(m4Indices(xs, [1, 2, 3, 4, 5, 6], 6, 1, 4, 1)).toEqual([1, 2, 3, 4]);
    expect(m4Indices(xs, [1, 2, 3, 4, 5, 6], 6, 10, 20, 1)).toEqual([]);
  });

  it('returns file order when x goes back (a restarted run), worked by hand', () => {
    const xs = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    const ys = xs.map((_, i) => (i === 12 ? 9 : i === 15 ? 1 : 5));
    // bucket x 0..4: first 0, last 14, min 0, max 12; bucket x 5..9: first 5, last 19, min 15, max 5
    expect(m4Indices(xs, ys, 20, 0, 9, 2)).toEqual([0, 5, 12, 14, 15, 19]);
  });

  it('never drops a NaN or an infinity, which are neither min nor max', () => {
    const ys = [1, 2, Number.NaN, 3, 4, 5, 6, 7, 8, 9];
    const xs = ys.map((_, i) => i);
    expect(m4Indices(xs, ys, 10, 0, 9, 1)).toEqual([0, 2, 9]);
  });
});

describe('ScalarSeries', () => {
  it('grows past its first capacity and answers ranges on either axis', () => {
    const s = new ScalarSeries();
    for (let i = 0; i < 100; i++) s.push(i, 1000 + i / 10, i * i);
    expect(s.length).toBe(100);
    expect(s.at(99)).toEqual([99, 1000 + 9.9, 9801]);
    expect(s.points({ from: 10, to: 12 })).toEqual([
      [10, 1001, 100],
      [11, 1000 + 1.1, 121],
      [12, 1000 + 1.2, 144],
    ]);
    expect(s.points({ axis: 'wall', from: 1009.75, to: 1010 }).map((p) => p[0])).toEqual([98, 99]);
    expect(s.points({}, 97).map((p) => p[0])).toEqual([97, 98, 99]);
    expect(s.firstWallTime()).toBe(1000);
  });

  it('downsamples a long series to at most 4 points per bucket and keeps its spike', () => {
    const s = new ScalarSeries();
    for (let i = 0; i < 10_000; i++) s.push(i, i, i === 4321 ? 1e6 : Math.sin(i / 100));
    const shown = s.points({ buckets: 100 });
    expect(shown.length).toBeLessThanOrEqual(400);
    expect(shown.length).toBeGreaterThan(100);
    expect(shown).toContainEqual([4321, 4321, 1e6]);
    expect(shown[0]).toEqual([0, 0, 0]);
    expect(shown.at(-1)![0]).toBe(9999);
  });
});
