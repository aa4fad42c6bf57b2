/**
 * Lazy elements: rows of an in-memory column source that have not been turned into tensors yet.
 * Owns: the fast path slices → shuffle → repeat → batch that copies each batch once. Stages that only
 * move elements around pass these through; anything that looks at values calls {@link materialize}.
 * The result is indistinguishable from creating one tensor per element.
 */
import * as tf from '@tensorflow/tfjs-core';
import { mapStructure } from './structure.js';

/** A typed array a column may hold. */
export type ColumnArray = Float32Array | Int32Array | Uint8Array;

/** One leaf of a slice source: N rows of `rowShape`, stored flat. */
export interface Column {
  readonly data: ColumnArray;
  readonly dtype: 'float32' | 'int32' | 'bool';
  readonly rowShape: readonly number[];
  readonly rowSize: number;
}

/** In-memory columns plus the structure they form (leaves of `template` are column indices). */
export interface SliceSource {
  readonly template: unknown;
  readonly columns: readonly Column[];
  readonly length: number;
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
    const { columns, template } = this.source;
    const row = this.row;
    return mapStructure(template, (leaf) => {
      const c = columns[leaf as number]!;
      const start = row * c.rowSize;
      return tf.tensor(c.data.slice(start, start + c.rowSize), c.rowShape as number[], c.dtype);
    });
  }
}

/** Rows `rows` of `source`, stacked along a new dim 0 when materialized. */
export class SliceRows extends LazyElement {
  constructor(
    readonly source: SliceSource,
    readonly rows: readonly number[],
  ) {
    super();
  }
  materialize(): unknown {
    const { columns, template } = this.source;
    const rows = this.rows;
    const n = rows.length;
    return mapStructure(template, (leaf) => {
      const c = columns[leaf as number]!;
      const rs = c.rowSize;
      const Ctor = c.data.constructor as new (n: number) => ColumnArray;
      const out = new Ctor(n * rs);
      const data = c.data;
      if (rs < 16) {
        for (let i = 0, o = 0; i < n; i++) {
          const s = rows[i]! * rs;
          for (let j = 0; j < rs; j++) out[o++] = data[s + j]!;
        }
      } else {
        for (let i = 0; i < n; i++) {
          const s = rows[i]! * rs;
          out.set(data.subarray(s, s + rs), i * rs);
        }
      }
      return tf.tensor(out, [n, ...c.rowShape], c.dtype);
    });
  }
}

/** Turns a possibly lazy element into its tensors (the caller owns them); other values pass through. */
export function materialize(x: unknown): unknown {
  return x instanceof LazyElement ? x.materialize() : x;
}
