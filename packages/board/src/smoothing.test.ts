import { describe, expect, it } from 'vitest';
import { smooth } from './smoothing.js';

describe('smooth (TensorBoard debiased EMA)', () => {
  it('matches the hand-computed debiased moving average', () => {
    // last_1 = 0.4·1 = 0.4, /(1-0.6) = 1; last_2 = 0.6·0.4 + 0.4·2 = 1.04, /(1-0.36) = 1.625;
    // last_3 = 0.6·1.04 + 0.4·3 = 1.824, /(1-0.216) = 2.326530…
    const out = smooth([1, 2, 3], 0.6);
    expect(out[0]).toBeCloseTo(1, 12);
    expect(out[1]).toBeCloseTo(1.625, 12);
    expect(out[2]).toBeCloseTo(1.824 / 0.784, 12);
  });

  it('is the identity at weight 0, keeps constants and lets non-finite values through without using them', () => {
    expect(smooth([3, -1, 7], 0)).toEqual([3, -1, 7]);
    expect(smooth([2, 2, 2], 0.9)).toEqual([2, 2, 2]);
    const out = smooth([1, Number.NaN, 2], 0.5);
    expect(out[1]).toBeNaN();
    // NaN skipped: last_2 = 0.5·0.5 + 0.5·2 = 1.25, /(1-0.25) = 1.6667
    expect(out[2]).toBeCloseTo(1.25 / 0.75, 12);
  });

  it('rejects a weight outside [0, 1]', () => {
    expect(() => smooth([1], 1.5)).toThrow(/weight must be in \[0, 1\], received 1.5/);
  });
});
