import { APPLY_ADAM_KERNEL, APPLY_MOMENTUM_KERNEL, APPLY_RMSPROP_KERNEL, READ_INTO_KERNEL } from '@estimatorjs/io';
import * as tf from '@tensorflow/tfjs-core';
import { wasmApplyAdam } from './apply-adam.js';
import { wasmApplyMomentum } from './apply-momentum.js';
import { wasmApplyRMSProp } from './apply-rmsprop.js';
import { wasmReadInto } from './read-into.js';
import { wasmConv2DBackpropFilter } from './wasm-conv2d-backprop-filter.js';
import { withFastBackpropInput } from './wasm-conv2d-backprop-input.js';
import { withFewChannelConv2D } from './wasm-conv2d-few-channels.js';
import {
  wasmDepthwiseConv2dBackpropFilter,
  wasmDepthwiseConv2dBackpropInput,
} from './wasm-depthwise-conv2d-backprop.js';
import { withCorrectBatchedBias } from './wasm-fused-mat-mul.js';
import { withSharedBuffer } from './wasm-identity-cast.js';
import { wasmMaxPoolGrad } from './wasm-max-pool-grad.js';
import { withHeapSlice } from './wasm-slice.js';
import { withLeadingAxesSum } from './wasm-sum-leading.js';
import { withMaterialisedTranspose } from './wasm-transposed-mat-mul.js';
import { wasmUnsortedSegmentSum } from './wasm-unsorted-segment-sum.js';

const OURS = Symbol.for('@estimatorjs/backends/wasm-kernel');

type Tagged = { [OURS]?: true };

function isOurs(kernel: tf.KernelConfig | undefined): boolean {
  return kernel != null && (kernel.kernelFunc as Tagged)[OURS] === true;
}

function tag<F extends object>(fn: F): F {
  (fn as Tagged)[OURS] = true;
  return fn;
}

/** Registers `kernelFunc` for wasm unless wasm already has the kernel (a later tfjs may ship its own). */
function addMissing(kernelName: string, kernelFunc: tf.KernelFunc): void {
  if (tf.getKernel(kernelName, 'wasm') != null) return;
  tf.registerKernel({ kernelName, backendName: 'wasm', kernelFunc: tag(kernelFunc) });
}

/** Replaces wasm's `kernelName` by `wrap(original)`, keeping the original's setup. */
function override(kernelName: string, wrap: (original: tf.KernelFunc) => tf.KernelFunc): void {
  const original = tf.getKernel(kernelName, 'wasm');
  if (original == null || isOurs(original)) return;
  tf.unregisterKernel(kernelName, 'wasm');
  const config: tf.KernelConfig = {
    kernelName,
    backendName: 'wasm',
    kernelFunc: tag(wrap(original.kernelFunc)),
  };
  if (original.setupFunc) config.setupFunc = original.setupFunc;
  if (original.disposeFunc) config.disposeFunc = original.disposeFunc;
  tf.registerKernel(config);
}

/**
 * Registers, for the `wasm` backend, the training kernels tfjs-backend-wasm 4.22.0 lacks
 * (`Conv2DBackpropFilter`, `UnsortedSegmentSum`, the two depthwise backprops) and replaces its slow transposed matmuls (`BatchMatMul`, `_FusedMatMul` with
 * `transposeA`/`transposeB`) by a materialised transpose plus the fast path, runs `Conv2DBackpropInput` on
 * XNNPACK's `Conv2D` instead of its scalar loop, replaces its slow `MaxPoolGrad`, lets `Identity` and same-dtype
 * `Cast` share their input's buffer instead of copying it, and fixes `_FusedMatMul`'s bias
 * with a batch dimension above 1. Our own wasm-SIMD kernels (wasm/training-kernels.c, run on the backend's memory)
 * take `MaxPoolGrad`, the filter gradient and the forward `Conv2D` of layers with few input channels, and bias-gradient
 * sums over every axis but the last; `Slice` copies from the heap instead of copying its whole input first; the
 * estimator's Adam, momentum and RMSProp updates run as one fused kernel per variable (`@estimatorjs/io`'s
 * `APPLY_ADAM_KERNEL`, `APPLY_MOMENTUM_KERNEL`, `APPLY_RMSPROP_KERNEL`), and `READ_INTO_KERNEL` reads a tensor into the
 * caller's array (read-into.ts). Idempotent; call it after
 * `@tensorflow/tfjs-backend-wasm` is imported. `useBackend('wasm')` calls it for you.
 *
 * @example
 * ```ts
 * import '@tensorflow/tfjs-backend-wasm';
 * import { registerWasmTrainingKernels } from '@estimatorjs/backends';
 * registerWasmTrainingKernels();
 * ```
 */
export function registerWasmTrainingKernels(): void {
  addMissing('Conv2DBackpropFilter', wasmConv2DBackpropFilter as unknown as tf.KernelFunc);
  addMissing('UnsortedSegmentSum', wasmUnsortedSegmentSum as unknown as tf.KernelFunc);
  addMissing('DepthwiseConv2dNativeBackpropFilter', wasmDepthwiseConv2dBackpropFilter as unknown as tf.KernelFunc);
  addMissing('DepthwiseConv2dNativeBackpropInput', wasmDepthwiseConv2dBackpropInput as unknown as tf.KernelFunc);
  addMissing(APPLY_ADAM_KERNEL, wasmApplyAdam as unknown as tf.KernelFunc);
  addMissing(APPLY_MOMENTUM_KERNEL, wasmApplyMomentum as unknown as tf.KernelFunc);
  addMissing(APPLY_RMSPROP_KERNEL, wasmApplyRMSProp as unknown as tf.KernelFunc);
  addMissing(READ_INTO_KERNEL, wasmReadInto as unknown as tf.KernelFunc);
  override('MaxPoolGrad', () => wasmMaxPoolGrad as unknown as tf.KernelFunc);
  override('Identity', (k) => withSharedBuffer(k as never) as unknown as tf.KernelFunc);
  override('Cast', (k) => withSharedBuffer(k as never) as unknown as tf.KernelFunc);
  override('Conv2D', (k) => withFewChannelConv2D(k as never) as unknown as tf.KernelFunc);
  override('Sum', (k) => withLeadingAxesSum(k as never) as unknown as tf.KernelFunc);
  override('Slice', (k) => withHeapSlice(k as never) as unknown as tf.KernelFunc);
  override('Conv2DBackpropInput', (k) => withFastBackpropInput(k as never) as unknown as tf.KernelFunc);
  override('BatchMatMul', (k) => withMaterialisedTranspose(k as never) as unknown as tf.KernelFunc);
  override(
    '_FusedMatMul',
    (k) => withCorrectBatchedBias(withMaterialisedTranspose(k as never)) as unknown as tf.KernelFunc,
  );
}
