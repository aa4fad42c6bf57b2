import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { describeWasmVsCpu, seeded } from './kernel-parity.test-util.js';

/** The wasm module's memory size and the number of buffers the backend holds. */
function wasmMemory(): { heapBytes: number; buffers: number } {
  const backend = tf.backend() as unknown as {
    wasm: { HEAPU8: Uint8Array };
    dataIdMap: { numDataIds(): number };
  };
  return { heapBytes: backend.wasm.HEAPU8.buffer.byteLength, buffers: backend.dataIdMap.numDataIds() };
}

describeWasmVsCpu('wasm training kernels over 1,000 steps', () => {
  it('a small CNN through every kernel of this package grows neither the wasm heap nor its buffers', async () => {
    // conv 1→8 channels with a bias (our wasm-SIMD forward, filter gradient and bias sum) and conv 8→4 stride 2
    // (filter and input gradients), max-pool gradient over 8 channels (wasm SIMD), relu (same-dtype Cast), dense
    // with transposed matmuls, Adam.
    const v = {
      c1: tf.variable(tf.tensor4d(seeded([3, 3, 1, 8], 1), [3, 3, 1, 8])),
      b1: tf.variable(tf.tensor1d(seeded([8], 5))),
      c2: tf.variable(tf.tensor4d(seeded([3, 3, 8, 4], 2), [3, 3, 8, 4])),
      d: tf.variable(tf.tensor2d(seeded([16, 3], 3), [16, 3])),
    };
    const x = tf.tensor4d(seeded([4, 8, 8, 1], 4), [4, 8, 8, 1]);
    const y = tf.oneHot(tf.tensor1d([0, 2, 1, 2], 'int32'), 3);
    const optimizer = tf.train.adam(1e-3);
    const step = () =>
      optimizer.minimize(() => {
        let h = tf.relu(tf.add(tf.conv2d(x, v.c1, 1, 'same'), v.b1)) as tf.Tensor4D;
        h = tf.maxPool(h, 2, 2, 'valid');
        h = tf.relu(tf.conv2d(h, v.c2, 2, 'same'));
        const logits = tf.matMul(tf.reshape(h, [4, 16]), v.d);
        return tf.losses.softmaxCrossEntropy(y, logits) as tf.Scalar;
      }, true) as tf.Scalar;
    for (let i = 0; i < 10; i++) step().dispose();
    const tensors = tf.memory().numTensors;
    const before = wasmMemory();
    let last = 0;
    for (let i = 0; i < 1000; i++) {
      const loss = step();
      if (i === 999) last = (await loss.data())[0] as number;
      loss.dispose();
    }
    expect(Number.isFinite(last)).toBe(true);
    expect(tf.memory().numTensors).toBe(tensors);
    expect(wasmMemory()).toEqual(before);
    optimizer.dispose();
    tf.dispose([x, y, ...Object.values(v)]);
  });
});
