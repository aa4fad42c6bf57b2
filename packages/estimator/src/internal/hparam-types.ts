import { ConfigError } from '../errors.js';

/** A hyperparameter's scalar type. JS has one number type, so int and float are told apart by declaration. */
export type HParamType = 'int' | 'float' | 'bool' | 'string';

/** A hyperparameter's type: a scalar type, or a list of one. */
export interface HParamKind {
  readonly type: HParamType;
  readonly list: boolean;
}

/** A hyperparameter value: a number, string, boolean, or a list of one of those. */
export type HParamValue = number | string | boolean | number[] | string[] | boolean[];

function scalarType(v: unknown): HParamType | null {
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'string') return 'string';
  return null;
}

/**
 * The type a value declares, as Python's would: an integral number is an int (`128`), any other a float (`0.01`);
 * a list of numbers is a float list when any element is not integral. An empty list is a float list unless declared.
 */
export function inferKind(api: string, name: string, value: unknown): HParamKind {
  if (Array.isArray(value)) {
    const types = new Set(value.map(scalarType));
    if (types.has(null)) throw invalid(api, name, value, 'a number, string, boolean or a list of one of those');
    if (types.size === 0) return { type: 'float', list: true };
    if (types.size === 2 && types.has('int') && types.has('float')) return { type: 'float', list: true };
    if (types.size !== 1) throw invalid(api, name, value, 'a list whose elements all have one type');
    return { type: [...types][0]!, list: true };
  }
  const t = scalarType(value);
  if (t === null) throw invalid(api, name, value, 'a number, string, boolean or a list of one of those');
  return { type: t, list: false };
}

function invalid(api: string, name: string, value: unknown, expected: string): ConfigError {
  return new ConfigError(
    'INVALID_HPARAMS',
    `${api}: ${name} must be ${expected}. Received ${JSON.stringify(value) ?? String(value)}.`,
  );
}

export function describeKind(k: HParamKind): string {
  return k.list ? `list of ${k.type}` : k.type;
}

/**
 * `value` checked against `kind` (TF's `_cast_to_type_if_compatible`): an int takes only integral numbers, a float
 * takes any finite number, a bool only a boolean, a string only a string; a list takes a list of those.
 */
export function castValue(api: string, name: string, kind: HParamKind, value: unknown): HParamValue {
  const what = kind.list ? `a list of ${kind.type}` : `${kind.type === 'int' ? 'an' : 'a'} ${kind.type}`;
  const one = (v: unknown): number | string | boolean => {
    const ok =
      kind.type === 'int'
        ? typeof v === 'number' && Number.isInteger(v)
        : kind.type === 'float'
          ? typeof v === 'number' && Number.isFinite(v)
          : kind.type === 'bool'
            ? typeof v === 'boolean'
            : typeof v === 'string';
    if (!ok) throw invalid(api, name, value, what);
    return v as number | string | boolean;
  };
  if (kind.list) {
    if (!Array.isArray(value)) throw invalid(api, name, value, `a list of ${kind.type}`);
    return value.map(one) as HParamValue;
  }
  if (Array.isArray(value)) throw invalid(api, name, value, `a ${kind.type}, not a list`);
  return one(value);
}

/** Parses one scalar of `parse()`'s text as TF does: `int('1.5')` fails, `float('1')` is 1.0, bools are true/false/1/0. */
function parseScalar(api: string, name: string, type: HParamType, raw: string): number | string | boolean {
  const fail = () =>
    new ConfigError(
      'INVALID_HPARAMS',
      `${api}: could not parse hparam ${JSON.stringify(name)} of type ${type} with value ${JSON.stringify(raw)}.`,
    );
  switch (type) {
    case 'int':
      if (!/^[-+]?\d+$/.test(raw)) throw fail();
      return Number(raw);
    case 'float': {
      const n = Number(raw);
      if (raw === '' || !Number.isFinite(n)) throw fail();
      return n;
    }
    case 'bool': {
      const l = raw.toLowerCase();
      if (l === 'true' || l === '1') return true;
      if (l === 'false' || l === '0') return false;
      throw fail();
    }
    default:
      return raw;
  }
}

/** Parses `raw` (`3`, `[1,2]`) for a hyperparameter of `kind`. */
export function parseValue(api: string, name: string, kind: HParamKind, raw: string): HParamValue {
  if (!kind.list) return parseScalar(api, name, kind.type, raw);
  if (!raw.startsWith('[') || !raw.endsWith(']')) {
    throw new ConfigError(
      'INVALID_HPARAMS',
      `${api}: ${name} is a list of ${kind.type}; expected [a,b,...]. Received ${JSON.stringify(raw)}.`,
    );
  }
  return raw
    .slice(1, -1)
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '')
    .map((s) => parseScalar(api, name, kind.type, s)) as HParamValue;
}

/** Splits `"a=1,b=[2,3],c=x"` into name/value pairs (commas inside brackets belong to the value). */
export function splitAssignments(api: string, text: string): [string, string][] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
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
  const out: [string, string][] = [];
  for (const part of parts) {
    if (part.trim() === '') continue;
    const eq = part.indexOf('=');
    if (eq <= 0) {
      throw new ConfigError(
        'INVALID_HPARAMS',
        `${api}: expected name=value pairs separated by commas; could not read ${JSON.stringify(part.trim())}.`,
      );
    }
    out.push([part.slice(0, eq).trim(), part.slice(eq + 1).trim()]);
  }
  return out;
}
