import { describeWithTool } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectClose, onCpuAndNative, oneDnnAddon, runKernel, seeded, useNative } from './native-kernels.test-util.js';

type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];
interface ConvCase {
  title: string;
  x: [number, number, number, number];
  filter: [number, number, number, number];
  strides: number | [number, number];
  pad: Pad;
  dilations?: number;
}

// The reference CNN's two layers (1 and 20 input channels, 5×5, same), strides, valid and explicit padding,
// dilation and a non-square filter.
const cases: ConvCase[] = [
  { title: 'first layer: 1 channel, 5×5, same', x: [2, 12, 12, 1], filter: [5, 5, 1, 4], strides: 1, pad: 'same' },
  { title: '5 → 8 channels, 5×5, same', x: [2, 7, 7, 5], filter: [5, 5, 5, 8], strides: 1, pad: 'same' },
  { title: 'stride 2, valid, 3×2 filter', x: [3, 9, 8, 3], filter: [3, 2, 3, 5], strides: [2, 2], pad: 'valid' },
  {
    title: 'explicit padding, stride (1, 2)',
    x: [1, 6, 7, 2],
    filter: [3, 3, 2, 3],
    strides: [1, 2],
    pad: [
      [0, 0],
      [1, 2],
      [0, 1],
      [0, 0],
    ],
  },
];

const size = (shape: number[]) => shape.reduce((p, d) => p * d, 1);
const convAttrs = (c: ConvCase) => ({
  strides: c.strides,
  pad: c.pad,
  dataFormat: 'NHWC',
  dilations: c.dilations ?? 1,
});

/** The output shape of a case, from tfjs's own shape arithmetic. */
function outShape(c: ConvCase): number[] {
  return tf.backend_util.computeConv2DInfo(c.x, c.filter, c.strides, c.dilations ?? 1, c.pad as never).outShape;
}

for (const threads of [1, 2]) {
  describeWithTool(
    { describe, it },
    oneDnnAddon,
    `native 2-D convolutions and their gradients (${threads} threads)`,
    () => {
      const all = [
        ...cases,
        {
          title: 'dilation 2',
          x: [1, 9, 9, 2],
          filter: [3, 3, 2, 3],
          strides: 1,
          pad: 'same',
          dilations: 2,
        } as ConvCase,
      ];
      for (const c of all) {
        it(`Conv2D ${c.title} matches tfjs-backend-cpu`, async () => {
          const inputs = { x: [c.x, seeded(size(c.x), 1)], filter: [c.filter, seeded(size(c.filter), 2)] };
          const { cpu, native } = await onCpuAndNative(threads, 'Conv2D', inputs as never, convAttrs(c));
          expect(native.shape).toEqual(cpu.shape);
          expectClose(native.values, cpu.values, 1e-5);
        });
      }

      it('FusedConv2D with bias and relu matches tfjs-backend-cpu', async () => {
        const c = cases[1] as ConvCase;
        const inputs = {
          x: [c.x, seeded(size(c.x), 3)],
          filter: [c.filter, seeded(size(c.filter), 4)],
          bias: [[c.filter[3]], seeded(c.filter[3], 5)],
        };
        const attrs = { ...convAttrs(c), activation: 'relu' };
        const { cpu, native } = await onCpuAndNative(threads, 'FusedConv2D', inputs as never, attrs);
        expectClose(native.values, cpu.values, 1e-5);
        expect(Math.min(...native.values)).toBe(0);
      });

      for (const c of cases) {
        const dyShape = outShape(c);
        it(`Conv2DBackpropInput ${c.title} matches tfjs-backend-cpu`, async () => {
          const inputs = { dy: [dyShape, seeded(size(dyShape), 6)], filter: [c.filter, seeded(size(c.filter), 7)] };
          const attrs = { ...convAttrs(c), inputShape: c.x };
          const { cpu, native } = await onCpuAndNative(threads, 'Conv2DBackpropInput', inputs as never, attrs);
          expect(native.shape).toEqual(c.x);
          expectClose(native.values, cpu.values, 1e-5);
        });
        it(`Conv2DBackpropFilter ${c.title} matches tfjs-backend-cpu`, async () => {
          const inputs = { x: [c.x, seeded(size(c.x), 8)], dy: [dyShape, seeded(size(dyShape), 9)] };
          const attrs = { ...convAttrs(c), filterShape: c.filter };
          const { cpu, native } = await onCpuAndNative(threads, 'Conv2DBackpropFilter', inputs as never, attrs);
          expect(native.shape).toEqual(c.filter);
          expectClose(native.values, cpu.values, 1e-4);
        });
      }

      // Central differences of L = Σ conv(x, w) ⊙ dy on the native forward kernel: dL/dx and dL/dw are what the two
      // backprop kernels must return. L is linear in each input, so the estimate is exact up to float32 rounding.
      it('the backprop kernels match central differences of the native forward convolution', async () => {
        const c = cases[2] as ConvCase;
        const dyShape = outShape(c);
        const x = seeded(size(c.x), 10);
        const w = seeded(size(c.filter), 11);
        const dy = seeded(size(dyShape), 12);
        await useNative(threads);
        const loss = async (xv: Float32Array, wv: Float32Array) => {
          const y = (await runKernel('Conv2D', { x: [c.x, xv], filter: [c.filter, wv] }, convAttrs(c))).values;
          let s = 0;
          for (let i = 0; i < y.length; i++) s += (y[i] as number) * (dy[i] as number);
          return s;
        };
        const dx = (
          await runKernel(
            'Conv2DBackpropInput',
            { dy: [dyShape, dy], filter: [c.filter, w] },
            { ...convAttrs(c), inputShape: c.x },
          )
        ).values;
        const dw = (
          await runKernel(
            'Conv2DBackpropFilter',
            { x: [c.x, x], dy: [dyShape, dy] },
            { ...convAttrs(c), filterShape: c.filter },
          )
        ).values;
        const eps = 0.05;
        for (const [values, grad, which] of [
          [x, dx, 'x'],
          [w, dw, 'w'],
        ] as const) {
          for (let k = 0; k < 12; k++) {
            const i = (k * 7919) % values.length;
            const plus = Float32Array.from(values);
            const minus = Float32Array.from(values);
            plus[i] = (values[i] as number) + eps;
            minus[i] = (values[i] as number) - eps;
            const numeric =
              which === 'x'
                ? ((await loss(plus, w)) - (await loss(minus, w))) / (2 * eps)
                : ((await loss(x, plus)) - (await loss(x, minus))) / (2 * eps);
            expect(Math.abs((grad[i] as number) - numeric)).toBeLessThan(1e-3 + 1e-3 * Math.abs(numeric));
          }
        }
      });
    },
  );
}
