import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { useBackend } from '../use-backend.js';
import { describeWasmVsCpu, expectStepsLeakNothing, onCpuAndWasm, seeded } from './kernel-parity.test-util.js';

describeWasmVsCpu('wasm Identity and Cast (shared buffers, bool casts)', () => {
  it('return the input values, which outlive the input', async () => {
    await useBackend('wasm');
    const x = tf.tensor2d(seeded([3, 4], 1), [3, 4]);
    const expected = Array.from(x.dataSync());
    const copy = tf.clone(x);
    const cast = tf.cast(x, 'float32');
    x.dispose();
    expect(Array.from(await copy.data())).toEqual(expected);
    expect(Array.from(await cast.data())).toEqual(expected);
    copy.dispose();
    expect(Array.from(await cast.data())).toEqual(expected);
    cast.dispose();
  });

  it('real casts convert as on cpu, bool included (x != 0)', async () => {
    const { cpu, wasm } = await onCpuAndWasm(async () => {
      const x = tf.tensor1d([-1.7, -0.2, 0, 0.6, 2.5, 256, Number.NaN]);
      const asInt = tf.cast(x, 'int32');
      const asBool = tf.cast(x, 'bool');
      const back = tf.cast(asInt, 'float32');
      const out = [
        asInt.dtype,
        ...(await asInt.data()),
        asBool.dtype,
        ...(await asBool.data()),
        ...(await back.data()),
      ];
      tf.dispose([x, asInt, asBool, back]);
      return out;
    });
    expect(wasm).toEqual(cpu);
  });

  it('a variable assigned from a clone keeps its value when the clone is disposed', async () => {
    await useBackend('wasm');
    const v = tf.variable(tf.zeros([4]));
    const src = tf.tensor1d([1, 2, 3, 4]);
    const c = tf.clone(src);
    v.assign(c);
    tf.dispose([src, c]);
    expect(Array.from(await v.data())).toEqual([1, 2, 3, 4]);
    v.dispose();
  });

  it('leaks no tensors and no wasm memory', async () => {
    await useBackend('wasm');
    const x = tf.tensor3d(seeded([2, 5, 6], 3), [2, 5, 6]);
    expectStepsLeakNothing(() => {
      tf.dispose([tf.clone(x), tf.cast(x, 'float32'), tf.cast(x, 'int32')]);
      // relu's gradient casts step(x) to float32: the path of every conv and dense layer
      tf.grad((a: tf.Tensor) => tf.sum(tf.relu(a)))(x).dispose();
    });
    x.dispose();
  });
});
