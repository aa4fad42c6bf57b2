import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initializers } from '../initializers.js';
import { conv1d } from './conv1d.js';
import { conv2d } from './conv2d.js';
import { conv2dTranspose } from './conv2d-transpose.js';
import { conv3d } from './conv3d.js';
import {
  expectGradientsMatchDifferences,
  fixedTensor,
  type LayerHarness,
  layerHarness,
} from './layer-context.test-util.js';
import { type Arr, naiveConv, naiveConvTranspose, naiveDepthwise } from './naive-conv.test-util.js';
import { depthwiseConv2d, separableConv2d } from './separable-conv2d.js';

beforeAll(() => setupTestBackend('cpu'));

const arr = (t: tf.Tensor): Arr => ({ shape: [...t.shape], data: t.dataSync() as Float32Array });
const variable = (h: LayerHarness, name: string): Arr => {
  const v = h.store.variables.get(name);
  if (!v) throw new Error(`no variable ${name}; have ${[...h.store.variables.keys()]}`);
  return arr(v);
};
function expectArrClose(actual: tf.Tensor, expected: Arr): void {
  expect(actual.shape).toEqual(expected.shape);
  const a = actual.dataSync();
  for (let i = 0; i < a.length; i++) expect(a[i]).toBeCloseTo(expected.data[i]!, 4);
}
const closeTo = (analytic: number, numeric: number, what: string) =>
  expect(Math.abs(analytic - numeric), what).toBeLessThan(2e-3 * Math.max(1, Math.abs(numeric)));
const constant = (values: number[]) => (shape: readonly number[]) => tf.tensor(values, [...shape]);

describe('conv1d()', () => {
  it("computes TF's 1-D convolution by hand: kernel [1, 0, -1], bias 0.5, valid and same padding", () => {
    const h = layerHarness();
    const x = tf.tensor3d([1, 2, 3, 4, 5], [1, 5, 1]);
    const opts = { kernelInitializer: constant([1, 0, -1]), biasInitializer: initializers.constant(0.5) };
    const valid = h.call(() => conv1d(x, 1, 3, opts));
    expect(Array.from(valid.dataSync())).toEqual([-1.5, -1.5, -1.5]);
    // 'same' pads one zero each side: the last output is 4·1 + 5·0 + 0·(−1) + 0.5.
    const same = h.call(() => conv1d(x, 1, 3, { ...opts, padding: 'same', name: 'same' }));
    expect(Array.from(same.dataSync())).toEqual([-1.5, -1.5, -1.5, -1.5, 4.5]);
    expect([...h.store.variables.keys()]).toEqual(['conv1d/kernel', 'conv1d/bias', 'same/kernel', 'same/bias']);
    expect(h.store.variables.get('conv1d/kernel')!.shape).toEqual([3, 1, 1]);
    tf.dispose([x, valid, same]);
    h.dispose();
  });

  it('matches the loop reference for strides, dilation and padding, and names layers conv1d, conv1d_1', () => {
    const h = layerHarness();
    const x = fixedTensor([2, 9, 3]);
    const cases = [
      { strides: 1, dilationRate: 1, padding: 'valid' as const },
      { strides: 2, dilationRate: 1, padding: 'same' as const },
      { strides: 1, dilationRate: 2, padding: 'same' as const },
      { strides: 3, dilationRate: 1, padding: 'valid' as const },
    ];
    h.call(() => {
      cases.forEach((c, i) => {
        const y = conv1d(x, 4, 3, c);
        const name = i === 0 ? 'conv1d' : `conv1d_${i}`;
        const expected = naiveConv(arr(x), variable(h, `${name}/kernel`), {
          strides: [c.strides],
          dilation: [c.dilationRate],
          padding: c.padding,
        });
        expectArrClose(y, expected);
        y.dispose();
      });
    });
    expect(h.store.variables.get('conv1d_3/bias')!.shape).toEqual([4]);
    x.dispose();
    h.dispose();
  });

  it('gradients of the kernel, bias and inputs match central differences', () => {
    const h = layerHarness();
    const x = fixedTensor([1, 6, 2]);
    expectGradientsMatchDifferences(h, (input) => conv1d(input, 2, 3, { strides: 2, padding: 'same' }), x, closeTo);
    // tfjs' own Conv2D gradient refuses dilations > 1; the layer dilates the kernel itself so this trains.
    expectGradientsMatchDifferences(h, (input) => conv1d(input, 2, 2, { dilationRate: 2, name: 'dil' }), x, closeTo);
    x.dispose();
    h.dispose();
  });
});

describe('conv2d() with dilation', () => {
  it('matches the loop reference and trains: gradients match central differences (tfjs refuses them itself)', () => {
    const h = layerHarness();
    const x = fixedTensor([1, 6, 5, 2]);
    const y = h.call(() => conv2d(x, 2, [2, 3], { dilationRate: [2, 1], padding: 'same', name: 'dil' }));
    expectArrClose(
      y,
      naiveConv(arr(x), variable(h, 'dil/kernel'), { strides: [1, 1], dilation: [2, 1], padding: 'same' }),
    );
    y.dispose();
    expectGradientsMatchDifferences(h, (input) => conv2d(input, 2, 2, { dilationRate: 2, name: 'dil2' }), x, closeTo);
    expect(() => h.call(() => conv2d(x, 2, 2, { dilationRate: 2, strides: 2 }))).toThrow(/conv2d\(\)/);
    x.dispose();
    h.dispose();
  });
});

describe('conv2d() with channels_first', () => {
  it('is the NHWC convolution of the transposed input, transposed back, with the same [kh, kw, in, out] kernel', () => {
    const h = layerHarness();
    const nchw = fixedTensor([2, 3, 5, 4]);
    h.call(() => {
      const y = conv2d(nchw, 2, [3, 2], { dataFormat: 'channels_first', padding: 'same', name: 'c' });
      expect(y.shape).toEqual([2, 2, 5, 4]);
      expect(h.store.variables.get('c/kernel')!.shape).toEqual([3, 2, 3, 2]);
      const nhwc = tf.transpose(nchw, [0, 2, 3, 1]);
      const expected = naiveConv(arr(nhwc), variable(h, 'c/kernel'), {
        strides: [1, 1],
        dilation: [1, 1],
        padding: 'same',
      });
      expectArrClose(tf.transpose(y, [0, 2, 3, 1]), expected);
    });
    expectGradientsMatchDifferences(
      h,
      (input) => conv2d(input, 2, 2, { dataFormat: 'channels_first', name: 'g', strides: 2 }),
      tf.slice(nchw, [0, 0, 0, 0], [1, 3, 4, 4]),
      closeTo,
    );
    nchw.dispose();
    h.dispose();
  });
});

describe('conv3d()', () => {
  it('matches the loop reference and names conv3d/kernel [kd, kh, kw, in, filters]', () => {
    const h = layerHarness();
    const x = fixedTensor([1, 4, 5, 3, 2]);
    h.call(() => {
      for (const [i, c] of [
        { strides: 1, padding: 'valid' as const },
        { strides: [2, 1, 2] as [number, number, number], padding: 'same' as const },
      ].entries()) {
        const y = conv3d(x, 3, [2, 3, 2], c);
        const name = i === 0 ? 'conv3d' : 'conv3d_1';
        const s = typeof c.strides === 'number' ? [1, 1, 1] : c.strides;
        expectArrClose(
          y,
          naiveConv(arr(x), variable(h, `${name}/kernel`), { strides: s, dilation: [1, 1, 1], padding: c.padding }),
        );
      }
    });
    expect(h.store.variables.get('conv3d/kernel')!.shape).toEqual([2, 3, 2, 2, 3]);
    x.dispose();
    h.dispose();
  });

  it('gradients match central differences; channels_first works', () => {
    const h = layerHarness();
    const x = fixedTensor([1, 3, 3, 3, 2]);
    expectGradientsMatchDifferences(h, (input) => conv3d(input, 2, 2, { padding: 'same' }), x, closeTo);
    const dilated = h.call(() => conv3d(x, 2, 2, { dilationRate: [1, 2, 1], name: 'dil' }));
    expectArrClose(
      dilated,
      naiveConv(arr(x), variable(h, 'dil/kernel'), { strides: [1, 1, 1], dilation: [1, 2, 1], padding: 'valid' }),
    );
    dilated.dispose();
    expectGradientsMatchDifferences(
      h,
      (input) => conv3d(input, 1, 2, { dilationRate: 2, padding: 'same', name: 'dil2' }),
      x,
      closeTo,
    );
    const ncdhw = tf.transpose(x, [0, 4, 1, 2, 3]);
    const first = h.call(() => conv3d(ncdhw, 2, 2, { padding: 'same', dataFormat: 'channels_first' }));
    const last = h.call(() => conv3d(x, 2, 2, { padding: 'same' }));
    expectArrClose(tf.transpose(first, [0, 2, 3, 4, 1]), arr(last));
    tf.dispose([x, ncdhw, first, last]);
    h.dispose();
  });
});

describe('conv2dTranspose()', () => {
  it("has TF's output sizes and kernel layout [kh, kw, filters, in], and matches the scatter reference", () => {
    const h = layerHarness();
    const x = fixedTensor([2, 3, 4, 3]);
    h.call(() => {
      const cases: [number, number, 'valid' | 'same', number[]][] = [
        [3, 2, 'same', [6, 8]], // in · s
        [3, 2, 'valid', [7, 9]], // in · s + max(k − s, 0)
        [1, 2, 'valid', [6, 8]], // k < s: in · s
        [2, 1, 'valid', [4, 5]],
      ];
      for (const [i, [k, s, padding, hw]] of cases.entries()) {
        const y = conv2dTranspose(x, 2, k, { strides: s, padding });
        expect(y.shape).toEqual([2, ...hw, 2]);
        const name = i === 0 ? 'conv2d_transpose' : `conv2d_transpose_${i}`;
        expect(h.store.variables.get(`${name}/kernel`)!.shape).toEqual([k, k, 2, 3]);
        expectArrClose(y, naiveConvTranspose(arr(x), variable(h, `${name}/kernel`), [s, s], padding));
      }
    });
    x.dispose();
    h.dispose();
  });

  it('is the gradient of conv2d with respect to its input (a 1-channel hand example) and trains', () => {
    const h = layerHarness();
    // One pixel of value 2 through a 2×2 kernel [[1, 2], [3, 4]] with stride 2 paints the kernel times 2.
    const y = h.call(() =>
      conv2dTranspose(tf.tensor4d([2], [1, 1, 1, 1]), 1, 2, {
        name: 'hand',
        strides: 2,
        useBias: false,
        kernelInitializer: constant([1, 2, 3, 4]),
      }),
    );
    expect(Array.from(y.dataSync())).toEqual([2, 4, 6, 8]);
    y.dispose();
    const x = fixedTensor([1, 2, 3, 2]);
    expectGradientsMatchDifferences(
      h,
      (input) => conv2dTranspose(input, 2, 3, { strides: 2, padding: 'same' }),
      x,
      closeTo,
    );
    x.dispose();
    h.dispose();
  });
});

describe('separableConv2d() and depthwiseConv2d()', () => {
  it('separableConv2d is the depthwise then the pointwise convolution, with TF variable names', () => {
    const h = layerHarness();
    const x = fixedTensor([2, 5, 6, 3]);
    h.call(() => {
      const y = separableConv2d(x, 4, 3, { depthMultiplier: 2, padding: 'same', strides: 2 });
      expect([...h.store.variables.keys()]).toEqual([
        'separable_conv2d/depthwise_kernel',
        'separable_conv2d/pointwise_kernel',
        'separable_conv2d/bias',
      ]);
      expect(h.store.variables.get('separable_conv2d/pointwise_kernel')!.shape).toEqual([1, 1, 6, 4]);
      const g = { strides: [2, 2], dilation: [1, 1], padding: 'same' as const };
      const dw = naiveDepthwise(arr(x), variable(h, 'separable_conv2d/depthwise_kernel'), g);
      const pw = naiveConv(dw, variable(h, 'separable_conv2d/pointwise_kernel'), {
        strides: [1, 1],
        dilation: [1, 1],
        padding: 'valid',
      });
      expectArrClose(y, pw);
    });
    x.dispose();
    h.dispose();
  });

  it('depthwiseConv2d matches the reference with dilation; gradients match central differences', () => {
    const h = layerHarness();
    const x = fixedTensor([1, 6, 6, 2]);
    h.call(() => {
      const y = depthwiseConv2d(x, 2, { depthMultiplier: 3, dilationRate: 2 });
      expect(h.store.variables.get('depthwise_conv2d/depthwise_kernel')!.shape).toEqual([2, 2, 2, 3]);
      expect(h.store.variables.get('depthwise_conv2d/bias')!.shape).toEqual([6]);
      expectArrClose(
        y,
        naiveDepthwise(arr(x), variable(h, 'depthwise_conv2d/depthwise_kernel'), {
          strides: [1, 1],
          dilation: [2, 2],
          padding: 'valid',
        }),
      );
    });
    const small = tf.slice(x, [0, 0, 0, 0], [1, 4, 4, 2]);
    expectGradientsMatchDifferences(
      h,
      (input) => depthwiseConv2d(input, 2, { name: 'd', depthMultiplier: 2, dilationRate: 2, padding: 'same' }),
      small,
      closeTo,
    );
    expectGradientsMatchDifferences(
      h,
      (input) => separableConv2d(input, 2, 2, { name: 's', padding: 'same', dilationRate: [2, 1] }),
      small,
      closeTo,
    );
    tf.dispose([x, small]);
    h.dispose();
  });
});

describe('convolution layers refuse bad input with one line', () => {
  it('names the API, what was received and what was expected', () => {
    const h = layerHarness();
    const x3 = tf.zeros([1, 4, 2]);
    const x4 = tf.zeros([1, 4, 4, 2]);
    h.call(() => {
      expect(() => conv1d(x4, 2, 3)).toThrow(
        /^conv1d\(\): inputs must have rank 3 \(NWC\)\. Received shape \[1,4,4,2\]\.$/,
      );
      expect(() => conv3d(x4, 2, 3, { dataFormat: 'channels_first' })).toThrow(/rank 5 \(NCDHW\)/);
      expect(() => conv1d(x3, 2, 3, { padding: 'full' as never })).toThrow(
        /padding must be 'valid' or 'same'\. Received "full"/,
      );
      expect(() => conv1d(x3, 2, 3, { data_format: 'channels_last' } as never)).toThrow(
        /^conv1d\(\): unknown option "data_format"\. Did you mean "dataFormat"\?/,
      );
      expect(() => conv1d(x3, 2, 3, { dataFormat: 'NCW' as never })).toThrow(
        /dataFormat must be 'channels_last' or 'channels_first'\. Received "NCW"/,
      );
      expect(() => conv1d(x3, 0, 3)).toThrow(/filters must be an integer > 0\. Received 0/);
      expect(() => conv1d(x3, 2, [3, 3] as never)).toThrow(
        /kernelSize must be an integer > 0 or 1 of them\. Received \[3,3\]/,
      );
      expect(() => separableConv2d(x4, 2, 3, { strides: 2, dilationRate: 2 })).toThrow(
        /strides > 1 and dilationRate > 1 cannot be combined/,
      );
      expect(() => conv2dTranspose(x4, 1, 2, { dilationRate: 2 } as never)).toThrow(
        /conv2dTranspose\(\): dilationRate is not supported/,
      );
      expect(() => conv2d(x4, 2, 3, { kernel_size: 3 } as never)).toThrow(/conv2d\(\): unknown option "kernel_size"/);
    });
    tf.dispose([x3, x4]);
    h.dispose();
  });

  it('after the first call creates the variables, a call inside tidy (as the Estimator runs it) leaks nothing', async () => {
    const h = layerHarness();
    const x = fixedTensor([1, 4, 4, 2]);
    const layers = () => [
      separableConv2d(x, 2, 3),
      conv2dTranspose(x, 2, 3),
      conv2d(x, 2, 3, { dataFormat: 'channels_first' }),
      conv1d(tf.squeeze(x, [0]), 2, 3, { dataFormat: 'channels_first' }),
    ];
    tf.tidy(() => void h.call(layers));
    await expectNoLeaks(() => tf.tidy(() => void h.call(layers)));
    x.dispose();
    h.dispose();
  });
});
