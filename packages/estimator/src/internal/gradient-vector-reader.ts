/**
 * Reads the flat gradient vector a replica all-reduces every step. Where the backend registers `@estimatorjs/io`'s
 * `READ_INTO_KERNEL` (cpu and wasm, set up by `@estimatorjs/backends`) the values go into one array kept from step to
 * step; elsewhere `data()` hands out a new one. Why: on wasm a new array of the reference CNN's 2.4 MB is fresh
 * memory every step, and its page faults cost ~6 ms of the step (0.3 ms into the kept array) on the development
 * machine; a single worker never reads its gradients, so the whole cost was the cluster's.
 */
import { READ_INTO_KERNEL } from '@estimatorjs/io';
import * as tf from '@tensorflow/tfjs-core';

export class GradientVectorReader {
  private kept: Float32Array | null = null;

  /**
   * The values of `flat` (float32), as an array the caller may write into. With the kernel it is the kept array: the
   * next `read` overwrites it, so it must not be held past the step. `shared`: `flat` may share its data with a live
   * tensor (a concat of one gradient is that gradient: tfjs returns an identity).
   */
  async read(flat: tf.Tensor, shared: boolean): Promise<Float32Array> {
    if (flat.dtype === 'float32' && tf.getKernel(READ_INTO_KERNEL, tf.getBackend()) != null) {
      if (this.kept?.length !== flat.size) this.kept = new Float32Array(flat.size);
      const out = this.kept;
      (
        tf.engine().runKernel(READ_INTO_KERNEL, { x: flat }, { out } as unknown as tf.NamedAttrMap) as tf.Tensor
      ).dispose();
      return out;
    }
    const values = (await flat.data()) as Float32Array;
    // A backend such as cpu hands out a tensor's own array without copying: copy a shared one, since the all-reduce
    // may write the mean into it.
    return shared ? values.slice() : values;
  }
}
