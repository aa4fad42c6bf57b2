import { ConfigError } from './errors.js';

/** A hyperparameter value: a number, string, boolean, or a list of one of those. */
export type HParamValue = number | string | boolean | number[] | string[] | boolean[];

/**
 * Named hyperparameters with types fixed by their defaults (TF's `tf.contrib.training.HParams`).
 * `parse("learning_rate=0.002,hidden_units=[256,128]")` overrides values and checks their types.
 * @example
 *   const hparams = new HParams({ learning_rate: 0.002, batch_size: 128 }).parse('learning_rate=0.01');
 *   hparams.get('learning_rate'); // 0.01
 */
export class HParams<T extends Record<string, HParamValue> = Record<string, HParamValue>> {
  private readonly map: Map<string, HParamValue>;

  constructor(defaults: T) {
    this.map = new Map(Object.entries(defaults));
  }

  /** The value of `name`; throws for an unknown name. */
  get<K extends keyof T & string>(name: K): T[K] {
    if (!this.map.has(name)) {
      throw new ConfigError(
        'UNKNOWN_HPARAM',
        `HParams.get(): unknown hyperparameter ${JSON.stringify(name)}. Known: ${[...this.map.keys()].join(', ')}.`,
      );
    }
    return this.map.get(name) as T[K];
  }

  /** Sets an existing hyperparameter (same type) or adds a new one. */
  set(name: string, value: HParamValue): this {
    const current = this.map.get(name);
    if (current !== undefined) checkType('HParams.set()', name, current, value);
    this.map.set(name, value);
    return this;
  }

  /** Overrides values from `"a=1,b=[2,3],c=adam"`; every name must exist, types must match the defaults. */
  parse(text: string): this {
    for (const [name, raw] of splitAssignments(text)) {
      const current = this.map.get(name);
      if (current === undefined) {
        throw new ConfigError(
          'UNKNOWN_HPARAM',
          `HParams.parse(): unknown hyperparameter ${JSON.stringify(name)} in ${JSON.stringify(text)}. Known: ${[...this.map.keys()].join(', ')}.`,
        );
      }
      this.map.set(name, parseValue(name, raw, current));
    }
    return this;
  }

  /** A plain object of every value (TF's `values()`). */
  values(): T {
    return Object.fromEntries(this.map) as T;
  }

  toString(): string {
    return [...this.map].map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(',')}]` : String(v)}`).join(',');
  }
}

function splitAssignments(text: string): [string, string][] {
  const out: [string, string][] = [];
  let depth = 0;
  let start = 0;
  const parts: string[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '[') depth++;
    else if (c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  for (const part of parts) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) {
      throw new ConfigError(
        'INVALID_HPARAMS',
        `HParams.parse(): expected name=value pairs separated by commas; could not read ${JSON.stringify(part.trim())}.`,
      );
    }
    out.push([part.slice(0, eq).trim(), part.slice(eq + 1).trim()]);
  }
  return out;
}

function parseValue(name: string, raw: string, current: HParamValue): HParamValue {
  if (Array.isArray(current)) {
    if (!raw.startsWith('[') || !raw.endsWith(']')) {
      throw new ConfigError(
        'INVALID_HPARAMS',
        `HParams.parse(): ${name} is a list; expected [a,b,...]. Received ${JSON.stringify(raw)}.`,
      );
    }
    const items = raw
      .slice(1, -1)
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s !== '');
    const proto = current.length > 0 ? current[0] : 0;
    return items.map((s) => parseScalar(name, s, proto as number | string | boolean)) as HParamValue;
  }
  return parseScalar(name, raw, current);
}

function parseScalar(name: string, raw: string, proto: number | string | boolean): number | string | boolean {
  if (typeof proto === 'number') {
    const n = Number(raw);
    if (raw === '' || !Number.isFinite(n)) {
      throw new ConfigError(
        'INVALID_HPARAMS',
        `HParams.parse(): ${name} must be a number. Received ${JSON.stringify(raw)}.`,
      );
    }
    return n;
  }
  if (typeof proto === 'boolean') {
    if (raw !== 'true' && raw !== 'false') {
      throw new ConfigError(
        'INVALID_HPARAMS',
        `HParams.parse(): ${name} must be true or false. Received ${JSON.stringify(raw)}.`,
      );
    }
    return raw === 'true';
  }
  return raw;
}

function checkType(api: string, name: string, current: HParamValue, value: HParamValue): void {
  const kind = (v: HParamValue) => (Array.isArray(v) ? 'list' : typeof v);
  if (kind(current) !== kind(value)) {
    throw new ConfigError(
      'INVALID_HPARAMS',
      `${api}: ${name} is a ${kind(current)}; received a ${kind(value)} (${String(value)}).`,
    );
  }
}
