/**
 * TF's `tf.estimator.export.*Output` classes: what a model_fn puts in `EstimatorSpec.exportOutputs` to name the
 * serving signatures of an export. Each becomes one signature with TF's method name and output keys.
 */
import type * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';
import type { SignatureMethod } from './traced-graph.js';

function isTensor(x: unknown): x is tf.Tensor {
  return typeof x === 'object' && x !== null && 'dataId' in x && 'shape' in x && 'dtype' in x;
}

/**
 * The common shape of the export output classes.
 * @example
 *   const outputs: Record<string, ExportOutput> = { serving_default: new ClassificationOutput({ scores: probabilities }) };
 */
export abstract class ExportOutput {
  abstract readonly methodName: SignatureMethod;
  /** The signature's outputs by key. */
  abstract asSignatureOutputs(): Readonly<Record<string, tf.Tensor>>;
}

/**
 * A classification signature (TF's `ClassificationOutput`): `scores` (float32 [batch, classes]) and/or `classes`
 * (string [batch, classes] in TF; any tensor here), at least one.
 * @example
 *   const exportOutputs = { serving_default: new ClassificationOutput({ scores: probabilities }) };
 */
export class ClassificationOutput extends ExportOutput {
  readonly methodName = 'tensorflow/serving/classify' as const;
  readonly scores: tf.Tensor | undefined;
  readonly classes: tf.Tensor | undefined;
  constructor(args: { readonly scores?: tf.Tensor; readonly classes?: tf.Tensor }) {
    super();
    if (args?.scores === undefined && args?.classes === undefined) {
      throw new ModelFnError(
        'INVALID_ARGUMENT',
        'ClassificationOutput(): pass scores, classes or both. Received neither.',
      );
    }
    for (const k of ['scores', 'classes'] as const) {
      if (args[k] !== undefined && !isTensor(args[k])) {
        throw new ModelFnError(
          'INVALID_ARGUMENT',
          `ClassificationOutput(): ${k} must be a tensor. Received ${typeof args[k]}.`,
        );
      }
    }
    this.scores = args.scores;
    this.classes = args.classes;
  }
  asSignatureOutputs(): Readonly<Record<string, tf.Tensor>> {
    const out: Record<string, tf.Tensor> = {};
    if (this.classes) out.classes = this.classes;
    if (this.scores) out.scores = this.scores;
    return out;
  }
}

/**
 * A regression signature (TF's `RegressionOutput`): one float32 `value` tensor.
 * @example
 *   const exportOutputs = { regress: new RegressionOutput(predictions) };
 */
export class RegressionOutput extends ExportOutput {
  readonly methodName = 'tensorflow/serving/regress' as const;
  constructor(readonly value: tf.Tensor) {
    super();
    if (!isTensor(value)) {
      throw new ModelFnError(
        'INVALID_ARGUMENT',
        `RegressionOutput(): value must be a tensor. Received ${typeof value}.`,
      );
    }
  }
  asSignatureOutputs(): Readonly<Record<string, tf.Tensor>> {
    return { outputs: this.value };
  }
}

/**
 * A generic predict signature (TF's `PredictOutput`): a tensor (key `output`) or a dict of named tensors.
 * @example
 *   const exportOutputs = { serving_default: new PredictOutput({ probabilities, classes }) };
 */
export class PredictOutput extends ExportOutput {
  readonly methodName = 'tensorflow/serving/predict' as const;
  readonly outputs: Readonly<Record<string, tf.Tensor>>;
  constructor(outputs: tf.Tensor | Readonly<Record<string, tf.Tensor>>) {
    super();
    const dict = isTensor(outputs) ? { output: outputs } : outputs;
    if (
      typeof dict !== 'object' ||
      dict === null ||
      Object.keys(dict).length === 0 ||
      !Object.values(dict).every(isTensor)
    ) {
      throw new ModelFnError('INVALID_ARGUMENT', 'PredictOutput(): pass a tensor or a non-empty object of tensors.');
    }
    this.outputs = dict;
  }
  asSignatureOutputs(): Readonly<Record<string, tf.Tensor>> {
    return this.outputs;
  }
}
