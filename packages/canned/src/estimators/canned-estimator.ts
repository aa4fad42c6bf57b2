/**
 * The base of the premade estimators: an `Estimator` that knows its feature columns, so an export whose serving
 * features a column cannot take fails with one clear error before tracing. Owns: that check. Does not own: the
 * trace (the Estimator) or the columns' lookups (feature-column/).
 */
import { Estimator, type EstimatorOptions, type ServingInputReceiverFn } from '@estimatorjs/estimator';
import * as tf from '@tensorflow/tfjs-core';
import { CannedError } from '../errors.js';
import type { FeatureColumn } from '../feature-column/feature-column.js';

type TracedGraph = Awaited<ReturnType<Estimator['traceForExport']>>;

/** What a column holds that the check walks: its lookup kind and key, or the columns it wraps. */
interface ColumnParts {
  readonly name: string;
  readonly key?: string;
  readonly lookup?: 'vocabulary-ids' | 'javascript';
  readonly keys?: readonly unknown[];
  readonly hashBucketSize?: number;
  readonly categoricalColumn?: ColumnParts;
  readonly sourceColumn?: ColumnParts;
}

/**
 * Why `features` (a serving receiver's) cannot be traced through `columns`, or null. tfjs has no string lookup or
 * hashing kernels, so a graph can take a string-vocabulary column only as int32 vocabulary ids, and cannot take
 * identity, hash-bucket or crossed columns (their lookups run in JavaScript).
 */
export function servingProblem(columns: readonly FeatureColumn[], features: unknown): string | null {
  const feats = (features instanceof tf.Tensor ? {} : (features ?? {})) as Record<string, tf.Tensor | undefined>;
  const walk = (c: ColumnParts): string | null => {
    if (c.keys !== undefined && c.hashBucketSize !== undefined) {
      return `crossed column '${c.name}' hashes its inputs in JavaScript (tfjs has no hashing kernel), so an exported graph cannot compute it. Export a model without crossed columns`;
    }
    if (c.lookup === 'javascript') {
      return `column '${c.name}' looks its feature '${c.key}' up in JavaScript (identity, hash-bucket and numeric-vocabulary lookups have no tfjs kernel), so an exported graph cannot compute it. Use a string vocabulary column (categoricalColumnWithVocabularyList) and serve its ids`;
    }
    if (c.lookup === 'vocabulary-ids') {
      const t = feats[c.key!];
      if (t !== undefined && t.dtype !== 'int32') {
        return `column '${c.name}' looks strings up in JavaScript (tfjs has no string lookup kernel), so the serving input '${c.key}' must hold int32 vocabulary ids (the position in the vocabulary; -1 or out of range: absent). Received a ${t.dtype} placeholder`;
      }
      return null;
    }
    for (const inner of [c.categoricalColumn, c.sourceColumn]) {
      const p = inner ? walk(inner) : null;
      if (p) return p;
    }
    return null;
  };
  for (const c of columns) {
    const p = walk(c as unknown as ColumnParts);
    if (p) return p;
  }
  return null;
}

/** An Estimator over feature columns: export checks the serving features against them first. */
export class CannedEstimator extends Estimator {
  readonly #columns: readonly FeatureColumn[];

  constructor(options: EstimatorOptions<unknown>, columns: readonly FeatureColumn[]) {
    super(options);
    this.#columns = columns;
  }

  override traceForExport(
    servingInputReceiverFn: ServingInputReceiverFn,
    options: { readonly checkpointPath?: string } = {},
  ): Promise<TracedGraph> {
    const columns = this.#columns;
    return super.traceForExport(() => {
      const receiver = servingInputReceiverFn();
      const problem = servingProblem(columns, receiver.features);
      if (problem !== null) throw new CannedError('EXPORT_UNSUPPORTED_COLUMN', `exportSavedModel(): ${problem}.`);
      return receiver;
    }, options);
  }
}
