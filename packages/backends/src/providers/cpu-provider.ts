import { APPLY_ADAM_KERNEL, APPLY_MOMENTUM_KERNEL, APPLY_RMSPROP_KERNEL, READ_INTO_KERNEL } from '@estimatorjs/io';
import * as tf from '@tensorflow/tfjs-core';
import { defineProvider, type InternalProvider } from '../internal/define-provider.js';
import { loadPackage, probe } from '../internal/load-package.js';
import { cpuApplyAdam } from '../kernels/apply-adam.js';
import { cpuApplyMomentum } from '../kernels/apply-momentum.js';
import { cpuApplyRMSProp } from '../kernels/apply-rmsprop.js';
import { cpuReadInto } from '../kernels/read-into.js';

const packageName = '@tensorflow/tfjs-backend-cpu';
const load = () => loadPackage('cpu', packageName, () => import('@tensorflow/tfjs-backend-cpu'));

/**
 * The plain-JavaScript backend (`@tensorflow/tfjs-backend-cpu`): runs everywhere with every kernel and is the
 * reference for conformance; slow for convolutions. Adds the estimator's fused Adam, momentum and
 * RMSProp updates (`@estimatorjs/io`'s `APPLY_*_KERNEL`), bit-identical to the composite ops, and its
 * `READ_INTO_KERNEL` (a tensor read into the caller's array).
 *
 * @example
 * ```ts
 * import { cpuProvider } from '@estimatorjs/backends';
 * console.log(await cpuProvider.isAvailable());
 * ```
 */
export const cpuProvider: InternalProvider = defineProvider({
  name: 'cpu',
  packageName,
  supports: { gpu: false, node: true, browser: true, training: true, threads: false, float16: false },
  check: () => probe(load),
  async prepare() {
    await load();
    for (const [kernelName, kernelFunc] of [
      [APPLY_ADAM_KERNEL, cpuApplyAdam],
      [APPLY_MOMENTUM_KERNEL, cpuApplyMomentum],
      [APPLY_RMSPROP_KERNEL, cpuApplyRMSProp],
      [READ_INTO_KERNEL, cpuReadInto],
    ] as const) {
      if (tf.getKernel(kernelName, 'cpu') == null) {
        tf.registerKernel({ kernelName, backendName: 'cpu', kernelFunc: kernelFunc as never });
      }
    }
  },
});
