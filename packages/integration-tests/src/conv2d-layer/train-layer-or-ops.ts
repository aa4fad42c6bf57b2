/**
 * The example's convolution stack trained through a real Estimator twice: once with `layers.conv2d` (which, in a
 * training step, runs as one custom-gradient op: packages/estimator/src/layers/internal/conv2d-op.ts) and once with
 * the same math written as tfjs' own ops (Conv2D, Add, Relu, differentiated by tfjs' registered gradients) over
 * variables of the same names. The tests demand bit-identical checkpoints on the backends that train the CNN.
 */
import { type BackendName, useBackend } from '@estimatorjs/backends';
import {
  AdamOptimizer,
  Estimator,
  getVariable,
  initializers,
  latestCheckpoint,
  layers,
  listVariables,
  loadVariable,
  MemoryStorage,
  type ModelFn,
  RunConfig,
  variableScope,
} from '@estimatorjs/estimator';
import { expectNoLeaks } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';

/** conv(5×5, relu) → pool → conv(5×5, stride 2 in the second, relu) → dense, as the layer or as tfjs' ops. */
function modelFnFor(asLayer: boolean): ModelFn {
  const conv = (x: tf.Tensor4D, filters: number, strides: number, name: string): tf.Tensor4D => {
    if (asLayer) return layers.conv2d(x, filters, 5, { strides, padding: 'same', activation: 'relu', name });
    return variableScope(name, () => {
      const kernel = getVariable('kernel', { shape: [5, 5, x.shape[3]!, filters] });
      const bias = getVariable('bias', { shape: [filters], initializer: initializers.zeros() });
      return tf.relu(tf.add(tf.conv2d(x, kernel as tf.Tensor4D, strides, 'same'), bias)) as tf.Tensor4D;
    });
  };
  return (features, labels, mode) => {
    const c1 = conv(features as tf.Tensor4D, 6, 1, 'conv1');
    const c2 = conv(layers.maxPooling2d(c1, 2, 2), 8, 2, 'conv2');
    const logits = layers.dense(layers.flatten(c2), 10, { name: 'logits' });
    const loss = tf.losses.softmaxCrossEntropy(tf.oneHot(labels as tf.Tensor1D, 10), logits) as tf.Scalar;
    if (mode === 'eval') return { mode, loss };
    return { mode: 'train', loss, trainOp: new AdamOptimizer({ learningRate: 0.01 }).minimize(loss) };
  };
}

const input = async function* () {
  for (let s = 0; ; s++) {
    const x = Array.from({ length: 8 * 12 * 12 }, (_, k) => Math.sin((k + 1) * 0.37 + s));
    const y = Array.from({ length: 8 }, (_, k) => (k * 7 + s) % 10);
    yield [tf.tensor4d(x, [8, 12, 12, 1]), tf.tensor1d(y, 'int32')] as const;
  }
};

/** Trains 4 steps, resumes for 3 more; returns every checkpointed variable. No tensor may leak. */
export async function trainConvStack(
  backend: BackendName,
  threads: number,
  asLayer: boolean,
): Promise<Map<string, Float32Array>> {
  await useBackend(backend, { threads });
  const storage = new MemoryStorage(`conv-${backend}-${threads}-${asLayer}`);
  const run = async (steps: number) => {
    const est = new Estimator({
      modelFn: modelFnFor(asLayer),
      config: new RunConfig({ modelDir: 'm', storage, randomSeed: 5, saveInputState: false }),
      log: () => {},
    });
    await est.train(input, { steps });
    est.dispose();
  };
  await expectNoLeaks(() => run(4));
  await run(3);
  const prefix = (await latestCheckpoint(storage))!;
  const variables = new Map<string, Float32Array>();
  for (const [name] of await listVariables(storage, prefix)) {
    const t = await loadVariable(storage, prefix, name);
    variables.set(name, Float32Array.from(t.dataSync()));
    t.dispose();
  }
  return variables;
}
