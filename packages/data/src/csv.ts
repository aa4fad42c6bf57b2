/**
 * Text readers: `textLineDataset` (one string per line) and `csvDataset` (RFC 4180 fields with quotes,
 * a header row, typed columns with defaults, selected columns). Malformed rows name the file and line.
 */
import { Dataset } from './dataset.js';
import { DataError, invalidArgument } from './errors.js';
import { type ByteSource, readBytes, sourceName } from './internal/bytes.js';
import { gunzip, isGzip } from './internal/gunzip.js';

async function readText(api: string, src: ByteSource): Promise<string> {
  let bytes = await readBytes(api, src);
  if (isGzip(bytes)) bytes = await gunzip(bytes, api, sourceName(src));
  return new TextDecoder().decode(bytes);
}

/**
 * The lines of one or more text sources (without line terminators; `\n` or `\r\n`), in order.
 * @example
 *   for await (const line of textLineDataset(await fileSource('words.txt'))) console.log(line);
 */
export function textLineDataset(sources: ByteSource | readonly ByteSource[]): Dataset<string> {
  const list = Array.isArray(sources) ? [...sources] : [sources as ByteSource];
  return Dataset.fromGenerator(async function* lines() {
    for (const src of list) {
      const text = await readText('textLineDataset()', src);
      let start = 0;
      while (start < text.length) {
        let end = text.indexOf('\n', start);
        if (end === -1) end = text.length;
        yield text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
        start = end + 1;
      }
    }
  });
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
 *   const rows = csvDataset(await fileSource('iris.csv'), { columnDefaults: { species: '' } }).batch(32);
 */
export function csvDataset(
  sources: ByteSource | readonly ByteSource[],
  opts: CsvOptions = {},
): Dataset<Record<string, number | string>> {
  const api = 'csvDataset()';
  const list = Array.isArray(sources) ? [...sources] : [sources as ByteSource];
  const delim = opts.fieldDelim ?? ',';
  if (delim.length !== 1)
    throw invalidArgument(`${api}: expected fieldDelim to be one character. Received ${JSON.stringify(delim)}.`);
  const header = opts.header ?? true;
  if (!header && !opts.columnNames) throw invalidArgument(`${api}: without a header row, pass columnNames.`);
  const na = opts.naValue ?? '';
  return Dataset.fromGenerator(async function* rows() {
    for (const src of list) {
      const name = sourceName(src);
      const text = await readText(api, src);
      const records = parseCsv(text, delim, name);
      let first = records.next();
      let names: string[];
      if (header) {
        if (first.done) continue;
        names = opts.columnNames ? [...opts.columnNames] : first.value.fields;
        first = records.next();
      } else names = [...opts.columnNames!];
      const defaults = names.map((n, i) => {
        const d = opts.columnDefaults;
        if (d === undefined) return null;
        if (Array.isArray(d)) return (d as CsvDefault[])[i] ?? null;
        return n in (d as Record<string, CsvDefault>) ? (d as Record<string, CsvDefault>)[n]! : null;
      });
      const picks = (opts.selectColumns ?? names.map((_, i) => i)).map((c) => {
        const i = typeof c === 'number' ? c : names.indexOf(c);
        if (i < 0 || i >= names.length)
          throw invalidArgument(
            `${api}: ${name}: selected column ${JSON.stringify(c)} is not one of [${names.join(', ')}].`,
          );
        return i;
      });
      for (let r = first; !r.done; r = records.next()) {
        const { fields, line } = r.value;
        if (fields.length === 1 && fields[0] === '') continue; // blank line
        if (fields.length !== names.length) {
          throw new DataError(
            'INVALID_ARGUMENT',
            `${api}: ${name} line ${line}: expected ${names.length} fields (${names.join(', ')}), found ${fields.length}.`,
          );
        }
        const row: Record<string, number | string> = {};
        for (const i of picks) {
          const raw = fields[i]!;
          const def = defaults[i];
          const empty = raw === na || raw === '';
          if (typeof def === 'string') row[names[i]!] = empty ? def : raw;
          else if (empty) {
            if (def === null || def === undefined)
              throw new DataError(
                'INVALID_ARGUMENT',
                `${api}: ${name} line ${line}: column '${names[i]}' is empty and has no default. Expected a number, or set columnDefaults.`,
              );
            row[names[i]!] = def;
          } else {
            const v = Number(raw);
            if (Number.isNaN(v) && raw.trim().toLowerCase() !== 'nan') {
              throw new DataError(
                'INVALID_ARGUMENT',
                `${api}: ${name} line ${line}: column '${names[i]}' expected a number, received ${JSON.stringify(raw)}. Give it a string default to read text.`,
              );
            }
            row[names[i]!] = v;
          }
        }
        yield row;
      }
    }
  });
}

/** Splits CSV text into records (RFC 4180: quoted fields may hold delimiters, newlines and `""`). */
export function* parseCsv(text: string, delim: string, name: string): Generator<{ fields: string[]; line: number }> {
  const d = delim.charCodeAt(0);
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const fields: string[] = [];
    const startLine = line;
    for (;;) {
      if (text.charCodeAt(i) === 34) {
        // quoted field
        let out = '';
        let j = i + 1;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q === -1)
            throw new DataError(
              'INVALID_ARGUMENT',
              `csvDataset(): ${name} line ${startLine}: unterminated quoted field. Expected a closing '"'.`,
            );
          out += text.slice(j, q);
          if (text.charCodeAt(q + 1) === 34) {
            out += '"';
            j = q + 2;
          } else {
            j = q + 1;
            break;
          }
        }
        for (let k = i; k < j; k++) if (text.charCodeAt(k) === 10) line++;
        fields.push(out);
        i = j;
        const c = text.charCodeAt(i);
        if (i < n && c !== d && c !== 10 && c !== 13) {
          throw new DataError(
            'INVALID_ARGUMENT',
            `csvDataset(): ${name} line ${line}: unexpected character ${JSON.stringify(text[i])} after a quoted field. Expected '${delim}' or a line end.`,
          );
        }
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === d || c === 10 || c === 13) break;
          j++;
        }
        fields.push(text.slice(i, j));
        i = j;
      }
      if (i < n && text.charCodeAt(i) === d) {
        i++;
        continue;
      }
      break;
    }
    if (text.charCodeAt(i) === 13) i++;
    if (text.charCodeAt(i) === 10) i++;
    line++;
    yield { fields, line: startLine };
  }
}
