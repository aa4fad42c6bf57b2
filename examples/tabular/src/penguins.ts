/**
 * The table: Palmer penguins (Gorman, Williams & Fraser 2014), as Debian's r-cran-palmerpenguins ships it. Owns: the
 * schema (columns, vocabularies, the label's classes), checking a table against it (one error naming the file, the
 * row and the column), the fixed train/eval split and the numeric columns' statistics. Does not own: reading batches
 * (inputs.ts, through makeCsvDataset) or the model (model.ts).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { csvDataset, textLineDataset } from '@estimatorjs/data';
import { fileSource } from '@estimatorjs/data/node';
import { EstimatorError } from '@estimatorjs/errors';

/** Where Debian's r-cran-palmerpenguins puts the table. */
export const DEBIAN_PENGUINS = '/usr/lib/R/site-library/palmerpenguins/extdata/penguins.csv';

/** The label column and its classes (nClasses 3, the order of the class ids). */
export const LABEL = 'species';
export const SPECIES = ['Adelie', 'Chinstrap', 'Gentoo'] as const;

/** The categorical features and their vocabularies. */
export const VOCABULARIES = {
  island: ['Biscoe', 'Dream', 'Torgersen'],
  sex: ['female', 'male'],
} as const satisfies Record<string, readonly string[]>;

/** The numeric features (body measurements). */
export const NUMERIC = ['bill_length_mm', 'bill_depth_mm', 'flipper_length_mm', 'body_mass_g'] as const;

/** Every column the model reads, label included. */
export const COLUMNS = [LABEL, ...Object.keys(VOCABULARIES), ...NUMERIC] as const;

/** How the table writes a missing value. */
export const NA = 'NA';

/** The example's errors: one line naming the file, the row and the column. */
export class TabularError extends EstimatorError {
  constructor(code: string, message: string) {
    super(code, message);
    this.name = 'TabularError';
  }
}

/** Mean and standard deviation of a numeric column over the training rows (for its normalizer). */
export interface ColumnStats {
  readonly mean: number;
  readonly std: number;
}

/** The checked table, split into files makeCsvDataset reads. */
export interface PreparedTable {
  readonly trainFile: string;
  readonly evalFile: string;
  readonly trainRows: number;
  readonly evalRows: number;
  /** Rows left out because a body measurement is missing. */
  readonly skippedRows: number;
  readonly stats: Readonly<Record<(typeof NUMERIC)[number], ColumnStats>>;
}

/** Every 5th row goes to evaluation: the table is sorted by species and island, so both parts hold every kind. */
const EVAL_EVERY = 5;

/** A CSV field, quoted when it must be (RFC 4180). */
function field(v: string): string {
  return /[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

/**
 * Reads `path`, checks it against the schema and writes `outDir/train.csv` and `outDir/eval.csv` (the columns the
 * model reads; rows without body measurements left out). A missing column, a category outside its vocabulary, a
 * species outside the classes, a measurement that is not a number or a malformed row is one error naming the file,
 * the row (the n-th record after the header) and the column.
 */
export async function prepareTable(path: string, outDir: string): Promise<PreparedTable> {
  const name = basename(path);
  const source = await fileSource(path);
  const header = await firstLine(source);
  const missing = COLUMNS.filter((c) => !header.includes(c));
  if (missing.length > 0) {
    throw new TabularError(
      'MISSING_COLUMN',
      `tabular: ${path}: column '${missing[0]}' is not in the header [${header.join(', ')}]. Expected the columns ${COLUMNS.join(', ')} (Palmer penguins).`,
    );
  }
  // every column as text: the checks below give the errors, with the row and the column
  const rows = csvDataset(source, { columnDefaults: Object.fromEntries(header.map((h) => [h, ''])) });
  const train: string[] = [COLUMNS.join(',')];
  const evalRows: string[] = [COLUMNS.join(',')];
  const sums = NUMERIC.map(() => ({ n: 0, sum: 0, sq: 0 }));
  let row = 0;
  let skipped = 0;
  for await (const r of rows) {
    row++;
    const at = `tabular: ${name} row ${row}`;
    const label = String(r[LABEL]);
    if (!(SPECIES as readonly string[]).includes(label)) {
      throw new TabularError(
        'LABEL_OUT_OF_RANGE',
        `${at}: label column '${LABEL}' has ${JSON.stringify(label)}, which is not one of the ${SPECIES.length} classes (nClasses) [${SPECIES.join(', ')}].`,
      );
    }
    for (const [col, vocab] of Object.entries(VOCABULARIES)) {
      const v = String(r[col]);
      if (v !== NA && v !== '' && !(vocab as readonly string[]).includes(v)) {
        throw new TabularError(
          'CATEGORY_NOT_IN_VOCABULARY',
          `${at}: column '${col}' has ${JSON.stringify(v)}, which is not in its vocabulary [${vocab.join(', ')}].`,
        );
      }
    }
    const values = NUMERIC.map((col) => {
      const v = String(r[col]).trim();
      if (v === NA || v === '') return null;
      const x = Number(v);
      if (!Number.isFinite(x)) {
        throw new TabularError(
          'NOT_A_NUMBER',
          `${at}: column '${col}' has ${JSON.stringify(v)}, which is not a number (or ${NA} for a missing one).`,
        );
      }
      return x;
    });
    if (values.some((v) => v === null)) {
      skipped++;
      continue;
    }
    const line = COLUMNS.map((c) => field(String(r[c]))).join(',');
    if (row % EVAL_EVERY === 0) evalRows.push(line);
    else {
      train.push(line);
      values.forEach((v, i) => {
        const s = sums[i]!;
        s.n++;
        s.sum += v!;
        s.sq += v! * v!;
      });
    }
  }
  if (train.length < 2 || evalRows.length < 2) {
    throw new TabularError(
      'TOO_FEW_ROWS',
      `tabular: ${path}: ${row} rows; expected enough for a training and an evaluation part.`,
    );
  }
  mkdirSync(outDir, { recursive: true });
  const trainFile = join(outDir, 'train.csv');
  const evalFile = join(outDir, 'eval.csv');
  for (const [file, lines] of [
    [trainFile, train],
    [evalFile, evalRows],
  ] as const) {
    const tmp = `${file}.tmp-${process.pid}`;
    writeFileSync(tmp, `${lines.join('\n')}\n`);
    renameSync(tmp, file);
  }
  const stats = Object.fromEntries(
    NUMERIC.map((col, i) => {
      const { n, sum, sq } = sums[i]!;
      const mean = sum / n;
      return [col, { mean, std: Math.sqrt(Math.max(sq / n - mean * mean, 1e-12)) }];
    }),
  ) as PreparedTable['stats'];
  return {
    trainFile,
    evalFile,
    trainRows: train.length - 1,
    evalRows: evalRows.length - 1,
    skippedRows: skipped,
    stats,
  };
}

/** The column names in the first line of `source` (names hold no commas; quotes around them are dropped). */
async function firstLine(source: Blob): Promise<string[]> {
  for await (const line of textLineDataset(source))
    return line.split(',').map((s) => s.trim().replace(/^"(.*)"$/, '$1'));
  return [];
}
