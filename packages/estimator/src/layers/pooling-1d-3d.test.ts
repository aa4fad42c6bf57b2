import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectGradientsMatchDifferences, layerHarness } from './layer-context.test-util.js';
import { naivePool } from './naive-conv.test-util.js';
import { averagePooling2d, flatten, maxPooling2d } from './pooling.js';
import { averagePooling1d, averagePooling3d, maxPooling1d, maxPooling3d } from './pooling-1d-3d.js';

beforeAll(() => setupTestBackend('cpu'));

/** Distinct values 0.1 apart in a scrambled order, so every max is unique and central differences stay exact. */
function distinct(shape: number[]): tf.Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(
    Array.from({ length: n }, (_, i) => ((i * 7919) % n) / 10 - n / 20),
    shape,
  );
}

const closeTo = (analytic: number, numeric: number, what: string) =>
  expect(Math.abs(analytic - numeric), what).toBeLessThan(1e-3);

function expectMatches(y: tf.Tensor, x: tf.Tensor, kind: 'max' | 'avg', k: number[], s: number[], p: 'valid' | 'same') {
  const ref = naivePool({ shape: [...x.shape], data: x.dataSync() as Float32Array }, kind, k, s, p);
  expect(y.shape).toEqual(ref.shape);
  const a = y.dataSync();
  for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(ref.data[i]!, 5);
}

describe('1-D pooling', () => {
  it("hand example: averagePooling1d with 'same' divides each edge window by its real elements, as TF", () => {
    const x = tf.tensor3d([1, 2, 3, 4, 5], [1, 5, 1]);
    // windows of 2, stride 2, 'same': [1,2], [3,4], [5] (+ padding, not counted)
    expect(Array.from(averagePooling1d(x, 2, 2, { padding: 'same' }).dataSync())).toEqual([1.5, 3.5, 5]);
    expect(Array.from(averagePooling1d(x, 2, 2).dataSync())).toEqual([1.5, 3.5]);
    expect(Array.from(maxPooling1d(x, 3, 1).dataSync())).toEqual([3, 4, 5]);
    x.dispose();
  });

  it('matches the loop reference for windows, strides and padding', () => {
    const x = distinct([2, 11, 3]);
    for (const [k, s, p] of [
      [2, 2, 'valid'],
      [3, 2, 'same'],
      [4, 3, 'same'],
      [3, 1, 'valid'],
    ] as const) {
      expectMatches(maxPooling1d(x, k, s, { padding: p }), x, 'max', [k], [s], p);
      expectMatches(averagePooling1d(x, k, s, { padding: p }), x, 'avg', [k], [s], p);
    }
    x.dispose();
  });
});

describe('3-D pooling', () => {
  it('matches the loop reference', () => {
    const x = distinct([1, 5, 4, 6, 2]);
    for (const [k, s, p] of [
      [[2, 2, 2], [2, 2, 2], 'valid'],
      [[3, 2, 3], [2, 1, 2], 'same'],
    ] as [[number, number, number], [number, number, number], 'valid' | 'same'][]) {
      expectMatches(maxPooling3d(x, k, s, { padding: p }), x, 'max', k, s, p);
      expectMatches(averagePooling3d(x, k, s, { padding: p }), x, 'avg', k, s, p);
    }
    x.dispose();
  });
});

describe('channels_first pooling', () => {
  it('1-D, 2-D and 3-D pools of channels-first inputs equal the channels-last pools transposed', () => {
    const cases: [number[], number[], (x: tf.Tensor, df: 'channels_first' | 'channels_last') => tf.Tensor][] = [
      [[2, 7, 3], [0, 2, 1], (x, df) => maxPooling1d(x, 2, 2, { dataFormat: df })],
      [[2, 5, 6, 3], [0, 3, 1, 2], (x, df) => averagePooling2d(x, 3, 2, { dataFormat: df, padding: 'same' })],
      [[1, 4, 4, 4, 2], [0, 4, 1, 2, 3], (x, df) => maxPooling3d(x, 2, 2, { dataFormat: df })],
    ];
    for (const [shape, perm, pool] of cases) {
      tf.tidy(() => {
        const last = distinct(shape);
        const first = tf.transpose(last, perm);
        const back = [0, ...perm.slice(2).map((_, i) => i + 2), 1];
        const y = pool(first, 'channels_first');
        expect(Array.from(tf.transpose(y, back).dataSync())).toEqual(
          Array.from(pool(last, 'channels_last').dataSync()),
        );
      });
    }
  });
});

describe('pooling gradients', () => {
  // tfjs 4.22's own AvgPool gradient with 'same' padding divides edge windows by the full window size; these checks
  // fail on it and pass on the layers' explicit padding (see internal/pool.ts).
  it("match central differences on cpu for every pool, 'same' average pools included", () => {
    const h = layerHarness();
    const check = (pool: (x: tf.Tensor) => tf.Tensor, shape: number[]) => {
      const x = distinct(shape);
      expectGradientsMatchDifferences(h, pool, x, closeTo, 0.01);
      x.dispose();
    };
    check((x) => maxPooling1d(x, 2, 2, { padding: 'same' }), [1, 5, 2]);
    check((x) => averagePooling1d(x, 3, 2, { padding: 'same' }), [1, 6, 2]);
    check((x) => maxPooling3d(x, 2, 1), [1, 3, 3, 3, 1]);
    check((x) => averagePooling3d(x, 2, 2, { padding: 'same' }), [1, 3, 3, 3, 2]);
    check((x) => maxPooling2d(x, 2, 2, { dataFormat: 'channels_first' }), [1, 2, 4, 4]);
    check((x) => averagePooling2d(x, 3, 2, { padding: 'same' }), [1, 5, 4, 1]);
    h.dispose();
  });
});

describe('pooling refuses bad input', () => {
  it('with one line naming the API', async () => {
    const x = tf.zeros([1, 4, 4, 2]);
    expect(() => maxPooling1d(x, 2, 2)).toThrow(
      /^maxPooling1d\(\): inputs must have rank 3 \(NWC\)\. Received shape \[1,4,4,2\]\.$/,
    );
    expect(() => maxPooling3d(x, 2, 2, { dataFormat: 'channels_first' })).toThrow(/rank 5 \(NCDHW\)/);
    expect(() => averagePooling3d(tf.zeros([1, 2, 2, 2, 1]), [2, 2] as never, 2)).toThrow(
      /poolSize must be an integer > 0 or 3 of them\. Received \[2,2\]/,
    );
    expect(() => maxPooling2d(x, 2, undefined as never)).toThrow(/strides is required/);
    expect(() => maxPooling2d(x, 2, 2, { pading: 'same' } as never)).toThrow(
      /unknown option "pading"\. Did you mean "padding"\?/,
    );
    const x3 = tf.squeeze(x, [0]);
    const x5 = tf.expandDims(x);
    await expectNoLeaks(() => {
      tf.dispose([averagePooling1d(x3, 2, 1), maxPooling3d(x5, 1, 1, { dataFormat: 'channels_first' })]);
    });
    tf.dispose([x3, x5]);
    x.dispose();
  });
});

describe('flatten()', () => {
  it("channels_first moves the channels last before flattening, as TF's Flatten does", () => {
    const nhwc = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [1, 2, 2, 2]);
    const nchw = tf.transpose(nhwc, [0, 3, 1, 2]);
    expect(Array.from(flatten(nchw, { dataFormat: 'channels_first' }).dataSync())).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(Array.from(flatten(nchw).dataSync())).toEqual([1, 3, 5, 7, 2, 4, 6, 8]);
    expect(flatten(tf.zeros([3, 4]), { dataFormat: 'channels_first' }).shape).toEqual([3, 4]);
    expect(() => flatten(nhwc, { data_format: 'channels_first' } as never)).toThrow(/Did you mean "dataFormat"\?/);
    tf.dispose([nhwc, nchw]);
  });
});
