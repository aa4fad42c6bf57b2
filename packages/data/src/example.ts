/**
 * tf.train.Example: encode, and parse with FixedLen / VarLen feature specs (TF's `tf.io.parse_single_example`
 * and `tf.io.parse_example`). Protobuf is decoded by hand; no generated code.
 */
import * as tf from '@tensorflow/tfjs-core';
import { DataError, invalidArgument } from './errors.js';
import { ProtoReader, ProtoWriter } from './internal/protobuf.js';

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
  const out = new Map<string, Raw>();
  const ex = new ProtoReader(bytes);
  const dec = new TextDecoder();
  while (!ex.done) {
    const tag = ex.varint();
    if (tag >>> 3 !== 1 || (tag & 7) !== 2) {
      ex.skip(tag & 7);
      continue;
    }
    const feats = ex.sub();
    while (!feats.done) {
      const t = feats.varint();
      if (t >>> 3 !== 1 || (t & 7) !== 2) {
        feats.skip(t & 7);
        continue;
      }
      const entry = feats.sub();
      let key = '';
      let raw: Raw = { kind: 'bytes', values: [] };
      while (!entry.done) {
        const et = entry.varint();
        if (et >>> 3 === 1 && (et & 7) === 2) key = dec.decode(entry.bytes());
        else if (et >>> 3 === 2 && (et & 7) === 2) raw = decodeFeature(entry.sub());
        else entry.skip(et & 7);
      }
      out.set(key, raw);
    }
  }
  return out;
}

function decodeFeature(r: ProtoReader): Raw {
  let raw: Raw = { kind: 'bytes', values: [] };
  while (!r.done) {
    const t = r.varint();
    const field = t >>> 3;
    if ((t & 7) !== 2 || field < 1 || field > 3) {
      r.skip(t & 7);
      continue;
    }
    const list = r.sub();
    if (field === 1) {
      const values: Uint8Array[] = [];
      while (!list.done) {
        const lt = list.varint();
        if (lt === 0x0a) values.push(list.bytes());
        else list.skip(lt & 7);
      }
      raw = { kind: 'bytes', values };
    } else {
      const values: number[] = [];
      while (!list.done) {
        const lt = list.varint();
        const wire = lt & 7;
        if (lt >>> 3 !== 1) list.skip(wire);
        else if (wire === 2) {
          const packed = list.sub();
          while (!packed.done) values.push(field === 2 ? packed.float() : packed.int64());
        } else values.push(field === 2 ? list.float() : list.int64());
      }
      raw = { kind: field === 2 ? 'float' : 'int64', values };
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
  const enc = new TextEncoder();
  const feats = new ProtoWriter();
  for (const [key, f] of Object.entries(features)) {
    const list = new ProtoWriter();
    let field: number;
    if ('floatList' in f) {
      field = 2;
      const b = new Uint8Array(f.floatList.length * 4);
      const v = new DataView(b.buffer);
      for (let i = 0; i < f.floatList.length; i++) v.setFloat32(i * 4, f.floatList[i]!, true);
      list.bytes(1, b);
    } else if ('int64List' in f) {
      field = 3;
      const packed = new ProtoWriter();
      for (let i = 0; i < f.int64List.length; i++) packed.varint(f.int64List[i]!);
      list.bytes(1, packed.finish());
    } else if ('bytesList' in f) {
      field = 1;
      for (const x of f.bytesList) list.bytes(1, typeof x === 'string' ? enc.encode(x) : x);
    } else {
      throw invalidArgument(
        `encodeExample(): feature '${key}' must be {floatList}, {int64List} or {bytesList}. Received keys [${Object.keys(f).join(', ')}].`,
      );
    }
    const feature = new ProtoWriter().bytes(field, list.finish()).finish();
    const entry = new ProtoWriter().bytes(1, enc.encode(key)).bytes(2, feature).finish();
    feats.bytes(1, entry);
  }
  return new ProtoWriter().bytes(1, feats.finish()).finish();
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
 *   const { image, label } = parseSingleExample(rec, { image: fixedLenFeature([784], 'float32'), label: fixedLenFeature([], 'int32') });
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
