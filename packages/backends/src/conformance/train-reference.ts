import * as tf from '@tensorflow/tfjs-core';
import { checkOptionKeys, KNOWN_OPTIONS } from '../internal/known-options.js';

/**
 * Which reference model {@link trainReference} trains: a small CNN (conv 3x3x4 relu → maxpool → conv 3x3x8 relu →
 * maxpool → dense 10, on 8x8x1 inputs) or an MLP 64-32-10 with batch normalisation.
 */
export type ReferenceModel = 'cnn' | 'mlp';

/** Options of {@link trainReference}. */
export interface TrainReferenceOptions {
  readonly model: ReferenceModel;
  /** Default 20. */
  readonly steps?: number;
  /** Seed of the weights and data (generated in JavaScript, so identical on every backend). Default 1. */
  readonly seed?: number;
  /** Default 'momentum'. */
  readonly optimizer?: 'sgd' | 'momentum' | 'adam' | 'rmsprop';
  /** Default 8. */
  readonly batch?: number;
}

/** What {@link trainReference} returns: the loss after each step and every final weight by name. */
export interface ReferenceRun {
  readonly backend: string;
  readonly losses: number[];
  readonly weights: Record<string, Float32Array>;
}

function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

function filled(shape: number[], next: () => number, scale: number): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = (next() * 2 - 1) * scale;
  return tf.tensor(values, shape);
}

function makeOptimizer(name: NonNullable<TrainReferenceOptions['optimizer']>): tf.Optimizer {
  switch (name) {
    case 'sgd':
      return tf.train.sgd(0.05);
    case 'momentum':
      return tf.train.momentum(0.05, 0.9);
    case 'adam':
      return tf.train.adam(0.01);
    case 'rmsprop':
      return tf.train.rmsprop(0.01);
  }
}

/**
 * Trains a small reference model on the active backend from a fixed seed and reports the loss per step and the
 * final weights; run it on two backends and compare with `compareRuns()`. Weights and data come from a
 * JavaScript PRNG, so every backend starts from identical numbers. Leaves no tensors behind.
 *
 * @example
 * ```ts
 * import { useBackend } from '@estimatorjs/backends';
 * import { compareRuns, trainReference } from '@estimatorjs/backends/conformance';
 * await useBackend('cpu');
 * const cpu = await trainReference({ model: 'cnn' });
 * await useBackend('wasm');
 * compareRuns(cpu, await trainReference({ model: 'cnn' }));
 * ```
 */
export async function trainReference(options: TrainReferenceOptions): Promise<ReferenceRun> {
  checkOptionKeys('trainReference()', options, KNOWN_OPTIONS.trainReference);
  const { model, steps = 20, seed = 1, optimizer = 'momentum', batch = 8 } = options;
  const next = prng(seed);
  const shapes: Record<string, number[]> =
    model === 'cnn'
      ? { c1: [3, 3, 1, 4], b1: [4], c2: [3, 3, 4, 8], b2: [8], d: [2 * 2 * 8, 10], e: [10] }
      : { w1: [64, 32], b1: [32], gamma: [32], beta: [32], w2: [32, 10], b2: [10] };
  const vars: Record<string, tf.Variable> = {};
  for (const [name, shape] of Object.entries(shapes)) {
    const init = name === 'gamma' ? tf.ones(shape) : filled(shape, next, shape.length === 1 ? 0.1 : 0.5);
    vars[name] = tf.variable(init, true, `reference/${name}/${seed}/${Math.random()}`);
    init.dispose();
  }
  const x = filled(model === 'cnn' ? [batch, 8, 8, 1] : [batch, 64], next, 1);
  const labels = Array.from({ length: batch }, () => Math.floor(next() * 10));
  const y = tf.tidy(() => tf.cast(tf.oneHot(tf.tensor1d(labels, 'int32'), 10), 'float32'));
  const v = (name: string) => vars[name] as tf.Variable;
  const logits = (): tf.Tensor => {
    if (model === 'cnn') {
      let h = tf.relu(tf.add(tf.conv2d(x as tf.Tensor4D, v('c1') as tf.Tensor4D, 1, 'same'), v('b1')));
      h = tf.maxPool(h as tf.Tensor4D, 2, 2, 'same');
      h = tf.relu(tf.add(tf.conv2d(h as tf.Tensor4D, v('c2') as tf.Tensor4D, 1, 'same'), v('b2')));
      h = tf.maxPool(h as tf.Tensor4D, 2, 2, 'same');
      h = tf.reshape(h, [batch, 2 * 2 * 8]);
      return tf.add(tf.matMul(h, v('d')), v('e'));
    }
    let h = tf.add(tf.matMul(x, v('w1')), v('b1'));
    const { mean, variance } = tf.moments(h, 0);
    h = tf.relu(tf.batchNorm(h, mean, variance, v('beta'), v('gamma'), 1e-3));
    return tf.add(tf.matMul(h, v('w2')), v('b2'));
  };
  const opt = makeOptimizer(optimizer);
  const losses: number[] = [];
  try {
    for (let i = 0; i < steps; i++) {
      const loss = opt.minimize(() => tf.losses.softmaxCrossEntropy(y, logits()) as tf.Scalar, true) as tf.Scalar;
      losses.push((await loss.data())[0] as number);
      loss.dispose();
    }
    const weights: Record<string, Float32Array> = {};
    for (const [name, variable] of Object.entries(vars)) weights[name] = (await variable.data()) as Float32Array;
    return { backend: tf.getBackend(), losses, weights };
  } finally {
    opt.dispose();
    // tfjs-core 4.22.0: MomentumOptimizer.dispose() forgets SGD's learning-rate scalar `c`.
    if (optimizer === 'momentum') (opt as unknown as { c?: tf.Tensor }).c?.dispose();
    tf.dispose([x, y, ...Object.values(vars)]);
  }
}
