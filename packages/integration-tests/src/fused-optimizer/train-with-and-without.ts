/**
 * A real Estimator run with Adam, momentum (Nesterov) or centered RMSProp, once with the backend's fused optimizer kernel
 * (@estimatorjs/io's APPLY_ADAM_KERNEL, APPLY_MOMENTUM_KERNEL, APPLY_RMSPROP_KERNEL) and once with it unregistered (the composite
 * elementwise ops), returning every checkpointed variable — weights, slots, Adam's beta powers, global step — so
 * the tests can demand bit-identical checkpoints.
 * Each run trains 5 steps, then a new Estimator resumes from the checkpoint for 4 more (the optimizer's state is
 * restored into fresh variables, which the fused path must pick up).
 */
import type { BackendName } from '@estimatorjs/backends';
import { useBackend } from '@estimatorjs/backends';
import {
  AdamOptimizer,
  Estimator,
  latestCheckpoint,
  layers,
  listVariables,
  loadVariable,
  MemoryStorage,
  type ModelFn,
  MomentumOptimizer,
  RMSPropOptimizer,
  RunConfig,
} from '@estimatorjs/estimator';
import { APPLY_ADAM_KERNEL, APPLY_MOMENTUM_KERNEL, APPLY_RMSPROP_KERNEL } from '@estimatorjs/io';
import { expectNoLeaks } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { expect } from 'vitest';

/** Which optimizer a run trains with. */
export type FusedKind = 'adam' | 'momentum' | 'rmsprop';

export const KERNELS: Record<FusedKind, string> = {
  adam: APPLY_ADAM_KERNEL,
  momentum: APPLY_MOMENTUM_KERNEL,
  rmsprop: APPLY_RMSPROP_KERNEL,
};

const modelFn: ModelFn = (features, labels, mode, params) => {
  const h = layers.dense(features as tf.Tensor2D, 13, { activation: 'relu' });
  const logits = layers.dense(h, 3);
  const loss = tf.losses.softmaxCrossEntropy(labels as tf.Tensor2D, logits) as tf.Scalar;
  if (mode === 'eval') return { mode, loss };
  // Adam: a large epsilon and a short beta1 memory, constants far from the defaults.
  const kind = (params as { kind: FusedKind }).kind;
  const optimizer =
    kind === 'adam'
      ? new AdamOptimizer({ learningRate: 0.02, beta1: 0.8, epsilon: 0.1 })
      : kind === 'momentum'
        ? new MomentumOptimizer({ learningRate: 0.05, momentum: 0.7, useNesterov: true })
        : new RMSPropOptimizer({ learningRate: 0.01, momentum: 0.5, centered: true });
  return { mode: 'train', loss, trainOp: optimizer.minimize(loss) };
};

const input = async function* () {
  for (let s = 0; ; s++) {
    const x = Array.from({ length: 16 * 9 }, (_, k) => Math.sin((k + 1) * 0.37 + s));
    const y = Array.from({ length: 16 }, (_, k) => (k * 7 + s) % 3);
    yield [tf.tensor2d(x, [16, 9]), tf.tidy(() => tf.oneHot(tf.tensor1d(y, 'int32'), 3))] as const;
  }
};

/** What one run saved, and how often the fused kernel ran. */
export interface FusedRun {
  readonly variables: Map<string, Float32Array>;
  readonly fusedCalls: number;
}

async function train(storage: MemoryStorage, steps: number, kind: FusedKind): Promise<void> {
  const est = new Estimator({
    modelFn,
    params: { kind },
    config: new RunConfig({ modelDir: 'm', storage, randomSeed: 16, saveInputState: false }),
    log: () => {},
  });
  await est.train(input, { steps });
  est.dispose();
}

/**
 * Trains on `backend` (already started by the caller's options) with the fused kernel or without it: `kind`'s
 * optimizer kernel, or `kernelName` (e.g. the dense layers' EXACT_FUSED_MATMUL_KERNEL) when given.
 */
export async function trainFused(
  backend: BackendName,
  kind: FusedKind,
  fused: boolean,
  kernelName = KERNELS[kind],
): Promise<FusedRun> {
  await useBackend(backend);
  const original = tf.getKernel(kernelName, backend);
  expect(original, `${kernelName} on ${backend}`).toBeDefined();
  let fusedCalls = 0;
  tf.unregisterKernel(kernelName, backend);
  if (fused) {
    const inner = original!.kernelFunc;
    const counted: tf.KernelFunc = (args) => {
      fusedCalls++;
      return inner(args);
    };
    tf.registerKernel({ ...original!, kernelFunc: counted });
  }
  try {
    const storage = new MemoryStorage(`fused-${kind}-${backend}-${fused}`);
    await expectNoLeaks(() => train(storage, 5, kind));
    await train(storage, 4, kind);
    const prefix = (await latestCheckpoint(storage))!;
    expect(prefix).toMatch(/model\.ckpt-9$/);
    const variables = new Map<string, Float32Array>();
    for (const [name] of await listVariables(storage, prefix)) {
      const t = await loadVariable(storage, prefix, name);
      variables.set(name, Float32Array.from(t.dataSync()));
      t.dispose();
    }
    return { variables, fusedCalls };
  } finally {
    if (tf.getKernel(kernelName, backend)) tf.unregisterKernel(kernelName, backend);
    tf.registerKernel(original!);
  }
}

/** Every variable of `a` has exactly the bits of `b`'s (the same names, slots and Adam's beta powers included). */
export function expectSameCheckpoint(kind: FusedKind, a: FusedRun, b: FusedRun): void {
  expect([...a.variables.keys()].sort()).toEqual([...b.variables.keys()].sort());
  const momentum = ['dense/kernel', 'optimizer/dense/kernel/Momentum', 'optimizer/dense_1/bias/Momentum'];
  const rmsprop = [
    'optimizer/dense/kernel/RMSProp',
    'optimizer/dense/kernel/RMSProp_1',
    'optimizer/dense/kernel/RMSProp_2',
  ];
  expect([...a.variables.keys()]).toEqual(
    expect.arrayContaining(
      kind === 'rmsprop'
        ? rmsprop
        : kind === 'momentum'
          ? momentum
          : [
              'dense/kernel',
              'optimizer/dense/kernel/Adam',
              'optimizer/dense/kernel/Adam_1',
              'optimizer/beta1_power',
              'optimizer/beta2_power',
            ],
    ),
  );
  for (const [name, values] of a.variables) {
    const bits = new Uint32Array(values.buffer);
    const other = new Uint32Array(b.variables.get(name)!.buffer);
    const first = bits.findIndex((x, i) => x !== other[i]);
    expect(first, `${name}[${first}]: ${values[first]} vs ${b.variables.get(name)![first]}`).toBe(-1);
  }
}
