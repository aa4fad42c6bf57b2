/**
 * tf.train.Example: encode, and parse with FixedLen / VarLen feature specs (TF's `tf.io.parse_single_example`
 * and `tf.io.parse_example`). Protobuf is decoded by hand; no generated code.
 */
import { ProtoDecodeError, ProtoReader, ProtoWriter, text, toInt64, varints } from '@estimatorjs/io';
import * as tf from '@tensorflow/tfjs-core';
import { DataError, invalidArgument } from './errors.js';

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

type Raw = { kind: 'float' | 'int64'; values: number[] } | { kind: 'bytes'; values: Uint8Array[] };

/** Decodes an Example's features to raw value lists. */
export function decodeExample(bytes: Uint8Array): Map<string, Raw> {
  try {
    return readExample(bytes);
  } catch (e) {
    if (!(e instanceof ProtoDecodeError)) throw e;
    throw new DataError('DATA_LOSS', `parseExample(): ${e.message} Expected a serialized tf.train.Example.`, {
      cause: e,
    });
  }
}

function readExample(bytes: Uint8Array): Map<string, Raw> {
  const out = new Map<string, Raw>();
  for (const ex of new ProtoReader(bytes, 'tf.train.Example').fields()) {
    if (ex.field !== 1 || ex.wireType !== 2) continue;
    for (const feats of new ProtoReader(ex.bytes, 'tf.train.Features').fields()) {
      if (feats.field !== 1 || feats.wireType !== 2) continue;
      let key = '';
      let raw: Raw = { kind: 'bytes', values: [] };
      for (const entry of new ProtoReader(feats.bytes, 'tf.train.Features.FeatureEntry').fields()) {
        if (entry.wireType !== 2) continue;
        if (entry.field === 1) key = text(entry.bytes);
        else if (entry.field === 2) raw = readFeature(entry.bytes);
      }
      out.set(key, raw);
    }
  }
  return out;
}

const LISTS = ['', 'tf.train.BytesList', 'tf.train.FloatList', 'tf.train.Int64List'] as const;

function readFeature(bytes: Uint8Array): Raw {
  let raw: Raw = { kind: 'bytes', values: [] };
  for (const f of new ProtoReader(bytes, 'tf.train.Feature').fields()) {
    if (f.wireType !== 2 || f.field < 1 || f.field > 3) continue;
    const list = new ProtoReader(f.bytes, LISTS[f.field]!);
    if (f.field === 1) {
      const values: Uint8Array[] = [];
      for (const v of list.fields()) if (v.field === 1 && v.wireType === 2) values.push(v.bytes);
      raw = { kind: 'bytes', values };
    } else {
      const values: number[] = [];
      for (const v of list.fields()) {
        if (v.field !== 1) continue;
        // packed (one field holding them all) or not (one field per value)
        const got = f.field === 2 ? list.floats(v) : varints(v, 'tf.train.Int64List.value');
        for (const x of got) values.push(f.field === 2 ? x : toInt64(x));
      }
      raw = { kind: f.field === 2 ? 'float' : 'int64', values };
    }
  }
  return raw;
}

/**
 * Serializes features as a tf.train.Example.
 * @example
 *   const rec = encodeExample({ image: { floatList: pixels }, label: { int64List: [3] } });
 */
export function encodeExample(features: Readonly<Record<string, Feature>>): Uint8Array {
  const w = new ProtoWriter(256);
  // Example { Features features = 1 { map<string, Feature> feature = 1 } }
  w.message(1, (feats) => {
    for (const [key, f] of Object.entries(features)) {
      if (!('floatList' in f) && !('int64List' in f) && !('bytesList' in f)) {
        throw invalidArgument(
          `encodeExample(): feature '${key}' must be {floatList}, {int64List} or {bytesList}. Received keys [${Object.keys(f).join(', ')}].`,
        );
      }
      feats.message(1, (entry) => {
        entry.string(1, key);
        entry.message(2, (feature) => {
          // Feature { BytesList bytes_list = 1; FloatList float_list = 2; Int64List int64_list = 3 }, values packed
          if ('floatList' in f) feature.message(2, (list) => list.packedFloat(1, f.floatList));
          else if ('int64List' in f) feature.message(3, (list) => list.packedVarint(1, f.int64List));
          else
            feature.message(1, (list) => {
              for (const x of f.bytesList) {
                if (typeof x === 'string') list.string(1, x);
                else list.bytes(1, x);
              }
            });
        });
      });
    }
  });
  return w.finish().slice();
}

function rawValues(api: string, key: string, raw: Raw | undefined, dtype: FeatureDtype): (number | string)[] | null {
  if (!raw) return null;
  if (dtype === 'string') {
    if (raw.kind !== 'bytes')
      throw new DataError(
        'INVALID_ARGUMENT',
        `${api}: feature '${key}' holds a ${raw.kind}_list; the spec expects bytes (dtype 'string').`,
      );
    const dec = new TextDecoder();
    return raw.values.map((b) => dec.decode(b));
  }
  if (raw.kind === 'bytes') {
    if (raw.values.length === 0) return [];
    throw new DataError(
      'INVALID_ARGUMENT',
      `${api}: feature '${key}' holds a bytes_list; the spec expects ${dtype === 'float32' ? 'float_list' : 'int64_list'}.`,
    );
  }
  if ((dtype === 'float32') !== (raw.kind === 'float') && raw.values.length > 0) {
    throw new DataError(
      'INVALID_ARGUMENT',
      `${api}: feature '${key}' holds a ${raw.kind}_list; the spec expects ${dtype === 'float32' ? 'float_list' : 'int64_list'}.`,
    );
  }
  if (dtype === 'int32') {
    // tfjs has no int64: a value outside int32 would wrap silently (2^40 → 0, a ms timestamp → negative).
    const i = raw.values.findIndex((v) => !(v >= -2147483648 && v <= 2147483647));
    if (i >= 0) {
      throw new DataError(
        'INVALID_ARGUMENT',
        `${api}: feature '${key}' value ${raw.values[i]} (int64_list index ${i}) does not fit dtype 'int32' [-2147483648, 2147483647]. Expected int32-sized values; store larger ones (timestamps, ids) as bytes_list and parse them with dtype 'string'.`,
      );
    }
  }
  return raw.values;
}

function fixedValues(
  api: string,
  key: string,
  spec: FixedLenFeature,
  values: (number | string)[] | null,
): (number | string)[] {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  if (values === null || values.length === 0) {
    if (spec.defaultValue === undefined)
      throw new DataError(
        'INVALID_ARGUMENT',
        `${api}: feature '${key}' is missing and its FixedLenFeature has no defaultValue.`,
      );
    const d = spec.defaultValue;
    return Array.isArray(d) ? [...d] : new Array(n).fill(d);
  }
  if (values.length !== n) {
    throw new DataError(
      'INVALID_ARGUMENT',
      `${api}: feature '${key}' has ${values.length} values; FixedLenFeature shape [${spec.shape.join(', ')}] expects ${n}.`,
    );
  }
  return values;
}

/**
 * Parses one serialized Example into tensors (FixedLen → dense of `shape`; VarLen → {@link SparseValues}).
 * @example
 *   const { image, label } = parseSingleExample(record, { image: fixedLenFeature([784], 'float32'), label: fixedLenFeature([], 'int32') });
 */
export function parseSingleExample(
  bytes: Uint8Array,
  features: Readonly<Record<string, FixedLenFeature | VarLenFeature>>,
): Record<string, tf.Tensor | SparseValues> {
  const api = 'parseSingleExample()';
  const raw = decodeExample(bytes);
  const out: Record<string, tf.Tensor | SparseValues> = {};
  return disposingOnError(out, () => {
    for (const [key, spec] of Object.entries(features)) {
      const vals = rawValues(api, key, raw.get(key), spec.dtype);
      if (spec.kind === 'fixedLen') {
        out[key] = tf.tensor(fixedValues(api, key, spec, vals) as number[], spec.shape as number[], spec.dtype);
      } else {
        const v = vals ?? [];
        out[key] = {
          indices: tf.tensor2d(
            v.map((_, i) => i),
            [v.length, 1],
            'int32',
          ),
          values: tf.tensor1d(v as number[], spec.dtype),
          denseShape: [v.length],
        };
      }
    }
    return out;
  });
}

/**
 * Parses a batch of serialized Examples (FixedLen → [N, ...shape]; VarLen → SparseValues of dense shape [N, max]).
 * @example
 *   const batch = parseExample(records, { label: fixedLenFeature([], 'int32') });
 */
export function parseExample(
  records: readonly Uint8Array[],
  features: Readonly<Record<string, FixedLenFeature | VarLenFeature>>,
): Record<string, tf.Tensor | SparseValues> {
  const api = 'parseExample()';
  const raws = records.map((r) => decodeExample(r));
  const out: Record<string, tf.Tensor | SparseValues> = {};
  return disposingOnError(out, () => {
    for (const [key, spec] of Object.entries(features)) {
      const per = raws.map((raw) => rawValues(api, key, raw.get(key), spec.dtype));
      if (spec.kind === 'fixedLen') {
        const flat = per.flatMap((v) => fixedValues(api, key, spec, v));
        out[key] = tf.tensor(flat as number[], [records.length, ...spec.shape], spec.dtype);
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
        out[key] = {
          indices: tf.tensor2d(idx, [vals.length, 2], 'int32'),
          values: tf.tensor1d(vals as number[], spec.dtype),
          denseShape: [records.length, max],
        };
      }
    }
    return out;
  });
}

/** Runs `build`, which fills `out`; when it throws, frees the tensors already put in `out` before rethrowing. */
function disposingOnError<T>(out: Record<string, tf.Tensor | SparseValues>, build: () => T): T {
  try {
    return build();
  } catch (e) {
    for (const v of Object.values(out)) tf.dispose(v instanceof tf.Tensor ? v : [v.indices, v.values]);
    throw e;
  }
}
