import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../../errors.js';

/**
 * Kernels a backend has but computes wrongly, found by the cpu/wasm parity test
 * (packages/integration-tests/src/tf1-layers-on-wasm.test.ts): a layer that needs one refuses to run there rather
 * than train on wrong numbers. tfjs-backend-wasm 4.22: MaxPool3D's output and Conv3DBackpropInputV2's input
 * gradient disagree with tfjs-backend-cpu (checked against a loop reference and central differences) for most
 * shapes. Remove an entry when the backend's kernel is fixed (the parity test says so).
 */
const BROKEN: Record<string, { readonly backend: string; readonly trainOnly: boolean }> = {
  MaxPool3D: { backend: 'wasm', trainOnly: false },
  Conv3DBackpropInputV2: { backend: 'wasm', trainOnly: true },
};

/** Throws when the active backend's `kernel` is known to be wrong (for training only, when `training`). */
export function refuseBrokenKernel(api: string, kernel: keyof typeof BROKEN, training: boolean): void {
  const gap = BROKEN[kernel]!;
  if (tf.getBackend() !== gap.backend || (gap.trainOnly && !training)) return;
  throw new ModelFnError(
    'KERNEL_BROKEN_ON_BACKEND',
    `${api}: the ${gap.backend} backend's ${kernel} kernel (tfjs-backend-${gap.backend} 4.22) gives wrong ${gap.trainOnly ? 'gradients' : 'results'}, so this layer refuses to ${gap.trainOnly ? 'train' : 'run'} there. Received backend '${gap.backend}'; use the cpu or tensorflow backend for this model.`,
  );
}
