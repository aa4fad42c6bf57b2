import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initializers } from './initializers.js';

beforeAll(() => setupTestBackend('cpu'));

/** Draws `shape` with the initializer and returns [values, sample std, max |x|]. */
function draw(init: ReturnType<typeof initializers.heNormal>, shape: number[], seed = 7) {
  const values = tf.tidy(() => init(shape, 'float32', seed).dataSync() as Float32Array);
  let sum = 0;
  let sq = 0;
  let maxAbs = 0;
  for (const v of values) {
    sum += v;
    sq += v * v;
    maxAbs = Math.max(maxAbs, Math.abs(v));
  }
  const mean = sum / values.length;
  return { values, mean, std: Math.sqrt(sq / values.length - mean * mean), maxAbs };
}

// A conv kernel [3, 3, 64, 128]: receptive field 9, fanIn = 9·64 = 576, fanOut = 9·128 = 1152 (TF's _compute_fans).
const KERNEL = [3, 3, 64, 128];
const FAN_IN = 576;
const FAN_OUT = 1152;

describe('variance scaling initializers (TF 1.15 formulas)', () => {
  it('truncated normals have the variance scale / fan: the 0.87962566103423978 correction is applied', () => {
    // Without TF's correction the std would be 0.88× the target; a 2% tolerance separates the two.
    const cases: [string, ReturnType<typeof initializers.heNormal>, number][] = [
      ['heNormal', initializers.heNormal(), Math.sqrt(2 / FAN_IN)],
      ['lecunNormal', initializers.lecunNormal(), Math.sqrt(1 / FAN_IN)],
      ['glorotNormal', initializers.glorotNormal(), Math.sqrt(2 / (FAN_IN + FAN_OUT))],
      ['varianceScaling fan_out', initializers.varianceScaling({ scale: 3, mode: 'fan_out' }), Math.sqrt(3 / FAN_OUT)],
      [
        "varianceScaling 'normal' (TF 1.x's alias of truncated_normal)",
        initializers.varianceScaling({ distribution: 'normal' }),
        Math.sqrt(1 / FAN_IN),
      ],
    ];
    for (const [name, init, target] of cases) {
      const { std, mean, maxAbs } = draw(init, KERNEL);
      expect(Math.abs(std / target - 1), name).toBeLessThan(0.02);
      expect(Math.abs(mean), name).toBeLessThan(target * 0.02);
      // truncated at two of the *drawn* distribution's stddevs: target / 0.8796 · 2
      expect(maxAbs, name).toBeLessThanOrEqual((2 * target) / 0.87962566103423978 + 1e-6);
      expect(maxAbs, name).toBeGreaterThan(2 * target);
    }
  });

  it("draws exactly TF's truncated normal: stddev sqrt(scale / fan) / 0.87962566103423978 from the same seed", () => {
    // fan_avg of [3, 3, 64, 128] = (576 + 1152) / 2 = 864; scale 2 → stddev sqrt(2 / 864) / 0.87962566103423978
    const expected = tf.tidy(() =>
      Array.from(tf.truncatedNormal(KERNEL, 0, Math.sqrt(2 / 864) / 0.87962566103423978, 'float32', 5).dataSync()),
    );
    const init = initializers.varianceScaling({ scale: 2, mode: 'fan_avg' });
    expect(Array.from(draw(init, KERNEL, 5).values)).toEqual(expected);
  });

  it('untruncated_normal has std sqrt(scale / fan) and tails beyond 2 std', () => {
    const target = Math.sqrt(2 / ((FAN_IN + FAN_OUT) / 2));
    const { std, maxAbs } = draw(
      initializers.varianceScaling({ scale: 2, mode: 'fan_avg', distribution: 'untruncated_normal' }),
      KERNEL,
    );
    expect(Math.abs(std / target - 1)).toBeLessThan(0.02);
    expect(maxAbs).toBeGreaterThan(3 * target);
  });

  it('uniforms have limit sqrt(3 · scale / fan)', () => {
    const cases: [string, ReturnType<typeof initializers.heNormal>, number][] = [
      ['heUniform', initializers.heUniform(), Math.sqrt(6 / FAN_IN)],
      ['lecunUniform', initializers.lecunUniform(), Math.sqrt(3 / FAN_IN)],
      ['glorotUniform', initializers.glorotUniform(), Math.sqrt(6 / (FAN_IN + FAN_OUT))],
      [
        'varianceScaling uniform',
        initializers.varianceScaling({ distribution: 'uniform', scale: 0.5 }),
        Math.sqrt(1.5 / FAN_IN),
      ],
    ];
    for (const [name, init, limit] of cases) {
      const { std, maxAbs } = draw(init, KERNEL);
      expect(maxAbs, name).toBeLessThanOrEqual(limit);
      expect(maxAbs, name).toBeGreaterThan(limit * 0.999);
      expect(Math.abs(std / (limit / Math.sqrt(3)) - 1), name).toBeLessThan(0.02);
    }
  });

  it('a dense kernel uses [fanIn, fanOut] = shape and a bias uses its length for both', () => {
    expect(Math.abs(draw(initializers.heNormal(), [4000, 50]).std / Math.sqrt(2 / 4000) - 1)).toBeLessThan(0.02);
    const bias = draw(initializers.varianceScaling({ distribution: 'uniform' }), [90000]);
    expect(bias.maxAbs).toBeLessThanOrEqual(Math.sqrt(3 / 90000));
  });

  it('the same seed gives the same values; another seed other values', () => {
    const a = draw(initializers.heNormal(), [20, 30], 1).values;
    expect(draw(initializers.heNormal(), [20, 30], 1).values).toEqual(a);
    expect(draw(initializers.heNormal(), [20, 30], 2).values).not.toEqual(a);
  });

  it('refuses unknown options and bad values with one line', () => {
    expect(() => initializers.varianceScaling({ distibution: 'uniform' } as never)).toThrow(
      /initializers\.varianceScaling\(\): unknown option "distibution"\. Did you mean "distribution"\?/,
    );
    expect(() => initializers.varianceScaling({ mode: 'fan_sum' as never })).toThrow(
      /mode must be one of fan_in, fan_out, fan_avg\. Received "fan_sum"/,
    );
    expect(() => initializers.varianceScaling({ scale: 0 })).toThrow(/scale must be a number > 0\. Received 0/);
    expect(() => initializers.truncatedNormal({ std: 1 } as never)).toThrow(/Did you mean "stddev"\?/);
  });
});

describe('orthogonal', () => {
  function gram(shape: number[], gain = 1, transposeFirst = false): number[][] {
    return tf.tidy(() => {
      const w = initializers.orthogonal({ gain })(shape, 'float32', 3);
      expect(w.shape).toEqual(shape);
      const m = tf.reshape(w, [-1, shape[shape.length - 1]!]) as tf.Tensor2D;
      return (transposeFirst ? tf.matMul(m, m, false, true) : tf.matMul(m, m, true, false)).arraySync() as number[][];
    });
  }
  const expectScaledIdentity = (g: number[][], s: number) => {
    for (const [i, row] of g.entries()) for (const [j, v] of row.entries()) expect(v).toBeCloseTo(i === j ? s : 0, 4);
  };

  it('tall kernels have orthonormal columns (WᵀW = gain² I), conv kernels over the flattened rows', () => {
    expectScaledIdentity(gram([10, 4]), 1);
    expectScaledIdentity(gram([3, 3, 2, 5], 2), 4);
  });
  it('wide kernels have orthonormal rows (WWᵀ = I)', () => {
    expectScaledIdentity(gram([3, 8], 1, true), 1);
  });
  it('refuses rank < 2 and leaks nothing', async () => {
    expect(() => initializers.orthogonal()([5], 'float32', 1)).toThrow(/must have rank >= 2\. Received shape \[5\]/);
    await expectNoLeaks(() => {
      tf.dispose(initializers.orthogonal()([6, 6], 'float32', 1));
    });
  });
});

describe('TF 1.x defaults of the plain random initializers', () => {
  it('truncatedNormal and randomNormal default to stddev 1, randomUniform to U(0, 1)', () => {
    expect(Math.abs(draw(initializers.truncatedNormal(), [50000]).std - 0.87962566103423978)).toBeLessThan(0.02);
    expect(Math.abs(draw(initializers.randomNormal(), [50000]).std - 1)).toBeLessThan(0.02);
    const u = draw(initializers.randomUniform(), [50000]);
    expect(Math.min(...u.values)).toBeGreaterThanOrEqual(0);
    expect(u.mean).toBeCloseTo(0.5, 1);
  });
});
