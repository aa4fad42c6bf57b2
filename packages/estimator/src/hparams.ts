import { nearestKey } from '@estimatorjs/errors';
import { ConfigError } from './errors.js';
import {
  castValue,
  describeKind,
  type HParamKind,
  type HParamType,
  type HParamValue,
  inferKind,
  parseValue,
  splitAssignments,
} from './internal/hparam-types.js';

export type { HParamType, HParamValue };

/** Options of the {@link HParams} constructor. */
export interface HParamsOptions {
  /**
   * Declared types, for what JS cannot tell from a value: `{ learning_rate: 'float' }` makes a default of `1` a float
   * (Python's `1.0`). Undeclared numbers are ints when integral, floats otherwise, as Python literals are.
   */
  readonly types?: Readonly<Record<string, HParamType>>;
}

/** Options of {@link HParams.toJson}. */
export interface HParamsJsonOptions {
  readonly indent?: number;
  readonly sortKeys?: boolean;
}

/**
 * Named hyperparameters with types fixed when they are added (TF's `tf.contrib.training.HParams`): ints stay ints
 * (`parse('batch_size=0.5')` is an error), floats accept any number, bools and strings only their kind.
 * `parse("learning_rate=0.002,hidden_units=[256,128]")`, `overrideFromDict`, `parseJson` override values and check
 * their types; `toJson` writes them.
 * @example
 *   const hparams = new HParams({ learning_rate: 0.002, batch_size: 128 }).parse('learning_rate=0.01');
 *   hparams.get('learning_rate'); // 0.01
 */
export class HParams<T extends Record<string, HParamValue> = Record<string, HParamValue>> {
  private readonly map = new Map<string, HParamValue>();
  private readonly kinds = new Map<string, HParamKind>();

  constructor(defaults: T, options: HParamsOptions = {}) {
    const types = options.types ?? {};
    for (const name of Object.keys(types)) {
      if (!Object.hasOwn(defaults, name)) throw this.unknown('new HParams()', name, ` (in options.types)`);
    }
    for (const [name, value] of Object.entries(defaults)) this.add('new HParams()', name, value, types[name]);
  }

  private add(api: string, name: string, value: unknown, type: HParamType | undefined): void {
    if (typeof name !== 'string' || !/^[A-Za-z_][\w]*$/.test(name)) {
      throw new ConfigError(
        'INVALID_HPARAMS',
        `${api}: a hyperparameter name must be an identifier (letters, digits, _). Received ${JSON.stringify(name)}.`,
      );
    }
    const inferred = inferKind(api, name, value);
    const kind = type === undefined ? inferred : { type, list: inferred.list };
    this.map.set(name, castValue(api, name, kind, value));
    this.kinds.set(name, kind);
  }

  private unknown(api: string, name: string, where = ''): ConfigError {
    const near = nearestKey(name, [...this.map.keys()]);
    return new ConfigError(
      'UNKNOWN_HPARAM',
      `${api}: unknown hyperparameter ${JSON.stringify(name)}${where}.${near === undefined ? '' : ` Did you mean ${JSON.stringify(near)}?`} Known: ${[...this.map.keys()].join(', ') || 'none'}.`,
    );
  }

  private kindOf(api: string, name: string, where = ''): HParamKind {
    const kind = this.kinds.get(name);
    if (kind === undefined) throw this.unknown(api, name, where);
    return kind;
  }

  /** The value of `name`; throws for an unknown name. */
  get<K extends keyof T & string>(name: K): T[K] {
    this.kindOf('HParams.get()', name);
    return this.map.get(name) as T[K];
  }

  /** The type of `name`: `'int'`, `'float'`, `'bool'`, `'string'`, or `'list of …'`. */
  typeOf(name: keyof T & string): string {
    return describeKind(this.kindOf('HParams.typeOf()', name));
  }

  /**
   * Adds a new hyperparameter (TF's `add_hparam`); its type comes from the value, or from `type` (`'float'` for an
   * integral float). Adding an existing name is an error.
   * @example
   *   hparams.addHparam('dropout', 0.5).addHparam('epochs', 10).addHparam('lr', 1, 'float');
   */
  addHparam<K extends string, V extends HParamValue>(name: K, value: V, type?: HParamType): HParams<T & Record<K, V>> {
    const api = 'HParams.addHparam()';
    if (this.map.has(name)) {
      throw new ConfigError(
        'INVALID_HPARAMS',
        `${api}: hyperparameter ${JSON.stringify(name)} already exists (type ${describeKind(this.kinds.get(name)!)}); use setHparam() to change it.`,
      );
    }
    this.add(api, name, value, type);
    return this as unknown as HParams<T & Record<K, V>>;
  }

  /** Sets an existing hyperparameter, checking its type (TF's `set_hparam`); an unknown name is an error. */
  setHparam(name: keyof T & string, value: HParamValue): this {
    const api = 'HParams.setHparam()';
    this.map.set(name, castValue(api, name, this.kindOf(api, name), value));
    return this;
  }

  /** Removes a hyperparameter (TF's `del_hparam`); an unknown name is ignored, as in TF. */
  delHparam(name: string): this {
    this.map.delete(name);
    this.kinds.delete(name);
    return this;
  }

  /** Sets an existing hyperparameter (same type) or adds a new one. */
  set(name: string, value: HParamValue): this {
    return this.kinds.has(name)
      ? this.setHparam(name as keyof T & string, value)
      : (this.addHparam(name, value) as this);
  }

  /**
   * Overrides values from a dict (TF's `override_from_dict`): every name must exist and every value fit its type.
   * Nothing changes when one does not.
   * @example
   *   hparams.overrideFromDict({ learning_rate: 0.1, hidden_units: [64, 32] });
   */
  overrideFromDict(values: Readonly<Record<string, unknown>>): this {
    return this.applyAll('HParams.overrideFromDict()', Object.entries(values ?? {}), (api, name, kind, v) =>
      castValue(api, name, kind, v),
    );
  }

  /**
   * Overrides values from `"a=1,b=[2,3],c=adam"` (TF's `parse`); every name must exist and every value parse as its
   * type: `batch_size=0.5` for an int is an error, `learning_rate=1` for a float is 1.
   */
  parse(text: string): this {
    const api = 'HParams.parse()';
    return this.applyAll(
      api,
      splitAssignments(api, text),
      (a, name, kind, raw) => parseValue(a, name, kind, raw as string),
      ` in ${JSON.stringify(text)}`,
    );
  }

  private applyAll(
    api: string,
    entries: readonly (readonly [string, unknown])[],
    convert: (api: string, name: string, kind: HParamKind, value: unknown) => HParamValue,
    where = '',
  ): this {
    const next = entries.map(([name, v]) => [name, convert(api, name, this.kindOf(api, name, where), v)] as const);
    for (const [name, v] of next) this.map.set(name, v);
    return this;
  }

  /**
   * The values as JSON (TF's `to_json`).
   * @example
   *   await writeFile('hparams.json', hparams.toJson({ indent: 2, sortKeys: true }));
   */
  toJson(options: HParamsJsonOptions = {}): string {
    const entries = [...this.map];
    if (options.sortKeys) entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return JSON.stringify(Object.fromEntries(entries), null, options.indent);
  }

  /**
   * Overrides values from a JSON object (TF's `parse_json`), with {@link overrideFromDict}'s checks.
   * @example
   *   hparams.parseJson('{"learning_rate": 0.1}');
   */
  parseJson(json: string): this {
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (e) {
      throw new ConfigError(
        'INVALID_HPARAMS',
        `HParams.parseJson(): expected a JSON object. Received ${JSON.stringify(json.slice(0, 60))} (${(e as Error).message}).`,
      );
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new ConfigError(
        'INVALID_HPARAMS',
        `HParams.parseJson(): expected a JSON object of name: value. Received ${JSON.stringify(json.slice(0, 60))}.`,
      );
    }
    return this.overrideFromDict(parsed as Record<string, unknown>);
  }

  /** A plain object of every value (TF's `values()`). */
  values(): T {
    return Object.fromEntries(this.map) as T;
  }

  toString(): string {
    return [...this.map].map(([k, v]) => `${k}=${Array.isArray(v) ? `[${v.join(',')}]` : String(v)}`).join(',');
  }
}
