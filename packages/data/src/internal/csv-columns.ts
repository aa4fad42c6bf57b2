/**
 * The column types of `makeCsvDataset`: TF's type inference from the first rows (`_infer_type`) and the parsing of
 * one field into a column's dtype (TF's `CsvDataset` kernel). Owns: which strings count as int32/int64/float/string
 * and the per-field errors. Does not own: reading records (csv.ts) or the pipeline (make-csv-dataset.ts).
 */
import type { CsvScanner } from './csv-scan.js';

/** The dtypes a `makeCsvDataset` column has in tfjs. */
export type CsvDtype = 'int32' | 'float32' | 'string';

/** TF's inferred types, least permissive first (`readers.py`: int32, int64, float32, float64, string). */
export type TfCsvType = 'int32' | 'int64' | 'float32' | 'float64' | 'string';

const ORDER: readonly TfCsvType[] = ['int32', 'int64', 'float32', 'float64', 'string'];

// Python's int(): optional sign, digits, surrounding whitespace (numpy's int32("…") goes through it).
const INT = /^\s*[+-]?\d+\s*$/;
// Python's float(): decimal with optional exponent, or inf/infinity/nan, surrounding whitespace.
const FLOAT = /^\s*[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?|inf|infinity|nan)\s*$/i;
const INT32_MIN = -(2n ** 31n);
const INT32_MAX = 2n ** 31n - 1n;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

function intIn(s: string, min: bigint, max: bigint): boolean {
  if (!INT.test(s)) return false;
  const v = BigInt(s.trim());
  return v >= min && v <= max;
}

/** `float(s)` as numpy gives it at `bits` precision, or undefined when Python's float() refuses `s`. */
function floatOf(s: string, bits: 32 | 64): number | undefined {
  if (!FLOAT.test(s)) return undefined;
  const t = s.trim().toLowerCase().replace(/^\+/, '');
  const v = /inf/.test(t) ? (t.startsWith('-') ? -Infinity : Infinity) : /nan/.test(t) ? Number.NaN : Number(t);
  return bits === 32 ? Math.fround(v) : v;
}

/** TF's `_is_valid_float`: `float_dtype(s) < inf` (so NaN and +inf are not floats, -inf and -1e39 are). */
function isFloat(s: string, bits: 32 | 64): boolean {
  const v = floatOf(s, bits);
  return v !== undefined && v < Infinity;
}

const CHECKS: readonly ((s: string) => boolean)[] = [
  (s) => intIn(s, INT32_MIN, INT32_MAX),
  (s) => intIn(s, INT64_MIN, INT64_MAX),
  (s) => isFloat(s, 32),
  (s) => isFloat(s, 64),
  () => true,
];

/**
 * TF's `_infer_type(str_val, na_value, prev_type)`: the least permissive type that holds `s` and is at least as
 * permissive as `prev` (so a column never narrows). Empty and `na` fields tell nothing: `prev` stays.
 */
export function inferCsvType(s: string, na: string, prev: TfCsvType | null): TfCsvType | null {
  if (s === '' || s === na) return prev;
  const from = prev === null ? 0 : ORDER.indexOf(prev);
  for (let i = from; i < ORDER.length; i++) if (CHECKS[i]!(s)) return ORDER[i]!;
  return 'string';
}

/** The tfjs dtype of an inferred TF type: tfjs has no 64-bit dtypes, so int64 and float64 become float32. */
export function tfjsDtype(t: TfCsvType): CsvDtype {
  return t === 'int32' || t === 'string' ? t : 'float32';
}

/** One selected column: name, dtype, default (undefined: required, as TF's dtype-only or empty default). */
export interface CsvColumn {
  readonly name: string;
  /** The field's index in the record. */
  readonly index: number;
  readonly dtype: CsvDtype;
  readonly default: number | string | undefined;
}

/** Why a field could not be read, for the reader's error (file and line are the reader's to add). */
export type FieldProblem = string;

/**
 * Field `c.index` of `rec` as `c.dtype` (TF's `CsvDataset` parsing: surrounding spaces allowed in numbers), or a
 * problem string naming the column and the value.
 */
export function parseField(rec: CsvScanner, c: CsvColumn, na: string): number | string | { problem: FieldProblem } {
  const i = c.index;
  const q = rec.quoted[i];
  const empty =
    q === null
      ? rec.starts[i] === rec.ends[i] || (na !== '' && rec.fieldIs(i, na))
      : q === '' || (na !== '' && q === na);
  if (empty) {
    if (c.default !== undefined) return c.default;
    return {
      problem: `column '${c.name}' is empty${na === '' ? '' : ` (or ${JSON.stringify(na)})`} and has no default (it is required). Expected a ${c.dtype}, or give the column a default in columnDefaults`,
    };
  }
  const raw = rec.field(i);
  if (c.dtype === 'string') return raw;
  if (c.dtype === 'int32') {
    if (intIn(raw, INT32_MIN, INT32_MAX)) return Number(raw.trim());
    return { problem: `column '${c.name}' expected an int32, received ${JSON.stringify(raw)}` };
  }
  const v = floatOf(raw, 64);
  if (v === undefined) return { problem: `column '${c.name}' expected a float32, received ${JSON.stringify(raw)}` };
  return v;
}
