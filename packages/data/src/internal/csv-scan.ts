/**
 * A CSV record scanner (RFC 4180: quoted fields may hold delimiters, newlines and `""`) that records field
 * boundaries instead of cutting strings, so numeric columns are parsed straight from the text. The text may come
 * in pieces (`reset`): a record cut by the end of a piece waits for the next one. Owns: record splitting and number
 * parsing. Does not own: decoding, column types, defaults, errors about columns (csv.ts).
 */
import { DataError } from '../errors.js';

const POW10 = Array.from({ length: 23 }, (_, i) => 10 ** i);

/**
 * The number in `text[start, end)`, exactly as `Number(text.slice(start, end))` gives it. Plain decimals of up to
 * 15 digits are parsed in place (mantissa and power of ten are exact doubles, and one division rounds correctly);
 * anything else (exponents, spaces, `Infinity`, long digit strings) goes through `Number`.
 */
export function parseNumber(text: string, start: number, end: number): number {
  let i = start;
  let neg = false;
  let c = text.charCodeAt(i);
  if (c === 45) {
    neg = true;
    i++;
  } else if (c === 43) i++;
  let m = 0;
  let digits = 0;
  let frac = 0;
  let dot = false;
  for (; i < end; i++) {
    c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      m = m * 10 + (c - 48);
      digits++;
      if (dot) frac++;
    } else if (c === 46 && !dot) dot = true;
    else return Number(text.slice(start, end));
  }
  if (digits === 0 || digits > 15 || frac > 22) return Number(text.slice(start, end));
  const v = frac === 0 ? m : m / POW10[frac]!;
  return neg ? -v : v;
}

/**
 * Walks the records of `text`; after `next()` returns true, fields `0..count-1` describe the record. Unless
 * `final`, more text follows through `reset()`.
 */
export class CsvScanner {
  /** Field starts and ends (exclusive) in `text`, for unquoted fields. */
  starts = new Int32Array(16);
  ends = new Int32Array(16);
  /** The unescaped value of quoted fields; null for unquoted ones. */
  quoted: (string | null)[] = [];
  count = 0;
  /** The line the current record starts on (1-based). */
  line = 0;
  private i = 0;
  private nextLine = 1;
  private readonly d: number;

  constructor(
    public text: string,
    private readonly delim: string,
    private readonly name: string,
    public final = true,
    /** RFC 4180 quotes; false treats `"` as an ordinary character (TF's `use_quote_delim=False`). */
    private readonly quotes = true,
    /** The API named in errors. */
    private readonly api = 'csvDataset()',
  ) {
    this.d = delim.charCodeAt(0);
  }

  /** The length of the text not yet consumed (a partial record, when `next()` just returned false). */
  get pending(): number {
    return this.text.length - this.i;
  }

  /** The text not yet consumed (a partial record, when `next()` just returned false). */
  rest(): string {
    return this.text.slice(this.i);
  }

  /** Continues with `text`, which must start with `rest()` (the current record's fields become invalid); `final` when no more follows. */
  reset(text: string, final: boolean): void {
    this.text = text;
    this.i = 0;
    this.final = final;
  }

  /** Field `k` of the current record as a string. */
  field(k: number): string {
    return this.quoted[k] ?? this.text.slice(this.starts[k], this.ends[k]);
  }

  /** True when field `k` is unquoted and equals `s`. */
  fieldIs(k: number, s: string): boolean {
    if (this.quoted[k] !== null) return this.quoted[k] === s;
    const a = this.starts[k]!;
    return this.ends[k]! - a === s.length && this.text.startsWith(s, a);
  }

  private push(start: number, end: number, q: string | null): void {
    const k = this.count++;
    if (k === this.starts.length) {
      const s = new Int32Array(k * 2);
      s.set(this.starts);
      this.starts = s;
      const e = new Int32Array(k * 2);
      e.set(this.ends);
      this.ends = e;
    }
    this.starts[k] = start;
    this.ends[k] = end;
    this.quoted[k] = q;
  }

  /** Moves to the next record; false at the end of the text, or (unless final) before a record the text cuts short. */
  next(): boolean {
    const { text, d, final } = this;
    const n = text.length;
    let i = this.i;
    if (i >= n) return false;
    this.count = 0;
    this.line = this.nextLine;
    let line = this.nextLine;
    for (;;) {
      if (this.quotes && text.charCodeAt(i) === 34) {
        let out = '';
        let j = i + 1;
        for (;;) {
          const q = text.indexOf('"', j);
          if (q === -1) {
            if (!final) return false;
            throw new DataError(
              'INVALID_ARGUMENT',
              `${this.api}: ${this.name} line ${this.line}: unterminated quoted field. Expected a closing '"'.`,
            );
          }
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
        this.push(i, j, out);
        i = j;
        const c = text.charCodeAt(i);
        if (i < n && c !== d && c !== 10 && c !== 13) {
          throw new DataError(
            'INVALID_ARGUMENT',
            `${this.api}: ${this.name} line ${line}: unexpected character ${JSON.stringify(text[i])} after a quoted field. Expected '${this.delim}' or a line end.`,
          );
        }
      } else {
        let j = i;
        while (j < n) {
          const c = text.charCodeAt(j);
          if (c === d || c === 10 || c === 13) break;
          j++;
        }
        this.push(i, j, null);
        i = j;
      }
      if (i < n && text.charCodeAt(i) === d) {
        i++;
        continue;
      }
      break;
    }
    // the record's end must be in the text: a field may go on, `""` or `\r\n` may be cut in two
    if (!final && (i >= n || (i + 1 === n && text.charCodeAt(i) === 13))) return false;
    if (text.charCodeAt(i) === 13) i++;
    if (text.charCodeAt(i) === 10) i++;
    this.i = i;
    this.nextLine = line + 1;
    return true;
  }
}
