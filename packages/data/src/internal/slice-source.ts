/**
 * Builds the in-memory column source behind `Dataset.fromTensorSlices` from tensors, typed arrays,
 * number arrays and placeholders (resolved from a feed at iteration time).
 */
import * as tf from '@tensorflow/tfjs-core';
import { DataError, invalidArgument } from '../errors.js';
import { Placeholder } from '../placeholder.js';
import type { Column, ColumnArray, SliceSource } from './lazy.js';
import { isPlainObject, mapStructure } from './structure.js';

/** Typed arrays accepted as columns. */
export type NumericArray =
  | Float32Array
  | Float64Array
  | Int32Array
  | Int16Array
  | Int8Array
  | Uint32Array
  | Uint16Array
  | Uint8Array
  | Uint8ClampedArray;

/** A value `initialize()` accepts for a placeholder. */
export type FeedValue = tf.Tensor | NumericArray | readonly number[] | readonly string[];

type Spec =
  | { kind: 'column'; column: Column; length: number; path: string }
  | { kind: 'placeholder'; ph: Placeholder; path: string };

/** True for leaves of a slice input (not containers). */
export function isSliceLeaf(x: unknown): boolean {
  if (x instanceof tf.Tensor || x instanceof Placeholder || ArrayBuffer.isView(x)) return true;
  if (!Array.isArray(x)) return false;
  // a non-empty string[] is one column of strings; [] stays an (empty) tuple
  return x.every((v) => typeof v === 'number') || (x.length > 0 && x.every((v) => typeof v === 'string'));
}

const utf8 = new TextEncoder();

function product(shape: readonly number[]): number {
  let p = 1;
  for (const d of shape) p *= d;
  return p;
}

function fromTypedArray(api: string, arr: unknown, path: string): { data: Column['data']; dtype: Column['dtype'] } {
  if (arr instanceof Float32Array || arr instanceof Int32Array) {
    return { data: arr, dtype: arr instanceof Float32Array ? 'float32' : 'int32' };
  }
  if (arr instanceof Float64Array) return { data: Float32Array.from(arr), dtype: 'float32' };
  if (
    arr instanceof Int16Array ||
    arr instanceof Int8Array ||
    arr instanceof Uint16Array ||
    arr instanceof Uint8Array ||
    arr instanceof Uint8ClampedArray ||
    arr instanceof Uint32Array
  ) {
    return { data: Int32Array.from(arr), dtype: 'int32' };
  }
  if (Array.isArray(arr) && arr.length > 0 && arr.every((v) => typeof v === 'string')) {
    // stored as the UTF-8 bytes tfjs keeps for a string tensor, so rows become tensors without re-encoding
    return { data: arr.map((v: string) => utf8.encode(v)), dtype: 'string' };
  }
  if (Array.isArray(arr)) return { data: Float32Array.from(arr as number[]), dtype: 'float32' };
  throw invalidArgument(
    `${api}: '${path}' must be a Tensor, a numeric TypedArray, a number[] or a string[]. Received ${Object.prototype.toString.call(arr)}.`,
  );
}

// Reading a tensor's values copies them out of backends that keep tensors in their own memory (wasm, webgl,
// webgpu, tfjs-node): ~0.1 s for MNIST's 60000×784 floats, paid by every fromTensorSlices (an input_fn runs
// once per train()/evaluate() call). Tensors are immutable, so pipelines built on the same live tensor share
// one copy, kept as long as the tensor object is reachable. On cpu, dataSync returns the backend's own array.
const copies = new WeakMap<tf.Tensor, Column['data']>();
function tensorValues(t: tf.Tensor): Column['data'] {
  if (tf.getBackend() === 'cpu') return t.dataSync() as Column['data'];
  let values = copies.get(t);
  if (!values) {
    values = t.dataSync() as Column['data'];
    copies.set(t, values);
  }
  return values;
}

/** Makes a column from a tensor (its values are read once, now) or an array (one scalar per row unless `rowShape`). */
export function toColumn(
  api: string,
  value: unknown,
  path: string,
  declared?: { shape?: readonly number[]; dtype?: 'float32' | 'int32' | 'string' },
): { column: Column; length: number } {
  let data: Column['data'];
  let dtype: Column['dtype'];
  let rowShape: readonly number[];
  let length: number;
  if (value instanceof tf.Tensor) {
    if (value.isDisposed) throw invalidArgument(`${api}: the tensor for '${path}' is disposed.`);
    if (value.rank === 0) {
      throw invalidArgument(`${api}: cannot slice '${path}': expected a tensor of rank >= 1. Received a scalar.`);
    }
    if (value.dtype === 'complex64') {
      throw invalidArgument(`${api}: '${path}' has dtype ${value.dtype}; expected float32, int32, bool or string.`);
    }
    data = tensorValues(value);
    dtype = value.dtype as Column['dtype'];
    rowShape = value.shape.slice(1);
    length = value.shape[0]!;
    if (declared?.shape && rowShape.join(',') !== declared.shape.join(',')) {
      throw invalidArgument(
        `${api}: '${path}' expects rows of shape [${declared.shape.join(', ')}]. Received a tensor of shape [${value.shape.join(', ')}].`,
      );
    }
  } else {
    ({ data, dtype } = fromTypedArray(api, value, path));
    rowShape = declared?.shape ?? [];
    const rowSize = product(rowShape);
    if (rowSize === 0 ? data.length !== 0 : data.length % rowSize !== 0) {
      throw invalidArgument(
        `${api}: '${path}' has ${data.length} values, which is not a multiple of the row shape [${rowShape.join(', ')}] (${rowSize} values per row).`,
      );
    }
    length = rowSize === 0 ? 0 : data.length / rowSize;
  }
  if (declared?.dtype && declared.dtype !== dtype && (declared.dtype === 'string' || dtype === 'string')) {
    throw invalidArgument(
      `${api}: '${path}' is declared ${declared.dtype} but was fed ${dtype} values. Expected ${declared.dtype === 'string' ? 'a string[] or string tensor' : 'numbers'}.`,
    );
  }
  if (declared?.dtype && declared.dtype !== dtype) {
    const nums = data as ColumnArray;
    data = declared.dtype === 'float32' ? Float32Array.from(nums) : Int32Array.from(nums);
    dtype = declared.dtype;
  }
  return { column: { data, dtype, rowShape, rowSize: product(rowShape) }, length };
}

/** A slice source whose placeholders are resolved per feed. */
export class SliceSourceBuilder {
  private readonly specs: Spec[] = [];
  private readonly template: unknown;
  private readonly fixed: SliceSource | null;
  private readonly perFeed = new WeakMap<object, SliceSource>();
  readonly placeholders: readonly Placeholder[];
  /** Nested plain number arrays in the input (`number[][]`): read as tuples of columns, often meant as matrices. */
  private readonly nestedArrays: { path: string; rows: number; width: number }[] = [];

  constructor(
    private readonly api: string,
    input: unknown,
  ) {
    const walk = (x: unknown, path: string): unknown => {
      if (isSliceLeaf(x)) {
        const i = this.specs.length;
        if (x instanceof Placeholder) this.specs.push({ kind: 'placeholder', ph: x, path: path || x.name });
        else this.specs.push({ kind: 'column', ...toColumn(api, x, path || '(input)'), path: path || '(input)' });
        return i;
      }
      if (Array.isArray(x)) {
        if (x.every((v) => Array.isArray(v) && v.every((n) => typeof n === 'number')))
          this.nestedArrays.push({ path: path || '(input)', rows: x.length, width: (x[0] as number[]).length });
        if (x.length === 0)
          throw invalidArgument(`${api}: '${path || '(input)'}' is an empty tuple; expected columns.`);
        return x.map((v, i) => walk(v, `${path}[${i}]`));
      }
      if (isPlainObject(x)) {
        const out: Record<string, unknown> = {};
        for (const k of Object.keys(x)) out[k] = walk(x[k], path ? `${path}.${k}` : k);
        return out;
      }
      throw invalidArgument(
        `${api}: '${path || '(input)'}' must be a Tensor, TypedArray, number[], placeholder() or an object/array of them. Received ${x === null ? 'null' : typeof x}.`,
      );
    };
    this.template = walk(input, '');
    this.placeholders = this.specs.flatMap((s) => (s.kind === 'placeholder' ? [s.ph] : []));
    this.fixed = this.placeholders.length === 0 ? this.build(null) : null;
  }

  /** The number of rows, when known without a feed. */
  get length(): number | null {
    return this.fixed ? this.fixed.length : null;
  }

  /** The source for `feed` (placeholders resolved). */
  resolve(feed: ReadonlyMap<string, FeedValue> | null): SliceSource {
    if (this.fixed) return this.fixed;
    if (feed === null) return this.build(feed);
    // one source per feed, so rows of every epoch of one initialized iterator batch together
    let s = this.perFeed.get(feed);
    if (!s) {
      s = this.build(feed);
      this.perFeed.set(feed, s);
    }
    return s;
  }

  private build(feed: ReadonlyMap<string, FeedValue> | null): SliceSource {
    const columns: Column[] = [];
    const lengths: { path: string; length: number }[] = [];
    for (const s of this.specs) {
      if (s.kind === 'column') {
        columns.push(s.column);
        lengths.push({ path: s.path, length: s.length });
        continue;
      }
      const v = feed?.get(s.ph.name);
      if (v === undefined) {
        throw new DataError(
          'FAILED_PRECONDITION',
          feed === null
            ? `${this.api}: placeholder '${s.ph.name}' has no value. Create an iterator with makeInitializableIterator() and call initialize({ ${s.ph.name}: ... }) before reading.`
            : `${this.api}: initialize() fed no value for placeholder '${s.ph.name}'. Received keys: [${[...feed.keys()].join(', ')}].`,
        );
      }
      const { column, length } = toColumn(`${this.api} (initialize)`, v, s.ph.name, {
        shape: s.ph.shape,
        dtype: s.ph.dtype,
      });
      columns.push(column);
      lengths.push({ path: s.path, length });
    }
    const n = lengths[0]?.length ?? 0;
    if (lengths.some((l) => l.length !== n)) {
      const nested = this.nestedArrays[0];
      if (nested) {
        // fromTensorSlices({ xs: rows, ys }) with rows a number[][]: TF would make rows a matrix; here a plain array
        // is a tuple, so rows became `rows.length` columns of `width` values and the sizes disagree.
        const shown = lengths.slice(0, 4).map((l) => `${l.path}: ${l.length}`);
        throw invalidArgument(
          `${this.api}: '${nested.path}' is a nested plain array (${nested.rows} rows of ${nested.width}), read as a tuple of ${nested.rows} columns, not as rows; pass tf.tensor2d(rows) in its place to slice a matrix by rows. Components differ in size along dim 0 (${shown.join(', ')}${lengths.length > 4 ? ', …' : ''}).`,
        );
      }
      throw invalidArgument(
        `${this.api}: all components must have the same size along dim 0. Received ${lengths.map((l) => `${l.path}: ${l.length}`).join(', ')}.`,
      );
    }
    return { template: mapStructure(this.template, (l) => l), columns, length: n };
  }
}
