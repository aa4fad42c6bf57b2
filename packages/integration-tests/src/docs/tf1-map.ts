/**
 * Reads docs/tf1-map.md's table for the map test: which estimator-js names each row promises, and whether each one is
 * in the public API of the package the row names. Owns: the map's conventions (below). Does not own: resolving a
 * name in the built API (api-names.ts).
 *
 * The conventions of the right-hand ("estimator-js") column:
 * - Every backticked span is a promise. A span is split on ` / ` (outside brackets): `layers.dense / conv2d` is
 *   `layers.dense` and `layers.conv2d`. The name of a span is its leading dotted identifier (after `await `/`new `),
 *   so `await estimator.train(inputFn, { steps })` promises `estimator.train`.
 * - A name resolves through the exports of the row's packages (every entry point of each: `@estimatorjs/summary`
 *   covers `@estimatorjs/summary/node`), then namespaces (`layers.conv1d`), object members (`ModeKeys.TRAIN`), static
 *   members (`Dataset.listFiles`) and instance members (`Hook.beforeRun`).
 * - A bare name (`recallAtK`) that is not an export resolves in the cell's context: the qualifier of the name before
 *   it (`metrics.precisionAtK(…)`, `recallAtK(…)`), or the class, interface or namespace named just before it
 *   (`Hook` (`begin`, …)).
 * - `.name` is an instance member of a class or interface the row's packages export (`.repeat()` of `Dataset`).
 * - A lowercase receiver stands for an instance: RECEIVERS in api-names.ts (`estimator.train`, `it.getNext`).
 * - Not names, so not checked: string literals (`'ZLIB'`), object or array shapes (`{ … }`, `[kh, kw]`), TensorFlow
 *   or tfjs names (`tf.…`), and TF variable names (a span with `/` in it: `conv1d/kernel`).
 * - `@estimatorjs/…` must be a public package or entry point.
 * - An UPPER_SNAKE_CASE span (but in a ` / ` list after a qualified name) is a constant: an error code
 *   (`UNSUPPORTED_OPTION`) or an environment variable (`TF_CONFIG`) that occurs as a string literal in the built
 *   JavaScript of the row's packages.
 * - Keys of an object literal among a call's arguments (`new RunConfig({ tfConfig })`) are options the callee must
 *   take, and a bare name after a call may be one of its options (`layers.dense(x, n, { … })`, `kernelRegularizer`);
 *   `key: value` on its own is such an option.
 * - A row whose package cell is `—` maps to nothing: its right-hand cell must start with "does not exist" or
 *   "do not exist" (names in it, such as the alternative to use, are then looked up in every package).
 * - Every other row promises at least one name, so no row is left unchecked.
 * - The one escape: `<!-- unchecked: a, b -->` in a cell lists (comma-separated) spans that are none of these, such
 *   as an error message or a tfjs kernel name. Keep it rare.
 */
import type { ApiResolver, Found, NameSpan, OptionKey } from './api-names.js';

/** One row of the map's table. */
export interface MapRow {
  /** 1-based line in the markdown file. */
  readonly line: number;
  readonly tf: string;
  readonly ours: string;
  /** Package specifiers (`@estimatorjs/data`), or none for a `—` row. */
  readonly packages: readonly string[];
}

/** What a backticked span of the right-hand column is. */
export type Span =
  | ({ readonly kind: 'name'; readonly text: string } & NameSpan)
  | { readonly kind: 'code'; readonly text: string; readonly code: string }
  | { readonly kind: 'skip'; readonly text: string; readonly why: string }
  | { readonly kind: 'package'; readonly text: string }
  | { readonly kind: 'unparsed'; readonly text: string };

/** The right-hand cell of a row that maps to nothing starts like this. */
export const ABSENT = /^(?:does|do) not exist\b/;

/** A markdown table row's cells; `\|` is a pipe inside a cell. */
export function splitCells(line: string): string[] {
  const cells = line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split(/(?<!\\)\|/);
  return cells.map((c) => c.trim().replace(/\\\|/g, '|'));
}

/** The rows of the first table of `markdown` whose header row has 3 cells. */
export function parseMapTable(markdown: string): MapRow[] {
  const lines = markdown.split('\n');
  const rows: MapRow[] = [];
  const start = lines.findIndex((l, i) => l.startsWith('|') && /^\|[-| :]+\|$/.test(lines[i + 1] ?? ''));
  if (start < 0) return rows;
  for (let i = start + 2; i < lines.length && lines[i]!.startsWith('|'); i++) {
    const cells = splitCells(lines[i]!);
    if (cells.length !== 3) throw new Error(`tf1-map line ${i + 1}: ${cells.length} cells, expected 3`);
    const [tf, ours, pkg] = cells as [string, string, string];
    const packages =
      pkg === '—'
        ? []
        : pkg
            .replace(/`/g, '')
            .split(',')
            .map((p) => p.trim())
            .map((p) => (p.startsWith('@estimatorjs/') ? p : `@estimatorjs/${p}`));
    rows.push({ line: i + 1, tf, ours, packages });
  }
  return rows;
}

/** Splits `text` on ` / ` outside (), {}, []. */
function splitAlternatives(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let from = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if ('({['.includes(c)) depth++;
    else if (')}]'.includes(c)) depth--;
    else if (depth === 0 && text.startsWith(' / ', i)) {
      parts.push(text.slice(from, i));
      from = i + 3;
    }
  }
  parts.push(text.slice(from));
  return parts.map((p) => p.trim());
}

/** The spans a cell marks as unchecked (`<!-- unchecked: a b -->`). */
function uncheckedIn(cell: string): Set<string> {
  const m = /<!--\s*unchecked:([^>]*)-->/.exec(cell);
  return new Set(m ? m[1]!.split(',').map((t) => t.trim()) : []);
}

/** Classifies one alternative of a span. */
function classify(text: string, unchecked: Set<string>, listed: boolean): Span {
  if (unchecked.has(text)) return { kind: 'skip', text, why: 'marked unchecked' };
  // `Reduction.NONE / SUM_OVER_BATCH_SIZE`: after a qualified first name, an UPPER_SNAKE name is a member, no constant
  if (listed && /^[A-Za-z_$][\w$]*$/.test(text)) return { kind: 'name', text, path: [text], member: false, keys: [] };
  if (/^@estimatorjs\//.test(text)) return { kind: 'package', text };
  if (/^['"]/.test(text)) return { kind: 'skip', text, why: 'a string' };
  if (/^[{[]/.test(text)) return { kind: 'skip', text, why: 'a shape' };
  if (/^-?\d/.test(text)) return { kind: 'skip', text, why: 'a number' };
  if (/^tf\./.test(text)) return { kind: 'skip', text, why: 'a TensorFlow/tfjs name' };
  if (/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(text)) return { kind: 'code', text, code: text };
  if (text.includes('/') && !text.includes('(')) return { kind: 'skip', text, why: 'a TF variable name' };
  const option = /^([a-z_$][\w$]*): /.exec(text);
  if (option) return { kind: 'name', text, path: [option[1]!], member: false, keys: [] };
  const m = /^(?:(?:await|new)\s+)*(\.)?([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)(?=$|[\s(.[…;,)]|!)/.exec(text);
  if (!m || /^(?:for|const|let|if|return|function)$/.test(m[2]!)) return { kind: 'unparsed', text };
  return {
    kind: 'name',
    text,
    path: m[2]!.split('.'),
    member: m[1] === '.',
    keys: optionKeys(text.slice(m[0].length)),
  };
}

/** The keys of the object literals among the arguments that start `rest` (`(x, { seed, dim: 2 })` → seed, dim). */
function optionKeys(rest: string): OptionKey[] {
  if (!rest.startsWith('(')) return [];
  let depth = 0;
  let end = 0;
  for (; end < rest.length; end++) {
    if ('({['.includes(rest[end]!)) depth++;
    else if (')}]'.includes(rest[end]!) && --depth === 0) break;
  }
  const keys: OptionKey[] = [];
  for (const { inside, arg } of topLevelObjects(rest.slice(1, end).replace(/'[^']*'/g, "''")))
    for (const part of inside.split(','))
      if (/^\s*[A-Za-z_$][\w$]*\s*(?::|$)/.test(part)) keys.push({ name: part.trim().split(/\s*:/)[0]!, arg });
  return keys;
}

/** The insides of the `{ … }` arguments in `args` (without their own nested groups), with their positions. */
function topLevelObjects(args: string): { inside: string; arg: number }[] {
  const out: { inside: string; arg: number }[] = [];
  let depth = 0;
  let arg = 0;
  let current: string | undefined;
  for (const c of args) {
    if ('({['.includes(c)) {
      if (depth === 0 && c === '{') current = '';
      depth++;
    } else if (')}]'.includes(c)) {
      depth--;
      if (depth === 0 && current !== undefined) {
        out.push({ inside: current, arg });
        current = undefined;
      }
    } else if (depth === 0 && c === ',') arg++;
    else if (depth === 1 && current !== undefined) current += c;
  }
  return out;
}

/** The spans of a right-hand cell, in order. */
export function cellSpans(cell: string): Span[] {
  const unchecked = uncheckedIn(cell);
  const spans: Span[] = [];
  for (const m of cell.replace(/<!--[\s\S]*?-->/g, '').matchAll(/`([^`]+)`/g))
    for (const [i, alt] of splitAlternatives(m[1]!).entries())
      spans.push(classify(alt, unchecked, i > 0 && /^\.?[\w$]+\./.test(m[1]!)));
  return spans;
}

/** What is wrong with one row: names that do not exist, an absent row that does not say so, a row with no name. */
export function rowProblems(row: MapRow, api: ApiResolver): string[] {
  const problems: string[] = [];
  const where = `tf1-map.md:${row.line}`;
  const absent = row.packages.length === 0;
  if (absent !== ABSENT.test(row.ours))
    problems.push(
      absent
        ? `${where}: package "—" but the row does not start with "does not exist" / "do not exist"`
        : `${where}: says it does not exist but names a package`,
    );
  const packages = absent ? api.packages : row.packages;
  let context: Found[] = [];
  let checked = 0;
  for (const span of cellSpans(row.ours)) {
    if (span.kind === 'unparsed') problems.push(`${where}: \`${span.text}\` is neither a name nor a skipped form`);
    else if (span.kind === 'package') {
      checked++;
      if (!api.packages.includes(span.text) && !api.specifiers.includes(span.text))
        problems.push(`${where}: \`${span.text}\` is no public entry point`);
    } else if (span.kind === 'code') {
      checked++;
      if (!api.hasConstant(packages, span.code))
        problems.push(`${where}: ${span.code} occurs as a string nowhere in ${packages.join(', ')}`);
    } else if (span.kind === 'name') {
      checked++;
      const r = api.resolve(packages, span, context);
      if (r.found.length === 0) problems.push(`${where}: \`${span.text}\` does not exist in ${packages.join(', ')}`);
      else if (r.unknownKeys.length > 0)
        problems.push(`${where}: \`${span.text}\` takes no option ${r.unknownKeys.map((k) => `"${k}"`).join(', ')}`);
      context = r.context;
    }
  }
  if (!absent && checked === 0) problems.push(`${where}: promises no checkable name`);
  return problems;
}

/** The number of names and error codes a row's right-hand cell promises. */
export function promisedCount(row: MapRow): number {
  return cellSpans(row.ours).reduce(
    (n, s) => n + (s.kind === 'name' ? 1 + s.keys.length : s.kind === 'code' ? 1 : 0),
    0,
  );
}
