/**
 * Hyperparameters as a `text` summary: the Estimator writes its `params` under the tag {@link HPARAMS_TAG} at the
 * start of each `train()`, as a two-column markdown table, so TensorBoard's Text tab shows them and the board's run
 * table reads them back. (TensorBoard's own hparams plugin needs its protobufs and a study configuration; a text
 * table is what every viewer shows.)
 */

/** The tag of the hyperparameter table. */
export const HPARAMS_TAG = 'hparams';

/** A hyperparameter value the table holds. */
export type HParamsValue = number | string | boolean;

/**
 * The markdown table of the number, string and boolean entries of `params` (other entries — functions, arrays,
 * objects such as feature columns — are left out), in key order; undefined when there are none.
 * @example
 *   formatHParams({ learning_rate: 0.002, batch_size: 128 });
 *   // '| hparam | value |\n|---|---|\n| batch_size | 128 |\n| learning_rate | 0.002 |'
 */
export function formatHParams(params: unknown): string | undefined {
  if (params === null || typeof params !== 'object') return undefined;
  const rows: string[] = [];
  for (const key of Object.keys(params).sort()) {
    const v = (params as Record<string, unknown>)[key];
    if (typeof v !== 'number' && typeof v !== 'string' && typeof v !== 'boolean') continue;
    rows.push(`| ${cell(key)} | ${cell(String(v))} |`);
  }
  return rows.length === 0 ? undefined : ['| hparam | value |', '|---|---|', ...rows].join('\n');
}

/**
 * The entries of a table written by {@link formatHParams}: `true`/`false` become booleans, numerals numbers,
 * anything else stays a string.
 * @example
 *   parseHParams(formatHParams({ lr: 0.1, optimizer: 'adam' })!); // { lr: 0.1, optimizer: 'adam' }
 */
export function parseHParams(text: string): Record<string, HParamsValue> {
  const out: Record<string, HParamsValue> = {};
  for (const line of text.split('\n').slice(2)) {
    const cells = line.match(/^\| (.*) \| (.*) \|$/);
    if (!cells) continue;
    const [, key, raw] = cells as unknown as [string, string, string];
    out[uncell(key)] = value(uncell(raw));
  }
  return out;
}

/** A table cell: `|` escaped, line breaks as spaces (a cell is one line). */
function cell(s: string): string {
  return s.replaceAll('\\', '\\\\').replaceAll('|', '\\|').replaceAll(/\r?\n/g, ' ');
}

function uncell(s: string): string {
  return s.replaceAll(/\\([\\|])/g, '$1');
}

function value(s: string): HParamsValue {
  if (s === 'true' || s === 'false') return s === 'true';
  const n = Number(s);
  return s.trim() !== '' && Number.isFinite(n) && /^[-+]?\.?\d/.test(s) ? n : s;
}
