/**
 * `makeCsvDataset`: TF's `tf.data.experimental.make_csv_dataset` — CSV files to batches of `[features, label]` ready
 * for an Estimator's input_fn, with column names from the header and dtypes inferred from the first rows as TF infers
 * them. Owns: the options, column names, defaults and dtypes, and the pipeline (files → interleave → shuffle → repeat
 * → batch). Does not own: record splitting (csv.ts), type inference rules (internal/csv-columns.ts), globs (Node:
 * node/make-csv-dataset.ts).
 */
import * as tf from '@tensorflow/tfjs-core';
import { checkUniqueNames, csvRecords, fieldCountError } from './csv.js';
import { Dataset } from './dataset.js';
import { DataError, invalidArgument } from './errors.js';
import { type ByteSource, sourceName } from './internal/bytes.js';
import {
  type CsvColumn,
  type CsvDtype,
  inferCsvType,
  parseField,
  type TfCsvType,
  tfjsDtype,
} from './internal/csv-columns.js';
import type { CsvScanner } from './internal/csv-scan.js';
import { checkOptionKeys, KNOWN_OPTIONS } from './internal/known-options.js';

export type { CsvDtype } from './internal/csv-columns.js';

const API = 'makeCsvDataset()';

/**
 * One column's type and default, as TF's `column_defaults` items: a number (a float32 column, optional, with this
 * default), a string (a string column with this default), or `{ dtype }` (required: an empty field is an error) /
 * `{ dtype, default }` (e.g. `{ dtype: 'int32', default: 0 }`: JavaScript cannot tell `0` from `0.0`).
 */
export type CsvColumnDefault = number | string | { readonly dtype: CsvDtype; readonly default?: number | string };

/** Options of {@link makeCsvDataset}: TF's arguments in camelCase, with TF's defaults. */
export interface MakeCsvDatasetOptions {
  /** The label column: elements become `[features, label]` (default: features only). */
  readonly labelName?: string;
  /** Names of every column of the file, in order (default: the header row; required without one). */
  readonly columnNames?: readonly string[];
  /**
   * One per selected column, in file order (TF's `column_defaults`), or by column name. Default: inferred from the
   * first `numRowsForInference` rows (int32, float32 or string; every column optional, defaulting to 0 or '').
   */
  readonly columnDefaults?: readonly CsvColumnDefault[] | Readonly<Record<string, CsvColumnDefault>>;
  /** Only these columns, by name or index (TF sorts them by index). */
  readonly selectColumns?: readonly (string | number)[];
  /** Default `,`. */
  readonly fieldDelim?: string;
  /** RFC 4180 quotes (default true); false reads `"` as an ordinary character. */
  readonly useQuoteDelim?: boolean;
  /** A field equal to this counts as missing, as an empty one does (default `''`). */
  readonly naValue?: string;
  /** The files start with a header row (default true). */
  readonly header?: boolean;
  /** Passes over the data (default: forever, and every batch is full). */
  readonly numEpochs?: number;
  /** Shuffle the files and the rows (default true). */
  readonly shuffle?: boolean;
  /** Rows in the shuffle buffer (default 10000). */
  readonly shuffleBufferSize?: number;
  readonly shuffleSeed?: number;
  /** Files read at once, rows interleaved one by one (default 1: one file after another). */
  readonly numParallelReads?: number;
  /** With `numParallelReads` > 1: take rows from whichever file has one ready, not in turn (default false). */
  readonly sloppy?: boolean;
  /** Rows read to infer the column dtypes (default 100). */
  readonly numRowsForInference?: number;
  /** Skip malformed rows instead of failing (default false). */
  readonly ignoreErrors?: boolean;
}

/** A batch: one `[batch]` tensor per column (int32, float32 or string). */
export type CsvBatch = Record<string, tf.Tensor1D>;

/**
 * Reads CSV sources into batches of columns (TF's `make_csv_dataset`): each element is `[features, label]` with
 * `labelName` (else features alone), features a dict of `[batchSize]` tensors. Column names come from the header,
 * dtypes from the first rows as TF infers them (int64 and float64 become float32: tfjs has no 64-bit dtypes). In the
 * browser, sources are URLs, Blobs/Files or bytes; in Node, `makeCsvDataset` from `@estimatorjs/data/node` also takes
 * paths and globs. A malformed row is one error naming the file, the line and the column.
 * @example
 *   const ds = await makeCsvDataset('https://example.com/train.csv', 32, { labelName: 'income', numEpochs: 1 });
 *   for await (const [features, label] of ds) tf.dispose([features, label]);
 */
export async function makeCsvDataset(
  sources: ByteSource | readonly ByteSource[],
  batchSize: number,
  options: MakeCsvDatasetOptions & { readonly labelName: string },
): Promise<Dataset<[CsvBatch, tf.Tensor1D]>>;
export async function makeCsvDataset(
  sources: ByteSource | readonly ByteSource[],
  batchSize: number,
  options?: MakeCsvDatasetOptions,
): Promise<Dataset<[CsvBatch, tf.Tensor1D] | CsvBatch>>;
export async function makeCsvDataset(
  sources: ByteSource | readonly ByteSource[],
  batchSize: number,
  options: MakeCsvDatasetOptions = {},
): Promise<Dataset<[CsvBatch, tf.Tensor1D] | CsvBatch>> {
  checkOptionKeys(API, options, KNOWN_OPTIONS.makeCsv);
  const list: ByteSource[] = Array.isArray(sources) ? [...sources] : [sources as ByteSource];
  const o = checkOptions(batchSize, options);
  if (list.length === 0) throw invalidArgument(`${API}: no files to read. Expected at least one source.`);
  for (const src of list) {
    if (typeof Response !== 'undefined' && src instanceof Response) {
      throw invalidArgument(
        `${API}: a Response can be read only once, and makeCsvDataset reads each source several times (header, type inference, every epoch). Pass its URL, or a Blob (await response.blob()).`,
      );
    }
  }
  const names = options.columnNames ? [...options.columnNames] : await headerNames(list, o);
  checkUniqueNames(API, sourceName(list[0]!), names);
  // where the names came from, for errors: the header of the first file, or columnNames
  const origin = options.columnNames ? 'columnNames' : sourceName(list[0]!);
  const indices = selectedIndices(names, options.selectColumns, origin);
  const columns = await columnTypes(list, names, indices, options.columnDefaults, o);
  const label = options.labelName;
  if (label !== undefined && !columns.some((c) => c.name === label)) {
    throw invalidArgument(
      `${API}: labelName ${JSON.stringify(label)} is not one of the columns of ${origin} [${columns.map((c) => c.name).join(', ')}]${options.selectColumns ? ' (after selectColumns)' : ''}.`,
    );
  }
  let files = Dataset.range(list.length);
  if (o.shuffle) files = files.shuffle(list.length, { seed: o.seed });
  const perFile = (i: number) => fileRows(list[i]!, names, columns, o);
  let rows = files.interleave(perFile, {
    cycleLength: o.parallel,
    blockLength: 1,
    numParallelCalls: o.parallel,
    deterministic: !o.sloppy,
  });
  if (o.shuffle) rows = rows.shuffle(o.bufferSize, { seed: o.seed });
  if (o.epochs !== 1) rows = rows.repeat(o.epochs);
  return batchColumns(rows, columns, batchSize, label, o.epochs === undefined);
}

interface Checked {
  readonly delim: string;
  readonly quotes: boolean;
  readonly na: string;
  readonly header: boolean;
  readonly epochs: number | undefined;
  readonly shuffle: boolean;
  readonly bufferSize: number;
  readonly seed: number | undefined;
  readonly parallel: number;
  readonly sloppy: boolean;
  readonly inferRows: number;
  readonly ignoreErrors: boolean;
}

function positiveInt(name: string, v: unknown, min: number): void {
  if (!(typeof v === 'number' && Number.isInteger(v) && v >= min)) {
    throw invalidArgument(`${API}: ${name} must be an integer >= ${min}. Received ${JSON.stringify(v)}.`);
  }
}

function checkOptions(batchSize: number, o: MakeCsvDatasetOptions): Checked {
  positiveInt('batchSize', batchSize, 1);
  const delim = o.fieldDelim ?? ',';
  if (typeof delim !== 'string' || delim.length !== 1)
    throw invalidArgument(`${API}: fieldDelim must be one character. Received ${JSON.stringify(delim)}.`);
  const header = o.header ?? true;
  if (!header && !o.columnNames)
    throw invalidArgument(
      `${API}: without a header row (header: false) the column names cannot be inferred; pass columnNames.`,
    );
  if (o.numEpochs !== undefined) positiveInt('numEpochs', o.numEpochs, 1);
  if (o.shuffleBufferSize !== undefined) positiveInt('shuffleBufferSize', o.shuffleBufferSize, 1);
  if (o.numParallelReads !== undefined) positiveInt('numParallelReads', o.numParallelReads, 1);
  if (o.numRowsForInference !== undefined) positiveInt('numRowsForInference', o.numRowsForInference, 0);
  return {
    delim,
    quotes: o.useQuoteDelim ?? true,
    na: o.naValue ?? '',
    header,
    epochs: o.numEpochs,
    shuffle: o.shuffle ?? true,
    bufferSize: o.shuffleBufferSize ?? 10000,
    seed: o.shuffleSeed,
    parallel: o.numParallelReads ?? 1,
    sloppy: o.sloppy ?? false,
    inferRows: o.numRowsForInference ?? 100,
    ignoreErrors: o.ignoreErrors ?? false,
  };
}

/** The first record of `src` as strings, or null for an empty source. */
async function firstRecord(src: ByteSource, o: Checked): Promise<string[] | null> {
  const records = csvRecords(API, src, o.delim, o.quotes);
  try {
    const r = await records.next();
    return r.done ? null : Array.from({ length: r.value.count }, (_, k) => r.value.field(k));
  } finally {
    await records.return(undefined);
  }
}

/** TF's `_infer_column_names`: the header of the first source; every other source must have the same one. */
async function headerNames(list: readonly ByteSource[], o: Checked): Promise<string[]> {
  let names: string[] | null = null;
  for (const src of list) {
    const h = await firstRecord(src, o);
    if (h === null) {
      throw new DataError('INVALID_ARGUMENT', `${API}: ${sourceName(src)} is empty. Expected a header row.`);
    }
    if (names === null) names = h;
    else if (h.length !== names.length || h.some((n, i) => n !== names![i])) {
      throw new DataError(
        'INVALID_ARGUMENT',
        `${API}: files have different column names in the header row: ${sourceName(list[0]!)} has [${names.join(', ')}], ${sourceName(src)} has [${h.join(', ')}].`,
      );
    }
  }
  return names!;
}

/** TF's `_get_sorted_col_indices`: names or indices to sorted indices; unknown and repeated columns are errors. */
function selectedIndices(
  names: readonly string[],
  select: readonly (string | number)[] | undefined,
  origin: string,
): number[] {
  if (select === undefined) return names.map((_, i) => i);
  const out = select.map((c) => {
    if (typeof c === 'number') {
      if (!Number.isInteger(c) || c < 0 || c >= names.length) {
        throw invalidArgument(
          `${API}: column index ${c} in selectColumns is out of range. Expected 0 to ${names.length - 1} (columns [${names.join(', ')}]).`,
        );
      }
      return c;
    }
    const i = names.indexOf(c);
    if (i < 0)
      throw invalidArgument(
        `${API}: column ${JSON.stringify(c)} in selectColumns is not one of the columns of ${origin} [${names.join(', ')}].`,
      );
    return i;
  });
  const sorted = [...new Set(out)].sort((a, b) => a - b);
  if (sorted.length !== out.length)
    throw invalidArgument(`${API}: selectColumns names a column twice. Received ${JSON.stringify(select)}.`);
  return sorted;
}

/** The selected columns' dtypes and defaults: from `columnDefaults`, else inferred as TF infers them. */
async function columnTypes(
  list: readonly ByteSource[],
  names: readonly string[],
  indices: readonly number[],
  defaults: MakeCsvDatasetOptions['columnDefaults'],
  o: Checked,
): Promise<CsvColumn[]> {
  if (defaults !== undefined) {
    let given: (CsvColumnDefault | undefined)[];
    if (Array.isArray(defaults)) {
      if (defaults.length !== indices.length) {
        throw invalidArgument(
          `${API}: columnDefaults must have one entry per ${indices.length === names.length ? '' : 'selected '}column (${indices.length}: ${indices.map((i) => names[i]).join(', ')}). Received ${defaults.length}.`,
        );
      }
      given = [...defaults];
    } else {
      const d = defaults as Readonly<Record<string, CsvColumnDefault>>;
      given = indices.map((i) => (Object.hasOwn(d, names[i]!) ? d[names[i]!] : undefined));
      for (const k of Object.keys(d)) {
        if (!indices.some((i) => names[i] === k))
          throw invalidArgument(
            `${API}: columnDefaults names ${JSON.stringify(k)}, which is not one of the ${indices.length === names.length ? '' : 'selected '}columns [${indices.map((i) => names[i]).join(', ')}].`,
          );
      }
    }
    return indices.map((index, j) => columnOf(names[index]!, index, given[j]));
  }
  const types = await inferTypes(list, names, indices, o);
  return indices.map((index, j) => {
    const dtype = tfjsDtype(types[j] ?? 'string');
    return { name: names[index]!, index, dtype, default: dtype === 'string' ? '' : 0 };
  });
}

function columnOf(name: string, index: number, d: CsvColumnDefault | undefined): CsvColumn {
  if (typeof d === 'number') return { name, index, dtype: 'float32', default: d };
  if (typeof d === 'string') return { name, index, dtype: 'string', default: d };
  const dtype = (d as { dtype?: unknown } | undefined)?.dtype;
  if (d === null || typeof d !== 'object' || (dtype !== 'int32' && dtype !== 'float32' && dtype !== 'string')) {
    throw invalidArgument(
      `${API}: columnDefaults for column '${name}' must be a number, a string, or { dtype: 'int32' | 'float32' | 'string', default? }. Received ${JSON.stringify(d) ?? String(d)}.`,
    );
  }
  const def = d.default;
  if (def !== undefined && (dtype === 'string' ? typeof def !== 'string' : typeof def !== 'number')) {
    throw invalidArgument(
      `${API}: columnDefaults for column '${name}': the default of a ${dtype} column must be a ${dtype === 'string' ? 'string' : 'number'}. Received ${JSON.stringify(def)}.`,
    );
  }
  if (dtype === 'int32' && def !== undefined && !Number.isInteger(def)) {
    throw invalidArgument(
      `${API}: columnDefaults for column '${name}': an int32 default must be an integer. Received ${def}.`,
    );
  }
  return { name, index, dtype, default: def };
}

/** TF's `_infer_column_defaults`: types from the first `inferRows` records of the sources, in order. */
async function inferTypes(
  list: readonly ByteSource[],
  names: readonly string[],
  indices: readonly number[],
  o: Checked,
): Promise<(TfCsvType | null)[]> {
  const types: (TfCsvType | null)[] = indices.map(() => null);
  let seen = 0;
  for (const src of list) {
    if (seen >= o.inferRows) break;
    const records = csvRecords(API, src, o.delim, o.quotes);
    try {
      let first = true;
      for await (const rec of records) {
        if (first && o.header) {
          first = false;
          continue;
        }
        first = false;
        if (seen >= o.inferRows) break;
        if (rec.count !== names.length) {
          const e = fieldCountError(API, sourceName(src), rec, names);
          throw new DataError(e.code, `${e.message} (while inferring the column types; set columnDefaults to skip it)`);
        }
        for (const [j, i] of indices.entries()) types[j] = inferCsvType(rec.field(i), o.na, types[j]!);
        seen++;
      }
    } finally {
      await records.return(undefined);
    }
  }
  return types;
}

/** The parsed rows of one source (selected columns, in order); malformed rows fail or, with ignoreErrors, are skipped. */
function fileRows(src: ByteSource, names: readonly string[], columns: readonly CsvColumn[], o: Checked) {
  const name = sourceName(src);
  return new Dataset<unknown[]>(async function* rows() {
    const records = csvRecords(API, src, o.delim, o.quotes);
    try {
      let first = o.header;
      for (;;) {
        let r: IteratorResult<CsvScanner>;
        try {
          r = await records.next();
        } catch (e) {
          // a broken quote: the rest of the file cannot be split into records again
          if (o.ignoreErrors && e instanceof DataError && e.code === 'INVALID_ARGUMENT') return;
          throw e;
        }
        if (r.done) return;
        const rec = r.value;
        if (first) {
          first = false;
          continue;
        }
        if (rec.count !== names.length) {
          if (o.ignoreErrors) continue;
          throw fieldCountError(API, name, rec, names);
        }
        const row: unknown[] = new Array(columns.length);
        let ok = true;
        for (let j = 0; j < columns.length; j++) {
          const v = parseField(rec, columns[j]!, o.na);
          if (typeof v === 'object') {
            if (o.ignoreErrors) {
              ok = false;
              break;
            }
            throw new DataError('INVALID_ARGUMENT', `${API}: ${name} line ${rec.line}: ${v.problem}.`);
          }
          row[j] = v;
        }
        if (ok) yield row;
      }
    } finally {
      await records.return(undefined);
    }
  }, null);
}

/** Rows to batches of column tensors (TF batches, then maps the columns into a dict and pops the label). */
function batchColumns(
  rows: Dataset<unknown[]>,
  columns: readonly CsvColumn[],
  batchSize: number,
  label: string | undefined,
  dropRemainder: boolean,
): Dataset<[CsvBatch, tf.Tensor1D] | CsvBatch> {
  const make = (buf: unknown[][]): [CsvBatch, tf.Tensor1D] | CsvBatch => {
    const features: CsvBatch = {};
    let y: tf.Tensor1D | undefined;
    for (const [j, c] of columns.entries()) {
      let t: tf.Tensor1D;
      if (c.dtype === 'string')
        t = tf.tensor1d(
          buf.map((r) => r[j] as string),
          'string',
        );
      else {
        const a = c.dtype === 'int32' ? new Int32Array(buf.length) : new Float32Array(buf.length);
        for (let i = 0; i < buf.length; i++) a[i] = buf[i]![j] as number;
        t = tf.tensor1d(a, c.dtype);
      }
      if (c.name === label) y = t;
      else Object.defineProperty(features, c.name, { value: t, enumerable: true, writable: true, configurable: true });
    }
    return label === undefined ? features : [features, y!];
  };
  // repeating forever is infinite (TF's cardinality); a finite number of epochs has an unknown number of rows
  const size = dropRemainder ? Infinity : null;
  return new Dataset(async function* batches() {
    let buf: unknown[][] = [];
    for await (const row of rows) {
      buf.push(row);
      if (buf.length === batchSize) {
        const b = buf;
        buf = [];
        yield make(b);
      }
    }
    if (buf.length > 0 && !dropRemainder) yield make(buf);
  }, size);
}
