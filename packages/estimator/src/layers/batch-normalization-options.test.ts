import { setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initializers } from '../initializers.js';
import { getRegularizationLosses } from '../losses/collections.js';
import { trainableVariables, variableName } from '../variable-collections.js';
import { batchNormalization } from './batch-normalization.js';
import { layerHarness } from './layer-context.test-util.js';
import { regularizers } from './regularizers.js';

beforeAll(() => setupTestBackend('cpu'));

describe("batchNormalization()'s TF options", () => {
  it('movingMean/VarianceInitializer set the starting statistics; the update is momentum-weighted from them', () => {
    const h = layerHarness();
    // channel 0: [1, 3] → mean 2, biased variance 1; channel 1: [10, 14] → mean 12, variance 4
    const x = tf.tensor2d([1, 10, 3, 14], [2, 2]);
    const y = h.call(() =>
      batchNormalization(x, {
        momentum: 0.5,
        movingMeanInitializer: initializers.constant(4),
        movingVarianceInitializer: initializers.constant(3),
      }),
    );
    expect(Array.from(h.store.variables.get('batch_normalization/moving_mean')!.dataSync())).toEqual([3, 8]);
    expect(Array.from(h.store.variables.get('batch_normalization/moving_variance')!.dataSync())).toEqual([2, 3.5]);
    // EVAL normalizes with the moving statistics: (1 − 3) / sqrt(2 + 0.001)
    const e = h.call(() => batchNormalization(x), 'eval');
    expect(e.dataSync()[0]).toBeCloseTo(-2 / Math.sqrt(2.001), 5);
    tf.dispose([x, y, e]);
    h.dispose();
  });

  it('betaRegularizer/gammaRegularizer add penalties; trainable: false keeps gamma and beta out of training', () => {
    const h = layerHarness();
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3]);
    h.call(() => {
      tf.dispose(
        batchNormalization(x, {
          name: 'bn',
          gammaRegularizer: regularizers.l2Regularizer(0.5),
          betaRegularizer: regularizers.l1Regularizer(2),
          betaInitializer: initializers.constant(-1),
        }),
      );
      // gamma = ones(3): 0.5 · 3 / 2; beta = −1 × 3: 2 · 3
      expect(getRegularizationLosses().map((t) => t.dataSync()[0])).toEqual([0.75, 6]);
      tf.dispose(batchNormalization(x, { name: 'frozen', trainable: false, fused: true }));
      expect(trainableVariables().map(variableName)).toEqual(['bn/gamma', 'bn/beta']);
    });
    expect(h.store.variables.get('frozen/gamma')!.trainable).toBe(false);
    x.dispose();
    h.dispose();
  });

  it('refuses renorm and the other TF options it does not implement, and unknown keys', () => {
    const h = layerHarness();
    const x = tf.zeros([2, 3]);
    h.call(() => {
      expect(() => batchNormalization(x, { renorm: true })).toThrow(
        /^batchNormalization\(\): renorm is not supported: batch renormalization is not supported\. Received renorm: true; remove it/,
      );
      expect(() => batchNormalization(x, { renorm: false })).not.toThrow();
      expect(() => batchNormalization(x, { virtualBatchSize: 2 } as never)).toThrow(
        /virtualBatchSize is not supported: ghost batch normalization/,
      );
      expect(() => batchNormalization(x, { gammaConstraint: (t: tf.Tensor) => t } as never)).toThrow(
        /gammaConstraint is not supported: variable constraints are not supported/,
      );
      expect(() => batchNormalization(x, { moving_mean_initializer: initializers.zeros() } as never)).toThrow(
        /unknown option "moving_mean_initializer"\. Did you mean "movingMeanInitializer"\?/,
      );
    });
    x.dispose();
    h.dispose();
  });
});
