import { type Features, layers, type Mode, variableScope } from '@estimatorjs/estimator';
import type * as tf from '@tensorflow/tfjs-core';
import { CannedError, describe } from '../errors.js';
import type { FeatureColumn } from '../feature-column/feature-column.js';
import { inputLayer } from '../feature-column/input-layer.js';

/** The network options of the DNN estimators (TF's names). */
export interface DnnNetworkOptions {
  /** Units per hidden layer, e.g. `[64, 32]`. */
  readonly hiddenUnits: readonly number[];
  readonly featureColumns: readonly FeatureColumn[];
  /** Default `'relu'` (TF's default). */
  readonly activationFn?: layers.Activation;
  /** Probability of dropping a hidden unit while training (TF's `dropout`). */
  readonly dropout?: number;
  /** Batch-normalize each hidden layer after its activation and dropout (TF's `batch_norm`, momentum 0.999). */
  readonly batchNorm?: boolean;
}

/** Checks the DNN options once, at construction. */
export function checkDnnOptions(api: string, o: DnnNetworkOptions): void {
  if (
    !Array.isArray(o?.hiddenUnits) ||
    o.hiddenUnits.length === 0 ||
    !o.hiddenUnits.every((u) => Number.isInteger(u) && u > 0)
  ) {
    throw new CannedError(
      'INVALID_ARGUMENT',
      `${api}: hiddenUnits must be a non-empty array of integers > 0 (e.g. [64, 32]). Received ${describe(o?.hiddenUnits)}.`,
    );
  }
  if (o.dropout !== undefined && !(o.dropout >= 0 && o.dropout < 1)) {
    throw new CannedError('INVALID_ARGUMENT', `${api}: dropout must be in [0, 1). Received ${describe(o.dropout)}.`);
  }
}

/**
 * TF's `_DNNModel` under `scope`: `input_from_feature_columns/input_layer`, then `hiddenlayer_<i>` (dense +
 * activation, then dropout while training, then `batchnorm_<i>` when asked), then `logits`; variables
 * `dnn/hiddenlayer_0/kernel`, `dnn/hiddenlayer_0/batchnorm_0/gamma`, `dnn/logits/bias`, …
 */
export function dnnLogits(
  features: Features,
  mode: Mode,
  units: number,
  o: DnnNetworkOptions,
  scope = 'dnn',
): tf.Tensor2D {
  return variableScope(scope, () => {
    let net: tf.Tensor = variableScope('input_from_feature_columns', () => inputLayer(features, o.featureColumns));
    o.hiddenUnits.forEach((n, i) => {
      net = layers.dense(net, n, { activation: o.activationFn ?? 'relu', name: `hiddenlayer_${i}` });
      if (o.dropout && mode === 'train') net = layers.dropout(net, { rate: o.dropout, training: true });
      if (o.batchNorm) {
        const input = net;
        net = variableScope(`hiddenlayer_${i}`, () =>
          layers.batchNormalization(input, { momentum: 0.999, name: `batchnorm_${i}` }),
        );
      }
    });
    return layers.dense(net, units, { name: 'logits' }) as tf.Tensor2D;
  });
}
