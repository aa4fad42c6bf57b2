/**
 * The value lists of tf.train.Feature messages and their conversion to tensor values under a feature spec, shared
 * by Example and SequenceExample parsing. Owns: reading Features / Feature protos, dtype and int32-range checks,
 * FixedLen defaults, and freeing half-built outputs. Does not own: the spec types or the public parsers.
 */
import { ProtoDecodeError, ProtoReader, text, toInt64, varints } from '@estimatorjs/io';
import * as tf from '@tensorflow/tfjs-core';
import { DataError } from '../errors.js';
import type { FeatureDtype, SparseValues } from '../example.js';

type FixedLenDefault = number | string | readonly (number | string)[];

export type Raw =
  | { kind: 'float' | 'int64'; values: number[]; wire?: Uint8Array[] }
  | { kind: 'bytes'; values: Uint8Array[] };

/** `wire.length` when every one of the `n` values came from the packed fields `wire` (none were unpacked). */
function countPacked(wire: readonly Uint8Array[], n: number): number {
  let k = 0;
  for (const bytes of wire) for (const b of bytes) if (b < 0x80) k++;
  return k === n ? wire.length : -1;
}

/** The exact signed value of the `index`-th varint in packed int64 fields `wire` (for error messages past 2^53). */
function exactInt64(wire: readonly Uint8Array[], index: number): string | null {
  let k = 0;
  for (const bytes of wire) {
    let v = 0n;
    let shift = 0n;
    for (const b of bytes) {
      v |= BigInt(b & 0x7f) << shift;
      shift += 7n;
      if (b < 0x80) {
        if (k++ === index) return BigInt.asIntN(64, v).toString();
        v = 0n;
        shift = 0n;
      }
    }
  }
  return null;
}

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
    if (ex.field === 1 && ex.wireType === 2) readFeatures(ex.bytes, out);
  }
  return out;
}

/** The entries of a tf.train.Features message (`map<string, Feature> feature = 1`), added to `out`. */
export function readFeatures(bytes: Uint8Array, out: Map<string, Raw> = new Map()): Map<string, Raw> {
  for (const feats of new ProtoReader(bytes, 'tf.train.Features').fields()) {
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
  return out;
}

const LISTS = ['', 'tf.train.BytesList', 'tf.train.FloatList', 'tf.train.Int64List'] as const;

export function readFeature(bytes: Uint8Array): Raw {
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
      // keep the packed bytes of int64 lists, so an error can show a value past 2^53 exactly
      const wire: Uint8Array[] = [];
      for (const v of list.fields()) {
        if (v.field !== 1) continue;
        if (f.field === 3 && v.wireType === 2) wire.push(v.bytes);
        // packed (one field holding them all) or not (one field per value)
        const got = f.field === 2 ? list.floats(v) : varints(v, 'tf.train.Int64List.value');
        for (const x of got) values.push(f.field === 2 ? x : toInt64(x));
      }
      raw = {
        kind: f.field === 2 ? 'float' : 'int64',
        values,
        ...(wire.length && wire.length === countPacked(wire, values.length) ? { wire } : {}),
      };
    }
  }
  return raw;
}

export function rawValues(
  api: string,
  key: string,
  raw: Raw | undefined,
  dtype: FeatureDtype,
): (number | string)[] | null {
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
        `${api}: feature '${key}' value ${(raw.wire && exactInt64(raw.wire, i)) ?? raw.values[i]} (int64_list index ${i}) does not fit dtype 'int32' [-2147483648, 2147483647]. Expected int32-sized values; store larger ones (timestamps, ids) as bytes_list and parse them with dtype 'string'.`,
      );
    }
  }
  return raw.values;
}

export function fixedValues(
  api: string,
  key: string,
  spec: { readonly shape: readonly number[]; readonly defaultValue?: FixedLenDefault },
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

/** Runs `build`, which fills `out`; when it throws, frees the tensors already put in `out` before rethrowing. */
export function disposingOnError<T>(out: Record<string, tf.Tensor | SparseValues>, build: () => T): T {
  try {
    return build();
  } catch (e) {
    for (const v of Object.values(out)) tf.dispose(v instanceof tf.Tensor ? v : [v.indices, v.values]);
    throw e;
  }
}

/** The number of values one item of `shape` holds. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** A SparseValues from COO entries (`indices` flat, `rank` per entry); the caller owns the tensors. */
export function sparse(
  indices: number[],
  rank: number,
  values: (number | string)[],
  dtype: FeatureDtype,
  denseShape: number[],
): SparseValues {
  const idx = tf.tensor2d(indices, [values.length, rank], 'int32');
  try {
    return { indices: idx, values: tf.tensor1d(values as number[], dtype), denseShape };
  } catch (e) {
    idx.dispose();
    throw e;
  }
}

/** A padded dense value list: each of `rows` padded with `fill` to `max` items of `itemSize` values. */
export function padRows(rows: readonly (number | string)[][], max: number, itemSize: number, fill: number | string) {
  const out: (number | string)[] = [];
  for (const r of rows) {
    out.push(...r);
    for (let k = r.length; k < max * itemSize; k++) out.push(fill);
  }
  return out;
}
