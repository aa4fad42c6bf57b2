/**
 * Lazy elements: rows of an in-memory column source that have not been turned into tensors yet.
 * Owns: the fast path slices → shuffle → repeat → batch that copies each batch once. Stages that only
 * move elements around pass these through; anything that looks at values calls {@link materialize}.
 * The result is indistinguishable from creating one tensor per element.
 */

import * as tf from '@tensorflow/tfjs-core';
import { disposeElement, mapStructure } from './structure.js';
import { applyVectorized, type VectorizedMap } from './vectorized-map.js';
import { type ColumnArray, fillNewTensor } from './writable-tensor.js';

export type { ColumnArray };

/** One leaf of a slice source: N rows of `rowShape`, stored flat. */
export interface Column {
  /** The values; a string column holds strings or their UTF-8 bytes (tf.tensor takes either). */
  readonly data: ColumnArray | readonly (Uint8Array | string)[];
  readonly dtype: 'float32' | 'int32' | 'bool' | 'string';
  readonly rowShape: readonly number[];
  readonly rowSize: number;
}

/** In-memory columns plus the structure they form (leaves of `template` are column indices). */
export interface SliceSource {
  readonly template: unknown;
  readonly columns: readonly Column[];
  readonly length: number;
  /** Vectorized `map` functions still to apply, in order, to every materialized row or batch. */
  readonly maps?: readonly VectorizedMap[];
}

/** Base of lazy elements. */
export abstract class LazyElement {
  /** Creates the element's tensors; the caller owns them. */
  abstract materialize(): unknown;
}

/** Row `row` of `source`. */
export class SliceRow extends LazyElement {
  constructor(
    readonly source: SliceSource,
    readonly row: number,
  ) {
    super();
  }
  materialize(): unknown {
    const { columns, template, maps } = this.source;
    const row = this.row;
    const x = mapStructure(template, (leaf) => {
      const c = columns[leaf as number]!;
      const start = row * c.rowSize;
      return tf.tensor(c.data.slice(start, start + c.rowSize) as tf.TypedArray, c.rowShape as number[], c.dtype);
    });
    return maps ? applyVectorized(maps, x) : x;
  }
}

/** Rows `rows` of `source`, stacked along a new dim 0 when materialized. */
export class SliceRows extends LazyElement {
  constructor(
    readonly source: SliceSource,
    readonly rows: ArrayLike<number>,
  ) {
    super();
  }
  materialize(): unknown {
    const x = gatherRows(this.source, this.rows);
    const maps = this.source.maps;
    if (!maps) return x;
    const rows = this.rows;
    const source = this.source;
    return applyVectorized(maps, x, rows.length, (count) => {
      const out: unknown[] = [];
      try {
        for (let k = 0; k < count; k++) out.push(new SliceRow(source, rows[k]!).materialize());
      } catch (e) {
        for (const o of out) disposeElement(o);
        throw e;
      }
      return out;
    });
  }
}

/** One tensor per leaf holding `rows` of `source` stacked along dim 0 (no maps applied); one copy per leaf. */
export function gatherRows(source: SliceSource, rows: ArrayLike<number>): unknown {
  const { columns, template } = source;
  const n = rows.length;
  return mapStructure(template, (leaf) => {
    const c = columns[leaf as number]!;
    const rs = c.rowSize;
    if (c.dtype === 'string') {
      const bytes = c.data as readonly (Uint8Array | string)[];
      const out = new Array<Uint8Array | string>(n * rs);
      for (let i = 0, o = 0; i < n; i++) for (let j = 0, s = rows[i]! * rs; j < rs; j++) out[o++] = bytes[s + j]!;
      return tf.tensor(out as Uint8Array[], [n, ...c.rowShape], 'string');
    }
    const data = c.data as ColumnArray;
    return fillNewTensor([n, ...c.rowShape], c.dtype as 'float32' | 'int32' | 'bool', (out) => {
      if (rs < 16) {
        for (let i = 0, o = 0; i < n; i++) {
          const s = rows[i]! * rs;
          for (let j = 0; j < rs; j++) out[o++] = data[s + j]!;
        }
      } else {
        // one copy per run of consecutive rows (an unshuffled batch is a single run)
        for (let i = 0; i < n; ) {
          const first = rows[i]!;
          let k = i + 1;
          while (k < n && rows[k] === first + (k - i)) k++;
          out.set(data.subarray(first * rs, (first + k - i) * rs), i * rs);
          i = k;
        }
      }
    });
  });
}

/** Turns a possibly lazy element into its tensors (the caller owns them); other values pass through. */
export function materialize(x: unknown): unknown {
  return x instanceof LazyElement ? x.materialize() : x;
}
