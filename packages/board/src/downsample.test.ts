import { describe, expect, it } from 'vitest';
import { m4Indices, m4SortedIndices, searchSorted } from './downsample.js';
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

describe('m4SortedIndices', () => {
  /** A seeded generator (mulberry32), so a failure names its case. */
  function random(seed: number): () => number {
    let a = seed;
    return () => {
      a = (a + 0x6d2b79f5) | 0;
      let t = Math.imul(a ^ (a >>> 15), 1 | a);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }

  it('picks exactly what m4Indices picks on sorted x (repeats, gaps, NaN and infinite y, any range)', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const r = random(seed);
      const n = Math.floor(r() * 3000);
      const xs: number[] = [];
      let x = r() * 10 - 5;
      for (let i = 0; i < n; i++) {
        x += r() < 0.2 ? 0 : r() < 0.05 ? r() * 500 : r() * 3; // repeats, and the odd jump
        xs.push(x);
      }
      const ys = xs.map(() => {
        const u = r();
        return u < 0.01 ? Number.NaN : u < 0.015 ? Number.POSITIVE_INFINITY : Math.round(r() * 20) / 4;
      });
      const buckets = 1 + Math.floor(r() * 300);
      const from = n > 0 && r() < 0.5 ? xs[Math.floor(r() * n)]! - r() : (xs[0] ?? 0);
      const to = n > 0 && r() < 0.5 ? from + r() * (x - from) : x;
      const lo = searchSorted(xs, from, 0, n, false);
      const hi = searchSorted(xs, to, lo, n, true);
      expect(m4SortedIndices(xs, ys, lo, hi, from, to, buckets), `seed ${seed}`).toEqual(
        m4Indices(xs, ys, n, from, to, buckets),
      );
    }
  });

  it('is what a series with sorted x answers, on both axes (against m4Indices over its columns)', () => {
    const r = random(7);
    const series = new ScalarSeries();
    for (let i = 0; i < 5000; i++) series.push(i, 1000 + i * 0.5, Math.sin(i / 30) + r());
    const all = series.points();
    for (const q of [
      { buckets: 100 },
      { axis: 'wall' as const, buckets: 37 },
      { from: 1200, to: 3000, buckets: 50 },
      { axis: 'wall' as const, from: 1500.25, to: 2000 },
      { from: 4990 },
      { from: 1e9, buckets: 10 },
    ]) {
      const xs = all.map((p) => (q.axis === 'wall' ? p[1] : p[0]));
      const ys = all.map((p) => p[2]);
      const inRange = xs.filter((x) => x >= (q.from ?? -Infinity) && x <= (q.to ?? Infinity));
      const from = q.from !== undefined && q.to !== undefined ? q.from : Math.min(...inRange);
      const to = q.from !== undefined && q.to !== undefined ? q.to : Math.max(...inRange);
      const picked = q.buckets
        ? m4Indices(xs, ys, xs.length, from, to, q.buckets)
        : xs.flatMap((x, i) => (x >= from && x <= to ? [i] : []));
      expect(series.points(q), JSON.stringify(q)).toEqual(picked.map((i) => all[i]));
    }
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
