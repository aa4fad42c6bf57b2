import * as tf from '@tensorflow/tfjs-core';
import { describe, ModelFnError } from '../errors.js';
import { checkTensor, flatWeights, isTensor, type MetricOptions } from './metric-op.js';

/**
 * Sparse labels, TF's `SparseTensor`: `indices` `[nnz, rank]`, `values` `[nnz]` (class ids) and `denseShape`
 * (`[batch, maxLabels]`, or `[batch]` for at most one label per row). Rows may hold different numbers of labels.
 * Structurally the same as `@estimatorjs/data`'s `SparseValues`, so a parsed `VarLenFeature` passes as is.
 */
export interface SparseLabels {
  readonly indices: tf.Tensor;
  readonly values: tf.Tensor;
  readonly denseShape: readonly number[];
}

/** Options of {@link precisionAtK} and {@link recallAtK}. */
export interface AtKOptions extends MetricOptions {
  /** Compute the binary metric of this class only (TF's `class_id`); a class that never occurs gives NaN, as in TF. */
  readonly classId?: number;
}

/** Options of {@link precisionAtTopK} and {@link recallAtTopK}. */
export interface AtTopKOptions extends AtKOptions {
  /** TF's `k`: only checked against the last dimension of `predictionsIdx`. */
  readonly k?: number;
}

/**
 * TF's set arithmetic behind `precision_at_k` / `recall_at_k`, weighted and summed over the batch: per row, the
 * labels are a set of class ids and the top-k predictions another; `tp = |labels ∩ topK|`,
 * `fp = |topK \ labels|`, `fn = |labels \ topK|` (restricted to `classId` when given). Label ids outside
 * `[0, numClasses)` are never predicted, so they only ever count as false negatives, as in TF. `predictions` are
 * scores `[..., numClasses]` (their top `k` is taken, ties to the lower id as `tf.nn.top_k`), or with
 * `{ indices: true }` the top-k class ids themselves `[..., k]` (TF's `*_at_top_k`).
 */
export function topKCounts(
  api: string,
  labels: tf.Tensor | SparseLabels,
  predictions: tf.Tensor,
  k: number | undefined,
  options: AtKOptions,
  given: { indices: boolean } = { indices: false },
): { tp: tf.Scalar; fp: tf.Scalar; fn: tf.Scalar } {
  checkTensor(api, given.indices ? 'predictionsIdx' : 'predictions', predictions);
  const last = predictions.shape[predictions.rank - 1]!;
  if (predictions.rank < 2) {
    throw new ModelFnError(
      'SHAPE_MISMATCH',
      given.indices
        ? `${api}: predictionsIdx must be top-k class ids of shape [batch, k] (or [D1, …, DN, k]). Received shape [${predictions.shape}].`
        : `${api}: predictions must be scores of shape [batch, numClasses] (or [D1, …, DN, numClasses]). Received shape [${predictions.shape}].`,
    );
  }
  if (given.indices ? k !== undefined && k !== last : !Number.isInteger(k) || k! < 1 || k! > last) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      given.indices
        ? `${api}: k must match the last dimension of predictionsIdx (${last}) or be left out. Received ${String(k)}.`
        : `${api}: k must be an integer in [1, ${last}] (the number of classes). Received ${String(k)}.`,
    );
  }
  const lead = predictions.shape.slice(0, -1);
  const { classId } = options;
  if (classId !== undefined && !Number.isInteger(classId)) {
    throw new ModelFnError('INVALID_ARGUMENT', `${api}: classId must be an integer. Received ${String(classId)}.`);
  }
  return tf.tidy(() => {
    const rows = lead.reduce((a, b) => a * b, 1);
    const { ids, mask } = labelSets(api, labels, lead);
    const top: tf.Tensor2D = given.indices
      ? tf.reshape(tf.cast(predictions, 'int32'), [rows, last])
      : tf.topk(tf.reshape(tf.cast(predictions, 'float32'), [rows, last]) as tf.Tensor2D, k).indices;
    const w = flatWeights(api, options.weights, tf.zeros(lead));
    let tpRow: tf.Tensor;
    let fpRow: tf.Tensor;
    let fnRow: tf.Tensor;
    if (classId !== undefined) {
      const inLabels = tf.cast(tf.any(tf.logicalAnd(tf.equal(ids, classId), tf.cast(mask, 'bool')), 1), 'float32');
      const inTop = tf.cast(tf.any(tf.equal(top, classId), 1), 'float32');
      tpRow = tf.mul(inLabels, inTop);
      fpRow = tf.mul(inTop, tf.sub(1, inLabels));
      fnRow = tf.mul(inLabels, tf.sub(1, inTop));
    } else {
      const distinct = distinctMask(ids, mask);
      const inTop = tf.cast(tf.any(tf.equal(tf.expandDims(ids, 2), tf.expandDims(top, 1)), 2), 'float32');
      tpRow = tf.sum(tf.mul(inTop, distinct), 1);
      // Given top-k ids may repeat a class; as sets they count once (tf.nn.top_k's never repeat).
      fpRow = tf.sub(tf.sum(distinctMask(top, tf.ones(top.shape)), 1), tpRow);
      fnRow = tf.sub(tf.sum(distinct, 1), tpRow);
    }
    return { tp: tf.sum(tf.mul(w, tpRow)), fp: tf.sum(tf.mul(w, fpRow)), fn: tf.sum(tf.mul(w, fnRow)) };
  });
}

/** The labels as `[rows, L]` int32 ids with a `[rows, L]` float mask of the entries that hold a label. */
export function labelSets(
  api: string,
  labels: tf.Tensor | SparseLabels,
  lead: readonly number[],
): { ids: tf.Tensor2D; mask: tf.Tensor2D } {
  const rows = lead.reduce((a, b) => a * b, 1);
  const sameLead = (shape: readonly number[]) => lead.every((d, i) => shape[i] === d);
  if (isTensor(labels)) {
    const s = labels.shape;
    let width: number;
    if (s.length === lead.length && sameLead(s)) width = 1;
    else if (s.length === lead.length + 1 && sameLead(s)) width = s[s.length - 1]!;
    else {
      throw new ModelFnError(
        'SHAPE_MISMATCH',
        `${api}: labels must hold class ids of shape [${lead}] or [${lead}, numLabels] for predictions [${lead}, numClasses]. Received shape [${s}].`,
      );
    }
    const ids = tf.reshape(tf.cast(labels, 'int32'), [rows, width]) as tf.Tensor2D;
    return { ids, mask: tf.ones([rows, width]) as tf.Tensor2D };
  }
  if (
    typeof labels !== 'object' ||
    labels === null ||
    !isTensor(labels.indices) ||
    !isTensor(labels.values) ||
    !Array.isArray(labels.denseShape)
  ) {
    throw new ModelFnError(
      'INVALID_ARGUMENT',
      `${api}: labels must be a tensor of class ids or sparse labels { indices, values, denseShape }. Received ${describe(labels)}.`,
    );
  }
  const ds = labels.denseShape;
  const ok = (ds.length === lead.length || ds.length === lead.length + 1) && sameLead(ds);
  if (!ok || labels.indices.rank !== 2 || labels.indices.shape[1] !== ds.length) {
    throw new ModelFnError(
      'SHAPE_MISMATCH',
      `${api}: sparse labels must have denseShape [${lead}] or [${lead}, maxLabels] and indices [nnz, rank]. Received denseShape [${ds}], indices [${labels.indices.shape}].`,
    );
  }
  const width = ds.length === lead.length ? 1 : ds[ds.length - 1]!;
  const n = labels.values.size;
  if (n === 0)
    return { ids: tf.zeros([rows, width], 'int32') as tf.Tensor2D, mask: tf.zeros([rows, width]) as tf.Tensor2D };
  // Flat position of each entry in the dense [rows, width] layout (row-major strides of denseShape).
  const strides = ds.map((_, i) => ds.slice(i + 1).reduce((a, b) => a * b, 1));
  const flat = tf.reshape(tf.matMul(tf.cast(labels.indices, 'float32'), tf.tensor2d(strides, [ds.length, 1])), [-1, 1]);
  const at = tf.cast(tf.round(flat), 'int32');
  const ids = tf.scatterND(at, tf.reshape(tf.cast(labels.values, 'int32'), [n]), [rows * width]);
  const mask = tf.scatterND(at, tf.ones([n]), [rows * width]);
  return { ids: tf.reshape(ids, [rows, width]) as tf.Tensor2D, mask: tf.reshape(mask, [rows, width]) as tf.Tensor2D };
}

/** 1 at each entry holding a label not seen earlier in its row (labels are sets: duplicates count once). */
export function distinctMask(ids: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D {
  const width = ids.shape[1];
  if (width === 1) return mask;
  // earlier[j, j'] = 1 when j' < j.
  const earlier = tf.sub(tf.linalg.bandPart(tf.ones([width, width]), -1, 0), tf.eye(width));
  const same = tf.cast(tf.equal(tf.expandDims(ids, 2), tf.expandDims(ids, 1)), 'float32');
  const seen = tf.max(tf.mul(tf.mul(same, earlier), tf.expandDims(mask, 1)), 2);
  return tf.mul(mask, tf.sub(1, seen)) as tf.Tensor2D;
}
