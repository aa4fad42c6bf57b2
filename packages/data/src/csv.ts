/**
 * Text readers: `textLineDataset` (one string per line) and `csvDataset` (RFC 4180 fields with quotes,
 * a header row, typed columns with defaults, selected columns). Malformed rows name the file and line.
 */
import { Dataset } from './dataset.js';
import { DataError, invalidArgument } from './errors.js';
import { byteChunks } from './internal/byte-stream.js';
import { type ByteSource, sourceName } from './internal/bytes.js';
import { CsvScanner, parseNumber } from './internal/csv-scan.js';
import { checkOptionKeys, KNOWN_OPTIONS } from './internal/known-options.js';
import { Utf8Chunks } from './internal/utf8-chunks.js';

const noCR = (line: string): string => (line.charCodeAt(line.length - 1) === 13 ? line.slice(0, -1) : line);

/**
 * The lines of one or more text sources (without line terminators; `\n` or `\r\n`), in order. Sources are streamed:
 * memory stays bounded by a few chunks (plus the longest line) whatever the file size.
 * @example
 *   import { fileSource } from '@estimatorjs/data/node';
 *   for await (const line of textLineDataset(await fileSource('words.txt'))) console.log(line);
 */
export function textLineDataset(sources: ByteSource | readonly ByteSource[]): Dataset<string> {
  const list = Array.isArray(sources) ? [...sources] : [sources as ByteSource];
  // a direct producer: one async step per line (fromGenerator would add a wrapper's)
  return new Dataset(async function* lines() {
    for (const src of list) {
      const utf8 = new Utf8Chunks();
      let carry = ''; // the start of a line that continues in the next chunk
      for await (const chunk of byteChunks('textLineDataset()', src)) {
        const text = utf8.decode('', [chunk], false);
        let end = text.indexOf('\n');
        if (end === -1) {
          carry += text;
          continue;
        }
        yield noCR(carry + text.slice(0, end));
        let start = end + 1;
        for (end = text.indexOf('\n', start); end !== -1; end = text.indexOf('\n', start)) {
          yield noCR(text.slice(start, end));
          start = end + 1;
        }
        carry = text.slice(start);
      }
      carry += utf8.decode('', [], true);
      if (carry.length > 0) yield noCR(carry);
    }
  }, null);
}

/** A CSV column's type, given by its default: a number (float), `0n`-free int via `'int'`, or a string. */
export type CsvDefault = number | string | null;

/** Options of {@link csvDataset}. */
export interface CsvOptions {
  /** The first line holds column names (default true). */
  readonly header?: boolean;
  /** Column names (required when `header` is false; overrides the header otherwise). */
  readonly columnNames?: readonly string[];
  /**
   * Per column (by name, or positional array) the type and default for empty fields: a number makes the
   * column numeric, a string keeps it text, `null` makes it required (numeric). Default: every column numeric
   * and required.
   */
  readonly columnDefaults?: readonly CsvDefault[] | Readonly<Record<string, CsvDefault>>;
  /** Only these columns (names or indices), in this order. */
  readonly selectColumns?: readonly (string | number)[];
  /** Field delimiter (default `,`). */
  readonly fieldDelim?: string;
  /** A field equal to this string counts as empty (default `''`). */
  readonly naValue?: string;
}

/**
 * Rows of CSV sources as objects `{ column: number | string }` (TF's `CsvDataset` / `make_csv_dataset`
 * without batching; `batch()` turns each column into a tensor).
 * @example
 *   import { fileSource } from '@estimatorjs/data/node';
 *   const rows = csvDataset(await fileSource('iris.csv'), { columnDefaults: { species: '' } }).batch(32);
 */
export function csvDataset(
  sources: ByteSource | readonly ByteSource[],
  opts: CsvOptions = {},
): Dataset<Record<string, number | string>> {
  const api = 'csvDataset()';
  checkOptionKeys(api, opts, KNOWN_OPTIONS.csv);
  const list = Array.isArray(sources) ? [...sources] : [sources as ByteSource];
  const delim = opts.fieldDelim ?? ',';
  if (delim.length !== 1)
    throw invalidArgument(`${api}: expected fieldDelim to be one character. Received ${JSON.stringify(delim)}.`);
  const header = opts.header ?? true;
  if (!header && !opts.columnNames) throw invalidArgument(`${api}: without a header row, pass columnNames.`);
  const na = opts.naValue ?? '';
  // a direct producer: one async step per row (fromGenerator would add a wrapper's)
  return new Dataset(async function* rows() {
    for (const src of list) {
      const name = sourceName(src);
      const records = csvRecords(api, src, delim);
      try {
        let first = await records.next();
        let names: string[];
        if (header) {
          if (first.done) continue;
          const rec = first.value;
          names = opts.columnNames ? [...opts.columnNames] : Array.from({ length: rec.count }, (_, k) => rec.field(k));
          first = await records.next();
        } else names = [...opts.columnNames!];
        checkUniqueNames(api, name, names);
        const defaults = names.map((n, i) => {
          const d = opts.columnDefaults;
          if (d === undefined) return null;
          if (Array.isArray(d)) return (d as CsvDefault[])[i] ?? null;
          // Own keys only: a column called 'constructor' or 'toString' has no default from Object.prototype.
          return Object.hasOwn(d, n) ? (d as Record<string, CsvDefault>)[n]! : null;
        });
        const picks = (opts.selectColumns ?? names.map((_, i) => i)).map((c) => {
          const i = typeof c === 'number' ? c : names.indexOf(c);
          if (i < 0 || i >= names.length)
            throw invalidArgument(
              `${api}: ${name}: selected column ${JSON.stringify(c)} is not one of [${names.join(', ')}].`,
            );
          return i;
        });
        const pickNames = picks.map((i) => names[i]!);
        const pickDefaults = picks.map((i) => defaults[i]);
        for (let r = first; !r.done; r = await records.next()) {
          const rec = r.value;
          const line = rec.line;
          const text = rec.text;
          if (rec.count !== names.length) throw fieldCountError(api, name, rec, names);
          const row: Record<string, number | string> = {};
          for (let p = 0; p < picks.length; p++) {
            const i = picks[p]!;
            const key = pickNames[p]!;
            const def = pickDefaults[p];
            const q = rec.quoted[i];
            const a = rec.starts[i]!;
            const b = rec.ends[i]!;
            const empty = q === null ? a === b || (na !== '' && rec.fieldIs(i, na)) : q === '' || q === na;
            if (typeof def === 'string') put(row, key, empty ? def : rec.field(i));
            else if (empty) {
              if (def === null || def === undefined)
                throw new DataError(
                  'INVALID_ARGUMENT',
                  `${api}: ${name} line ${line}: column '${key}' is empty and has no default. Expected a number, or set columnDefaults.`,
                );
              put(row, key, def);
            } else {
              const v = q === null ? parseNumber(text, a, b) : Number(q);
              if (Number.isNaN(v)) {
                const raw = rec.field(i);
                if (raw.trim().toLowerCase() !== 'nan') {
                  throw new DataError(
                    'INVALID_ARGUMENT',
                    `${api}: ${name} line ${line}: column '${key}' expected a number, received ${JSON.stringify(raw)}. Give it a string default to read text.`,
                  );
                }
              }
              put(row, key, v);
            }
          }
          yield row;
        }
      } finally {
        await records.return(undefined);
      }
    }
  }, null);
}

/**
 * @internal The records of one CSV source, blank lines skipped: yields the same scanner, positioned on each record
 * (its fields are valid until the next step). Streams: holds a few chunks plus the longest record.
 */
export async function* csvRecords(
  api: string,
  src: ByteSource,
  delim: string,
  quotes = true,
): AsyncGenerator<CsvScanner, void, undefined> {
  const chunks = byteChunks(api, src);
  const utf8 = new Utf8Chunks();
  const rec = new CsvScanner('', delim, sourceName(src), false, quotes, api);
  /** Feeds the scanner at least as many new bytes as it holds unconsumed text (linear time for records of any length). */
  const fill = async (): Promise<void> => {
    const want = rec.pending;
    const parts: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const r = await chunks.next();
      if (r.done) return rec.reset(utf8.decode(rec.rest(), parts, true), true);
      parts.push(r.value);
      size += r.value.length;
      if (size > want) return rec.reset(utf8.decode(rec.rest(), parts, false), false);
    }
  };
  try {
    for (;;) {
      if (!rec.next()) {
        if (rec.final) return;
        await fill();
        continue;
      }
      if (rec.count === 1 && rec.quoted[0] === null && rec.starts[0] === rec.ends[0]) continue; // a blank line
      yield rec;
    }
  } finally {
    await chunks.return(undefined);
  }
}

/** @internal Refuses a column name given twice. */
export function checkUniqueNames(api: string, name: string, names: readonly string[]): void {
  const seen = new Map<string, number>();
  for (const [i, n] of names.entries()) {
    const first = seen.get(n);
    if (first !== undefined) {
      throw new DataError(
        'INVALID_ARGUMENT',
        `${api}: ${name}: column name ${JSON.stringify(n)} appears twice (columns ${first + 1} and ${i + 1}); every column needs its own name. Rename one, or pass columnNames.`,
      );
    }
    seen.set(n, i);
  }
}

/** @internal The error for a record with the wrong number of fields: names the first missing or extra column. */
export function fieldCountError(api: string, name: string, rec: CsvScanner, names: readonly string[]): DataError {
  const where =
    rec.count < names.length
      ? `column '${names[rec.count]}' (field ${rec.count + 1}) and later are missing`
      : `${rec.count - names.length} field(s) follow the last column '${names[names.length - 1]}'`;
  return new DataError(
    'INVALID_ARGUMENT',
    `${api}: ${name} line ${rec.line}: expected ${names.length} fields (${names.join(', ')}), found ${rec.count}: ${where}.`,
  );
}

/** `row[key] = value`, except that a column named `__proto__` becomes an own property instead of the prototype. */
function put(row: Record<string, number | string>, key: string, value: number | string): void {
  if (key === '__proto__')
    Object.defineProperty(row, key, { value, enumerable: true, writable: true, configurable: true });
  else row[key] = value;
}
