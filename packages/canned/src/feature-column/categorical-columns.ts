/**
 * The categorical columns that map raw values to ids: vocabulary list, identity and hash bucket (TF's
 * `categorical_column_with_*`). Lookups run in JavaScript on the batch's values (string tensors have no tfjs kernels
 * for it), so these columns read their feature once per batch.
 */
import type { Features } from '@estimatorjs/estimator';
import * as tf from '@tensorflow/tfjs-core';
import { CannedError, describe } from '../errors.js';
import { stringToHashBucketFast } from '../internal/farmhash.js';
import { checkOptionKeys, KNOWN_OPTIONS } from '../internal/known-options.js';
import {
  asMatrix,
  type CategoricalColumn,
  type CategoricalIds,
  checkKey,
  checkPositiveInt,
  getFeature,
} from './feature-column.js';

/**
 * How a column turns its feature into ids, for export: `'vocabulary-ids'` columns also take int32 vocabulary ids
 * (graph ops, exportable); `'javascript'` ones read the feature's values in JavaScript (not exportable).
 */
export type LookupKind = 'vocabulary-ids' | 'javascript';

/** A categorical column reading one feature. */
export interface KeyedCategoricalColumn extends CategoricalColumn {
  readonly key: string;
  /** How the feature becomes ids (what an exported graph can take). */
  readonly lookup: LookupKind;
}

type RawValue = string | number;

/** Reads the feature's values, maps each present one with `lookup` (-1 = absent) into a `[batch, k]` id matrix. */
function lookupIds(
  api: string,
  key: string,
  features: Features,
  lookup: (v: RawValue, index: number) => number,
): CategoricalIds {
  const t = getFeature(api, features, key);
  const { batch, k } = asMatrix(api, key, t);
  const values = t.dataSync() as unknown as ArrayLike<RawValue>;
  const out = new Int32Array(batch * k);
  for (let i = 0; i < out.length; i++) {
    const v = values[i]!;
    // TF's dense-to-sparse conversion drops '' (strings) and -1 (integers): they mean "no value".
    out[i] = v === '' || v === -1 ? -1 : lookup(v, i);
  }
  return { ids: tf.tensor2d(out, [batch, k], 'int32') };
}

/**
 * Vocabulary ids given as int32 features, kept by tensor ops only (so an export traces them): ids outside
 * `[0, numBuckets)` become `defaultValue` (-1: absent), as an out-of-vocabulary string would.
 */
function vocabularyIds(
  api: string,
  key: string,
  t: tf.Tensor,
  numBuckets: number,
  defaultValue: number,
): CategoricalIds {
  const { batch, k } = asMatrix(api, key, t);
  return {
    ids: tf.tidy(() => {
      const m = tf.reshape(t, [batch, k]);
      const inRange = tf.logicalAnd(
        tf.greaterEqual(m, tf.scalar(0, 'int32')),
        tf.less(m, tf.scalar(numBuckets, 'int32')),
      );
      return tf.where(inRange, m, tf.add(tf.zerosLike(m), tf.scalar(defaultValue, 'int32'))) as tf.Tensor2D;
    }),
  };
}

/** Options of {@link categoricalColumnWithVocabularyList}. */
export interface VocabularyListOptions {
  /** Id of values outside the vocabulary when `numOovBuckets` is 0 (default -1: no value). */
  readonly defaultValue?: number;
  /** Hash values outside the vocabulary into this many extra buckets after it (default 0). */
  readonly numOovBuckets?: number;
}

/**
 * Ids from an in-memory vocabulary (TF's `categorical_column_with_vocabulary_list`): value at position i → id i;
 * others → `defaultValue` (-1: absent) or, with `numOovBuckets`, `vocabulary.length + hash(value) % numOovBuckets`.
 * @example
 *   const color = featureColumn.categoricalColumnWithVocabularyList('color', ['red', 'green', 'blue']);
 */
export function categoricalColumnWithVocabularyList(
  key: string,
  vocabularyList: readonly (string | number)[],
  options: VocabularyListOptions = {},
): KeyedCategoricalColumn {
  checkOptionKeys('featureColumn.categoricalColumnWithVocabularyList()', options, KNOWN_OPTIONS.vocabularyList);
  return vocabularyColumn('featureColumn.categoricalColumnWithVocabularyList()', key, vocabularyList, options);
}

/** A vocabulary column; `api` names the public function in errors (list or file). */
export function vocabularyColumn(
  api: string,
  key: string,
  vocabularyList: readonly (string | number)[],
  options: VocabularyListOptions,
): KeyedCategoricalColumn {
  checkKey(api, key);
  if (!Array.isArray(vocabularyList) || vocabularyList.length === 0) {
    throw new CannedError(
      'INVALID_ARGUMENT',
      `${api}: the vocabulary of ${JSON.stringify(key)} must be non-empty. Received ${describe(vocabularyList)}.`,
    );
  }
  const index = new Map<string, number>();
  vocabularyList.forEach((v, i) => {
    if (index.has(String(v))) {
      throw new CannedError(
        'INVALID_ARGUMENT',
        `${api}: the vocabulary of ${JSON.stringify(key)} has ${JSON.stringify(v)} twice (positions ${index.get(String(v))} and ${i}); values must be unique.`,
      );
    }
    index.set(String(v), i);
  });
  const oov = options.numOovBuckets ?? 0;
  if (!Number.isInteger(oov) || oov < 0) {
    throw new CannedError('INVALID_ARGUMENT', `${api}: numOovBuckets must be an integer >= 0. Received ${oov}.`);
  }
  const defaultValue = options.defaultValue ?? -1;
  if (oov > 0 && options.defaultValue !== undefined) {
    throw new CannedError('INVALID_ARGUMENT', `${api}: give defaultValue or numOovBuckets, not both (as TF).`);
  }
  const n = vocabularyList.length;
  // A string vocabulary fed int32 values: TF refuses the dtype; here they are ids already looked up (what an
  // exported graph takes, since tfjs has no string lookup kernel). Numeric vocabularies look int32 values up.
  const strings = vocabularyList.every((v) => typeof v === 'string');
  return {
    key,
    name: key,
    numBuckets: n + oov,
    lookup: strings ? 'vocabulary-ids' : 'javascript',
    ids: (features) =>
      strings && getFeature(api, features, key).dtype === 'int32'
        ? vocabularyIds(api, key, getFeature(api, features, key), n + oov, defaultValue)
        : lookupIds(api, key, features, (v) => {
            const id = index.get(String(v));
            if (id !== undefined) return id;
            return oov > 0 ? n + stringToHashBucketFast(String(v), oov) : defaultValue;
          }),
  };
}

/** Options of {@link categoricalColumnWithIdentity}. */
export interface IdentityOptions {
  /** Id of values outside `[0, numBuckets)`; without it such a value is an error (as TF). */
  readonly defaultValue?: number;
}

/**
 * Integer features used as ids directly (TF's `categorical_column_with_identity`); values must be in
 * `[0, numBuckets)` unless `defaultValue` is given.
 * @example
 *   const hour = featureColumn.categoricalColumnWithIdentity('hour', 24);
 */
export function categoricalColumnWithIdentity(
  key: string,
  numBuckets: number,
  options: IdentityOptions = {},
): KeyedCategoricalColumn {
  const api = 'featureColumn.categoricalColumnWithIdentity()';
  checkOptionKeys(api, options, KNOWN_OPTIONS.identity);
  checkKey(api, key);
  checkPositiveInt(api, 'numBuckets', numBuckets);
  const dv = options.defaultValue;
  if (dv !== undefined && !(Number.isInteger(dv) && dv >= 0 && dv < numBuckets)) {
    throw new CannedError(
      'INVALID_ARGUMENT',
      `${api}: defaultValue of ${JSON.stringify(key)} must be an integer in [0, ${numBuckets}). Received ${describe(dv)}.`,
    );
  }
  return {
    key,
    name: key,
    numBuckets,
    lookup: 'javascript',
    ids: (features) =>
      lookupIds(api, key, features, (v, i) => {
        if (typeof v === 'number' && Number.isInteger(v) && v >= 0 && v < numBuckets) return v;
        if (dv !== undefined) return dv;
        throw new CannedError(
          'CATEGORY_OUT_OF_RANGE',
          `${api}: feature ${JSON.stringify(key)} has value ${describe(v)} at flat position ${i}, outside [0, ${numBuckets}) (numBuckets). Pass defaultValue to map such values to one id.`,
        );
      }),
  };
}

/**
 * Ids by hashing (TF's `categorical_column_with_hash_bucket`): `Fingerprint64(value) % hashBucketSize`, the same
 * bucket TF assigns (integers are hashed as their decimal strings, as TF's `as_string`).
 * @example
 *   const city = featureColumn.categoricalColumnWithHashBucket('city', 1000);
 */
export function categoricalColumnWithHashBucket(key: string, hashBucketSize: number): KeyedCategoricalColumn {
  const api = 'featureColumn.categoricalColumnWithHashBucket()';
  checkKey(api, key);
  checkPositiveInt(api, 'hashBucketSize', hashBucketSize);
  return {
    key,
    name: key,
    numBuckets: hashBucketSize,
    lookup: 'javascript',
    ids: (features) => lookupIds(api, key, features, (v) => stringToHashBucketFast(String(v), hashBucketSize)),
  };
}
