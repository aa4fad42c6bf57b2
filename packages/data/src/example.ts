/**
 * tf.train.Example: encode, and parse with FixedLen / VarLen / FixedLenSequence / Sparse feature specs (TF's
 * `tf.io.parse_single_example` and `tf.io.parse_example`). Protobuf is decoded by hand; no generated code.
 * Owns: the spec types and the Example parsers. Does not own: reading Feature protos and value checks
 * (internal/features.ts) or SequenceExample (sequence-example.ts).
 */
import { ProtoWriter } from '@estimatorjs/io';
import * as tf from '@tensorflow/tfjs-core';
import { DataError, invalidArgument } from './errors.js';
import {
  decodeExample,
  disposingOnError,
  fixedValues,
  padRows,
  type Raw,
  rawValues,
  sizeOf,
  sparse,
} from './internal/features.js';
import { stringsOf } from './internal/filenames.js';

/** One feature's values, as in tf.train.Feature. */
export type Feature =
  | { readonly floatList: ArrayLike<number> }
  | { readonly int64List: ArrayLike<number> }
  | { readonly bytesList: readonly (Uint8Array | string)[] };

/** The dtype a feature spec produces. */
export type FeatureDtype = 'float32' | 'int32' | 'string';

/** A fixed-size feature: exactly `product(shape)` values (or the default when missing). */
export interface FixedLenFeature {
  readonly kind: 'fixedLen';
  readonly shape: readonly number[];
  readonly dtype: FeatureDtype;
  readonly defaultValue?: number | string | readonly (number | string)[];
}

/** A variable-length feature, returned as a {@link SparseValues}. */
export interface VarLenFeature {
  readonly kind: 'varLen';
  readonly dtype: FeatureDtype;
}

/** TF's SparseTensor: `indices` [nnz, rank] int32, `values` [nnz], `denseShape`. */
export interface SparseValues {
  readonly indices: tf.Tensor2D;
  readonly values: tf.Tensor1D;
  readonly denseShape: number[];
}

/** A FixedLenFeature spec. @example fixedLenFeature([784], 'float32') */
export function fixedLenFeature(
  shape: readonly number[],
  dtype: FeatureDtype,
  defaultValue?: FixedLenFeature['defaultValue'],
): FixedLenFeature {
  return { kind: 'fixedLen', shape: [...shape], dtype, ...(defaultValue !== undefined ? { defaultValue } : {}) };
}

/** A VarLenFeature spec. @example varLenFeature('int32') */
export function varLenFeature(dtype: FeatureDtype): VarLenFeature {
  return { kind: 'varLen', dtype };
}

/**
 * A sequence of items of `shape`: in a SequenceExample one item per Feature of the FeatureList; in an Example the
 * feature's values cut into items (TF requires `allowMissing: true` there). Parsed to a dense `[items, ...shape]`.
 */
export interface FixedLenSequenceFeature {
  readonly kind: 'fixedLenSequence';
  readonly shape: readonly number[];
  readonly dtype: FeatureDtype;
  /** A missing feature parses to zero items instead of an error. */
  readonly allowMissing: boolean;
  /** What pads shorter sequences in a batch (`parseExample`); default 0 or ''. */
  readonly defaultValue?: number | string;
}

/** A FixedLenSequenceFeature spec. @example fixedLenSequenceFeature([], 'int32', { allowMissing: true }) */
export function fixedLenSequenceFeature(
  shape: readonly number[],
  dtype: FeatureDtype,
  opts: { readonly allowMissing?: boolean; readonly defaultValue?: number | string } = {},
): FixedLenSequenceFeature {
  const d = opts.defaultValue;
  return {
    kind: 'fixedLenSequence',
    shape: [...shape],
    dtype,
    allowMissing: opts.allowMissing ?? false,
    ...(d !== undefined ? { defaultValue: d } : {}),
  };
}

/**
 * A SparseTensor assembled from an index feature (one per dimension) and a value feature of the same length
 * (TF's `SparseFeature`); indices outside `size` are an error.
 */
export interface SparseFeature {
  readonly kind: 'sparse';
  readonly indexKey: string | readonly string[];
  readonly valueKey: string;
  readonly dtype: FeatureDtype;
  readonly size: number | readonly number[];
  /** The indices are already in order (otherwise entries are sorted by index, as TF does). */
  readonly alreadySorted: boolean;
}

/** A SparseFeature spec. @example sparseFeature('ix', 'val', 'float32', 100) */
export function sparseFeature(
  indexKey: string | readonly string[],
  valueKey: string,
  dtype: FeatureDtype,
  size: number | readonly number[],
  alreadySorted = false,
): SparseFeature {
  return { kind: 'sparse', indexKey, valueKey, dtype, size, alreadySorted };
}

/** Any spec an Example feature may be parsed with. */
export type ExampleFeatureSpec = FixedLenFeature | VarLenFeature | FixedLenSequenceFeature | SparseFeature;

/** A serialized record: bytes, or a scalar string tensor holding them (read, not disposed). */
export type SerializedRecord = Uint8Array | tf.Tensor;

/**
 * Serializes features as a tf.train.Example.
 * @example
 *   const rec = encodeExample({ image: { floatList: pixels }, label: { int64List: [3] } });
 */
export function encodeExample(features: Readonly<Record<string, Feature>>): Uint8Array {
  const w = new ProtoWriter(256);
  // Example { Features features = 1 }
  w.message(1, (feats) => writeFeatures('encodeExample()', feats, features));
  return w.finish().slice();
}

/** Writes `features` as the body of a tf.train.Features message (`map<string, Feature> feature = 1`). */
export function writeFeatures(api: string, w: ProtoWriter, features: Readonly<Record<string, Feature>>): void {
  for (const [key, f] of Object.entries(features)) {
    w.message(1, (entry) => {
      entry.string(1, key);
      entry.message(2, (feature) => writeFeature(api, key, feature, f));
    });
  }
}

/** Writes one tf.train.Feature's body: `BytesList bytes_list = 1; FloatList float_list = 2; Int64List int64_list = 3`. */
export function writeFeature(api: string, key: string, w: ProtoWriter, f: Feature): void {
  if (f === null || typeof f !== 'object' || (!('floatList' in f) && !('int64List' in f) && !('bytesList' in f))) {
    throw invalidArgument(
      `${api}: feature '${key}' must be {floatList}, {int64List} or {bytesList}. Received ${f === null || typeof f !== 'object' ? String(f) : `keys [${Object.keys(f).join(', ')}]`}.`,
    );
  }
  if ('floatList' in f) w.message(2, (list) => list.packedFloat(1, f.floatList));
  else if ('int64List' in f) {
    // a fraction or a value past 2^53 would be written as some other integer: refuse it
    const v = f.int64List;
    for (let i = 0; i < v.length; i++) {
      if (!Number.isSafeInteger(v[i])) {
        throw invalidArgument(
          `${api}: feature '${key}' int64List[${i}] is ${v[i]}; expected an integer within ±(2^53 - 1), which a JS number holds exactly. Store larger ids as bytesList strings.`,
        );
      }
    }
    w.message(3, (list) => list.packedVarint(1, v));
  } else
    w.message(1, (list) => {
      for (const x of f.bytesList) {
        if (typeof x === 'string') list.string(1, x);
        else list.bytes(1, x);
      }
    });
}

/** The bytes of a record given as bytes or as a scalar string tensor. */
export function recordBytes(api: string, r: SerializedRecord): Uint8Array {
  if (r instanceof Uint8Array) return r;
  if (r instanceof tf.Tensor && r.dtype === 'string' && r.size === 1) {
    // tfjs keeps a string tensor's bytes; dataSync() would decode them as UTF-8 and corrupt binary protos
    const bytes = (tf.backend().readSync(r.dataId) as unknown as Uint8Array[])[0];
    if (bytes instanceof Uint8Array) return bytes;
    return new TextEncoder().encode(stringsOf(api, r)[0]);
  }
  throw invalidArgument(
    `${api}: expected a serialized record as a Uint8Array or a scalar string tensor. Received ${r instanceof tf.Tensor ? `a ${r.dtype} tensor of shape [${r.shape.join(', ')}]` : typeof r}.`,
  );
}

/** The item values of a FixedLenSequenceFeature in an Example: `values` cut into items of the spec's shape. */
function sequenceItems(api: string, key: string, spec: FixedLenSequenceFeature, vals: (number | string)[] | null) {
  if (!spec.allowMissing) {
    throw invalidArgument(
      `${api}: feature '${key}' is a FixedLenSequenceFeature, which in an Example needs allowMissing: true (as in TF).`,
    );
  }
  const v = vals ?? [];
  const n = sizeOf(spec.shape);
  if (n === 0 ? v.length > 0 : v.length % n !== 0) {
    throw new DataError(
      'INVALID_ARGUMENT',
      `${api}: feature '${key}' has ${v.length} values, not a whole number of items of shape [${spec.shape.join(', ')}] (${n} values each).`,
    );
  }
  return { values: v, items: n === 0 ? 0 : v.length / n };
}

/** The entries of a SparseFeature in one Example: index tuples (in range) and values, sorted unless told so. */
function sparseEntries(api: string, spec: SparseFeature, raw: Map<string, Raw>) {
  const keys = typeof spec.indexKey === 'string' ? [spec.indexKey] : [...spec.indexKey];
  const size = typeof spec.size === 'number' ? [spec.size] : [...spec.size];
  if (keys.length !== size.length) {
    throw invalidArgument(
      `${api}: SparseFeature has ${keys.length} index keys but size has ${size.length} dims; expected one size per index key.`,
    );
  }
  const values = rawValues(api, spec.valueKey, raw.get(spec.valueKey), spec.dtype) ?? [];
  const idx = keys.map((k) => (rawValues(api, k, raw.get(k), 'int32') ?? []) as number[]);
  idx.forEach((col, d) => {
    if (col.length !== values.length) {
      throw new DataError(
        'INVALID_ARGUMENT',
        `${api}: SparseFeature index '${keys[d]}' has ${col.length} values but '${spec.valueKey}' has ${values.length}; expected one index per value.`,
      );
    }
    const bad = col.findIndex((x) => x < 0 || x >= size[d]!);
    if (bad >= 0) {
      throw new DataError(
        'INVALID_ARGUMENT',
        `${api}: SparseFeature index '${keys[d]}' value ${col[bad]} is outside [0, ${size[d]}).`,
      );
    }
  });
  let order = values.map((_, i) => i);
  if (!spec.alreadySorted) {
    order = order.sort((a, b) => {
      for (const col of idx) if (col[a] !== col[b]) return col[a]! - col[b]!;
      return 0;
    });
  }
  return { order, idx, values, size };
}

/**
 * Parses one serialized Example into tensors: FixedLen → dense of `shape`; VarLen and Sparse →
 * {@link SparseValues}; FixedLenSequence → dense `[items, ...shape]`.
 * @example
 *   const { image, label } = parseSingleExample(record, { image: fixedLenFeature([784], 'float32'), label: fixedLenFeature([], 'int32') });
 */
export function parseSingleExample(
  serialized: SerializedRecord,
  features: Readonly<Record<string, ExampleFeatureSpec>>,
): Record<string, tf.Tensor | SparseValues> {
  const api = 'parseSingleExample()';
  const raw = decodeExample(recordBytes(api, serialized));
  const out: Record<string, tf.Tensor | SparseValues> = {};
  return disposingOnError(out, () => {
    for (const [key, spec] of Object.entries(features)) {
      if (spec.kind === 'sparse') {
        const { order, idx, values, size } = sparseEntries(api, spec, raw);
        const flat = order.flatMap((i) => idx.map((col) => col[i]!));
        out[key] = sparse(
          flat,
          size.length,
          order.map((i) => values[i]!),
          spec.dtype,
          size,
        );
        continue;
      }
      const vals = rawValues(api, key, raw.get(key), spec.dtype);
      if (spec.kind === 'fixedLen') {
        out[key] = tf.tensor(fixedValues(api, key, spec, vals) as number[], spec.shape as number[], spec.dtype);
      } else if (spec.kind === 'fixedLenSequence') {
        const { values, items } = sequenceItems(api, key, spec, vals);
        out[key] = tf.tensor(values as number[], [items, ...spec.shape], spec.dtype);
      } else {
        const v = vals ?? [];
        out[key] = sparse(
          v.map((_, i) => i),
          1,
          v,
          spec.dtype,
          [v.length],
        );
      }
    }
    return out;
  });
}

/**
 * Parses a batch of serialized Examples: FixedLen → [N, ...shape]; VarLen → SparseValues of dense shape [N, max];
 * Sparse → dense shape [N, ...size]; FixedLenSequence → [N, maxItems, ...shape] padded with its defaultValue.
 * @example
 *   const batch = parseExample(records, { label: fixedLenFeature([], 'int32') });
 */
export function parseExample(
  records: readonly Uint8Array[] | tf.Tensor,
  features: Readonly<Record<string, ExampleFeatureSpec>>,
): Record<string, tf.Tensor | SparseValues> {
  const api = 'parseExample()';
  const list = records instanceof tf.Tensor ? tf.unstack(tf.reshape(records, [-1])) : records;
  let raws: Map<string, Raw>[];
  try {
    raws = list.map((r) => decodeExample(recordBytes(api, r)));
  } finally {
    if (records instanceof tf.Tensor) tf.dispose(list as tf.Tensor[]);
  }
  const n = raws.length;
  const out: Record<string, tf.Tensor | SparseValues> = {};
  return disposingOnError(out, () => {
    for (const [key, spec] of Object.entries(features)) {
      if (spec.kind === 'sparse') {
        const flat: number[] = [];
        const vals: (number | string)[] = [];
        let size: number[] = [];
        raws.forEach((raw, b) => {
          const e = sparseEntries(api, spec, raw);
          size = e.size;
          for (const i of e.order) {
            flat.push(b, ...e.idx.map((col) => col[i]!));
            vals.push(e.values[i]!);
          }
        });
        const rank = (typeof spec.size === 'number' ? 1 : spec.size.length) + 1;
        out[key] = sparse(flat, rank, vals, spec.dtype, [
          n,
          ...(size.length ? size : typeof spec.size === 'number' ? [spec.size] : [...spec.size]),
        ]);
        continue;
      }
      const per = raws.map((raw) => rawValues(api, key, raw.get(key), spec.dtype));
      if (spec.kind === 'fixedLen') {
        const flat = per.flatMap((v) => fixedValues(api, key, spec, v));
        out[key] = tf.tensor(flat as number[], [n, ...spec.shape], spec.dtype);
      } else if (spec.kind === 'fixedLenSequence') {
        const rows = per.map((v) => sequenceItems(api, key, spec, v));
        const max = Math.max(0, ...rows.map((r) => r.items));
        const fill = spec.defaultValue ?? (spec.dtype === 'string' ? '' : 0);
        const flat = padRows(
          rows.map((r) => r.values),
          max,
          sizeOf(spec.shape),
          fill,
        );
        out[key] = tf.tensor(flat as number[], [n, max, ...spec.shape], spec.dtype);
      } else {
        const idx: number[] = [];
        const vals: (number | string)[] = [];
        let max = 0;
        per.forEach((v, i) => {
          (v ?? []).forEach((x, j) => {
            idx.push(i, j);
            vals.push(x);
          });
          max = Math.max(max, v?.length ?? 0);
        });
        out[key] = sparse(idx, 2, vals, spec.dtype, [n, max]);
      }
    }
    return out;
  });
}
