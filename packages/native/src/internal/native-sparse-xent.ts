import type * as tf from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon.js';
import { memoryOf, type NativeHostBackend, offsetOf } from './heap.js';

/** The kernel's name: TF's op, which computes the same two outputs. No tfjs kernel or gradient has this name. */
export const SPARSE_XENT_KERNEL = 'SparseSoftmaxCrossEntropyWithLogits';

type XentArgs = { inputs: { features: tf.TensorInfo; labels: tf.TensorInfo }; backend: unknown };

/**
 * TF's `SparseSoftmaxCrossEntropyWithLogits` for the native backend: `features` (logits) float32 `[B, C]` and
 * `labels` int32 `[B]` give `[loss [B], backprop [B, C]]`, `loss = −log softmax(features)[label]` and
 * `backprop = softmax(features) − oneHot(label)` (a gradient is `dy[:, None] · backprop`). One kernel where the
 * composed loss runs ~20 tfjs kernels; a class id outside [0, C) gives NaN in its row. `@estimatorjs/estimator`'s
 * sparse loss uses it where the active backend registers it.
 */
export function nativeSparseXent(addon: NativeAddon): tf.KernelFunc {
  return (args) => {
    const { features, labels } = (args as unknown as XentArgs).inputs;
    const backend = args.backend as unknown as NativeHostBackend;
    const [batch, classes] = features.shape as [number, number];
    if (
      features.shape.length !== 2 ||
      features.dtype !== 'float32' ||
      labels.dtype !== 'int32' ||
      labels.shape.length !== 1 ||
      labels.shape[0] !== batch ||
      !(classes > 0)
    ) {
      throw new Error(
        `@estimatorjs/native: ${SPARSE_XENT_KERNEL} takes float32 features [batch, classes > 0] and int32 labels [batch]. Received features ${features.dtype} [${features.shape}] and labels ${labels.dtype} [${labels.shape}].`,
      );
    }
    const loss = backend.makeOutput([batch], 'float32');
    const backprop = backend.makeOutput([batch, classes], 'float32');
    if (batch === 0) return [loss, backprop];
    addon.sparseSoftmaxCrossEntropy(
      memoryOf(backend),
      offsetOf(backend, features),
      offsetOf(backend, labels),
      offsetOf(backend, loss),
      offsetOf(backend, backprop),
      batch,
      classes,
    );
    return [loss, backprop];
  };
}
