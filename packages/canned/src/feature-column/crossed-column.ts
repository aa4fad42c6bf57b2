import type { Features } from '@estimatorjs/estimator';
import * as tf from '@tensorflow/tfjs-core';
import { CannedError, describe } from '../errors.js';
import { DEFAULT_HASH_KEY, hashedCross } from '../internal/farmhash.js';
import { checkOptionKeys, KNOWN_OPTIONS } from '../internal/known-options.js';
import {
  asMatrix,
  type CategoricalColumn,
  type CategoricalIds,
  checkPositiveInt,
  getFeature,
  isCategoricalColumn,
} from './feature-column.js';

/** A crossed column: the hashed combinations of several features' values. */
export interface CrossedColumn extends CategoricalColumn {
  readonly keys: readonly (string | CategoricalColumn)[];
  readonly hashBucketSize: number;
}

/** Options of {@link crossedColumn}. */
export interface CrossedColumnOptions {
  /** TF's `hash_key` (default TF's `0xDECAFCAFFE`). */
  readonly hashKey?: bigint;
}

type Value = string | number;

/** Each example's present values of one crossed input: raw feature values, or a categorical column's ids. */
function valuesPerExample(api: string, key: string | CategoricalColumn, features: Features): Value[][] {
  if (typeof key === 'string') {
    const t = getFeature(api, features, key);
    const { batch, k } = asMatrix(api, key, t);
    const flat = t.dataSync() as unknown as ArrayLike<Value>;
    return Array.from({ length: batch }, (_, b) =>
      Array.from({ length: k }, (_, j) => flat[b * k + j]!).filter((v) => v !== '' && v !== -1),
    );
  }
  const { ids, weights } = key.ids(features);
  const rows = ids.arraySync();
  tf.dispose([ids, weights ?? []]);
  return rows.map((r) => r.filter((v) => v >= 0));
}

/** The leaf inputs of a cross (nested crossed columns are flattened, as TF). */
function leaves(keys: readonly (string | CategoricalColumn)[]): (string | CategoricalColumn)[] {
  return keys.flatMap((k) =>
    typeof k !== 'string' && 'keys' in k && 'hashBucketSize' in k ? leaves((k as CrossedColumn).keys) : [k],
  );
}

/**
 * Crosses features (TF's `tf.feature_column.crossed_column`): every combination of one value per input becomes
 * the id `FingerprintCat64`-chain `% hashBucketSize`, exactly TF's `SparseCrossHashed`, so the same row lands in the
 * same bucket as in TF. Inputs are feature keys (strings or integers) or categorical columns (their ids are
 * crossed). Name: the inputs' names sorted and joined by `_X_`.
 * @example
 *   const ageXcity = featureColumn.crossedColumn([ageBuckets, 'city'], 10000);
 */
export function crossedColumn(
  keys: readonly (string | CategoricalColumn)[],
  hashBucketSize: number,
  options: CrossedColumnOptions = {},
): CrossedColumn {
  const api = 'featureColumn.crossedColumn()';
  checkOptionKeys(api, options, KNOWN_OPTIONS.crossedColumn);
  if (!Array.isArray(keys) || keys.length < 2) {
    throw new CannedError('INVALID_ARGUMENT', `${api}: keys must list at least 2 inputs. Received ${describe(keys)}.`);
  }
  for (const k of keys) {
    if (typeof k !== 'string' && !isCategoricalColumn(k as never)) {
      throw new CannedError(
        'INVALID_ARGUMENT',
        `${api}: each key must be a feature key or a categorical column (hash bucket columns are refused by TF too). Received ${describe(k)}.`,
      );
    }
  }
  checkPositiveInt(api, 'hashBucketSize', hashBucketSize);
  const hashKey = options.hashKey ?? DEFAULT_HASH_KEY;
  const inputs = leaves(keys);
  const name = inputs
    .map((k) => (typeof k === 'string' ? k : k.name))
    .sort()
    .join('_X_');
  return {
    keys: [...keys],
    hashBucketSize,
    name,
    numBuckets: hashBucketSize,
    ids(features: Features): CategoricalIds {
      const perInput = inputs.map((k) => valuesPerExample(api, k, features));
      const batch = perInput[0]!.length;
      const rows: number[][] = [];
      for (let b = 0; b < batch; b++) {
        // The cartesian product, first input outermost (TF's permutation order).
        let combos: Value[][] = [[]];
        for (const values of perInput) combos = combos.flatMap((c) => (values[b] ?? []).map((v) => [...c, v]));
        rows.push(combos.map((c) => Number(hashedCross(c, hashBucketSize, hashKey))));
      }
      const width = Math.max(1, ...rows.map((r) => r.length));
      const out = new Int32Array(batch * width).fill(-1);
      rows.forEach((r, b) => {
        out.set(r, b * width);
      });
      return { ids: tf.tensor2d(out, [batch, width], 'int32') };
    },
  };
}
