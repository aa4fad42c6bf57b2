import { describeWithTool, expectNoLeaks } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { loadAddon } from './internal/addon.js';
import type { NativeHostBackend } from './internal/heap.js';
import { NativeBackendError } from './native-backend-error.js';
import { oneDnnAddon, runKernel, seeded, useNative } from './native-kernels.test-util.js';
import { registerNativeBackend } from './register-native-backend.js';

/** One step of a small CNN's kernels (forward, both convolution gradients, a dense layer and its gradients). */
function step(x: tf.Tensor4D, w: tf.Tensor4D, dense: tf.Tensor2D, bias: tf.Tensor1D): void {
  tf.tidy(() => {
    const y = tf.fused.conv2d({ x, filter: w, strides: 1, pad: 'same', bias: tf.zeros([4]), activation: 'relu' });
    const flat = tf.reshape(y, [2, -1]);
    const logits = tf.fused.matMul({ a: flat, b: dense, bias, activation: 'relu' });
    const dLogits = tf.onesLike(logits);
    tf.matMul(flat, dLogits, true, false); // dW
    const dFlat = tf.matMul(dLogits, dense, false, true); // dx
    const dy = tf.reshape(dFlat, y.shape) as tf.Tensor4D;
    tf.conv2dTranspose(dy, w, x.shape, 1, 'same'); // Conv2DBackpropInput
    tf.engine().runKernel(
      'Conv2DBackpropFilter',
      { x, dy },
      { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: w.shape },
    );
  });
}

describeWithTool({ describe, it }, oneDnnAddon, 'the native backend over 1,000 steps', () => {
  it('leaks no tensor, grows no wasm memory and caches no primitive per step (1 and 2 threads)', async () => {
    for (const threads of [1, 2]) {
      await useNative(threads);
      const backend = tf.backend() as unknown as NativeHostBackend;
      const x = tf.tensor4d(seeded(2 * 8 * 8 * 1, 1), [2, 8, 8, 1]);
      const w = tf.tensor4d(seeded(5 * 5 * 1 * 4, 2), [5, 5, 1, 4]);
      const dense = tf.tensor2d(seeded(256 * 10, 3), [256, 10]);
      const bias = tf.tensor1d(seeded(10, 4));
      step(x, w, dense, bias);
      const heap = backend.wasm.HEAPU8.buffer.byteLength;
      const primitives = loadAddon().cachedPrimitives();
      await expectNoLeaks(() => {
        for (let i = 0; i < 1000; i++) step(x, w, dense, bias);
      });
      expect(backend.wasm.HEAPU8.buffer.byteLength).toBe(heap);
      expect(loadAddon().cachedPrimitives()).toBe(primitives);
      tf.dispose([x, w, dense, bias]);
    }
  }, 120_000);

  it('gives the same results (within float rounding) at 1 and 2 threads', async () => {
    const inputs = {
      x: [[4, 14, 14, 20], seeded(4 * 14 * 14 * 20, 5)],
      dy: [[4, 14, 14, 40], seeded(4 * 14 * 14 * 40, 6)],
    };
    const attrs = { strides: 1, pad: 'same', dataFormat: 'NHWC', filterShape: [5, 5, 20, 40] };
    await useNative(1);
    const one = await runKernel('Conv2DBackpropFilter', inputs as never, attrs);
    await useNative(2);
    const two = await runKernel('Conv2DBackpropFilter', inputs as never, attrs);
    for (let i = 0; i < one.values.length; i++) {
      expect(Math.abs((one.values[i] as number) - (two.values[i] as number))).toBeLessThanOrEqual(
        1e-5 * Math.max(1, Math.abs(one.values[i] as number)),
      );
    }
  });
});

describe('registerNativeBackend() options', () => {
  it('refuses a thread count that is not a whole number >= 1, in one line', async () => {
    const error = await registerNativeBackend({ threads: 0 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NativeBackendError);
    expect((error as NativeBackendError).code).toBe('INVALID_OPTIONS');
    expect((error as Error).message).toBe(
      "registerNativeBackend(): threads must be 'auto' or a whole number >= 1. Received threads=0.",
    );
  });
});
