import { describe, expect, it } from 'vitest';
import { nextOpSeed, withGraphSeed } from './graph-seed.js';

describe('withGraphSeed / nextOpSeed', () => {
  it('gives the same op seeds for the same graph seed, others for another, none outside', () => {
    const three = (seed: number | undefined) => withGraphSeed(seed, () => [nextOpSeed(), nextOpSeed(), nextOpSeed()]);
    const a = three(7);
    expect(three(7)).toEqual(a);
    expect(new Set(a).size).toBe(3);
    expect(three(8)).not.toEqual(a);
    expect(three(undefined)).toEqual([undefined, undefined, undefined]);
    expect(nextOpSeed()).toBeUndefined();
  });

  it('restores the outer scope, also after a throw', () => {
    withGraphSeed(1, () => {
      const first = nextOpSeed();
      expect(() =>
        withGraphSeed(2, () => {
          throw new Error('x');
        }),
      ).toThrow('x');
      const inner = withGraphSeed(undefined, () => nextOpSeed());
      expect(inner).toBeUndefined();
      expect(nextOpSeed()).not.toBe(first);
    });
    expect(nextOpSeed()).toBeUndefined();
  });
});
