import { useBackend } from '@estimatorjs/backends';
import {
  Estimator,
  GradientDescentOptimizer,
  initializers,
  latestCheckpoint,
  layers,
  listVariables,
  loadVariable,
  MemoryStorage,
  type ModelFn,
  RunConfig,
} from '@estimatorjs/estimator';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

/**
 * Every TF 1.x layer issue 18 added, trained through the real Estimator on cpu and on wasm (with the training kernels
 * @estimatorjs/backends registers): the gradient kernels each needs exist on both, and the weights agree after a
 * few steps. The cpu run is the reference; the layers' own tests check cpu against central differences.
 */
const modelFn: ModelFn = (features, labels, mode) => {
  const x = features as tf.Tensor4D; // [4, 6, 6, 2]
  const seq = tf.reshape(x, [4, 12, 6]);
  const a = layers.maxPooling1d(layers.conv1d(seq, 3, 3, { padding: 'same', activation: 'relu' }), 2, 2);
  const b = layers.averagePooling1d(a, 3, 2, { padding: 'same' });
  const vol = tf.reshape(x, [4, 3, 4, 6, 1]);
  // conv3d and maxPooling3d refuse to train on wasm (see the second test); avgPool3d's kernels are right there.
  const d = layers.averagePooling3d(vol, 2, 2, { padding: 'same' });
  const e = layers.conv2dTranspose(x, 2, 3, { strides: 2, padding: 'same', activation: 'tanh' });
  const f = layers.separableConv2d(e, 3, 3, { depthMultiplier: 2, strides: 2 });
  const g = layers.depthwiseConv2d(x, 2, { dilationRate: 2, padding: 'same' });
  const nchw = tf.transpose(x, [0, 3, 1, 2]);
  const h = layers.conv2d(nchw, 2, 3, { dataFormat: 'channels_first', kernelInitializer: initializers.heNormal() });
  const i = layers.batchNormalization(
    layers.averagePooling2d(h, 2, 2, { dataFormat: 'channels_first', padding: 'same' }),
    {
      axis: 1,
    },
  );
  const parts = [b, d, f, g, i].map((t) => tf.reshape(t, [4, -1]));
  const out = layers.dense(tf.concat(parts, 1), 1, { kernelInitializer: initializers.lecunNormal() });
  const loss = tf.mean(tf.square(tf.sub(out, labels as tf.Tensor))) as tf.Scalar;
  if (mode === 'eval') return { mode, loss };
  return { mode: 'train', loss, trainOp: new GradientDescentOptimizer({ learningRate: 0.05 }).minimize(loss) };
};

async function trainOn(backend: 'cpu' | 'wasm'): Promise<Map<string, Float32Array>> {
  await useBackend(backend, backend === 'wasm' ? { threads: 1 } : {});
  const storage = new MemoryStorage(`layers-${backend}`);
  const est = new Estimator({
    modelFn,
    config: new RunConfig({ modelDir: 'm', storage, randomSeed: 18, saveInputState: false }),
    log: () => {},
  });
  const xs = Array.from({ length: 4 * 6 * 6 * 2 }, (_, k) => Math.sin(k * 0.37));
  const ys = [0.5, -0.25, 1, 0];
  const input = async function* () {
    for (let s = 0; s < 4; s++) yield [tf.tensor4d(xs, [4, 6, 6, 2]), tf.tensor2d(ys, [4, 1])] as const;
  };
  await est.train(input, { steps: 4 });
  const prefix = (await latestCheckpoint(storage))!;
  const out = new Map<string, Float32Array>();
  for (const [name] of await listVariables(storage, prefix)) {
    const t = await loadVariable(storage, prefix, name);
    out.set(name, t.dataSync() as Float32Array);
    t.dispose();
  }
  est.dispose();
  return out;
}

describe('issue 18 layers train on wasm as on cpu', () => {
  it('conv1d, conv2dTranspose, separable/depthwise (dilated), 1-D/3-D and same-average pools, channels_first', async () => {
    const cpu = await trainOn('cpu');
    const wasm = await trainOn('wasm');
    await useBackend('cpu');
    expect([...wasm.keys()]).toEqual([...cpu.keys()]);
    expect([...cpu.keys()]).toEqual(
      expect.arrayContaining([
        'conv1d/kernel',
        'conv2d_transpose/kernel',
        'separable_conv2d/depthwise_kernel',
        'separable_conv2d/pointwise_kernel',
        'depthwise_conv2d/depthwise_kernel',
        'conv2d/kernel',
        'batch_normalization/moving_mean',
      ]),
    );
    for (const [name, ref] of cpu) {
      const got = wasm.get(name)!;
      for (let k = 0; k < ref.length; k++) {
        expect(Math.abs(got[k]! - ref[k]!), `${name}[${k}]`).toBeLessThan(1e-4 * Math.max(1, Math.abs(ref[k]!)));
      }
    }
  });
});

describe('3-D layers whose wasm kernels are wrong refuse to train there', () => {
  it('maxPooling3d and a training conv3d fail with one line naming the kernel; both run on cpu', async () => {
    const model: ModelFn = (features, labels, mode) => {
      const v = tf.reshape(features as tf.Tensor, [2, 3, 4, 6, 1]);
      const y = layers.dense(tf.reshape(layers.maxPooling3d(layers.conv3d(v, 2, 2), 2, 1), [2, -1]), 1);
      const loss = tf.mean(tf.square(tf.sub(y, labels as tf.Tensor))) as tf.Scalar;
      if (mode === 'eval') return { mode, loss };
      return { mode: 'train', loss, trainOp: new GradientDescentOptimizer({ learningRate: 0.01 }).minimize(loss) };
    };
    const input = async function* () {
      yield [tf.ones([2, 72]), tf.ones([2, 1])] as const;
    };
    const train = async (backend: 'cpu' | 'wasm') => {
      await useBackend(backend, backend === 'wasm' ? { threads: 1 } : {});
      const est = new Estimator({
        modelFn: model,
        config: new RunConfig({ storage: new MemoryStorage(backend) }),
        log: () => {},
      });
      try {
        await est.train(input, { steps: 1 });
      } finally {
        est.dispose();
      }
    };
    await expect(train('wasm')).rejects.toThrow(
      /^conv3d\(\): the wasm backend's Conv3DBackpropInputV2 kernel \(tfjs-backend-wasm 4\.22\) gives wrong gradients/,
    );
    await expect(train('cpu')).resolves.toBeUndefined();
    await useBackend('wasm', { threads: 1 });
    expect(() => layers.maxPooling3d(tf.zeros([1, 2, 2, 2, 1]), 2, 2)).toThrow(
      /MaxPool3D kernel .* gives wrong results/,
    );
    await useBackend('cpu');
  });
});
