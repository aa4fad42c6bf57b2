/**
 * The command line convention shared by the examples: TF-style `--name value` / `--name=value` flags (dashes and
 * underscores are the same), booleans as `--name`, `--name=false` or `--noname`, an optional command first, and
 * `--help` listing every flag with its default. Owns: parsing and validating argv. Does not own: what a flag means.
 */
import { closestName } from '@estimatorjs/errors';
import { FlagError } from './errors.js';
import { SCHEDULES } from './schedules.js';

/** One flag's definition. */
export type FlagSpec =
  | { readonly type: 'string'; readonly help: string; readonly default?: string }
  | { readonly type: 'path'; readonly help: string; readonly default?: string }
  | { readonly type: 'int'; readonly help: string; readonly default?: number; readonly min?: number }
  | { readonly type: 'number'; readonly help: string; readonly default?: number }
  | { readonly type: 'boolean'; readonly help: string; readonly default?: boolean }
  | { readonly type: 'enum'; readonly help: string; readonly values: readonly string[]; readonly default?: string };

/** The value type of a flag. */
export type FlagValue<F extends FlagSpec> = F extends { type: 'int' | 'number' }
  ? number
  : F extends { type: 'boolean' }
    ? boolean
    : F extends { type: 'enum'; values: readonly (infer V)[] }
      ? V
      : string;

/** Parsed flag values by flag name (`flags.values.model_dir`, as TF's `FLAGS.model_dir`). */
export type FlagValues<S extends Readonly<Record<string, FlagSpec>>> = {
  readonly [K in keyof S]: S[K] extends { default: unknown } ? FlagValue<S[K]> : FlagValue<S[K]> | undefined;
};

/** The result of {@link FlagSet.parse}. */
export interface ParsedFlags<S extends Readonly<Record<string, FlagSpec>>> {
  /** The command given first (one of `commands`), or the first command when none was given. */
  readonly command: string | undefined;
  /** True when `--help` or `-h` was given: print {@link FlagSet.usage} and exit. */
  readonly help: boolean;
  readonly values: FlagValues<S>;
  /** The flags given on the command line (the others hold their defaults), e.g. to fall back only on a default. */
  readonly given: ReadonlySet<string>;
}

/** Options of {@link defineFlags}. */
export interface DefineFlagsOptions {
  /** The program's name for the usage line, e.g. `pnpm mnist`. */
  readonly program?: string;
  /** Commands that may come first (the first one is the default). */
  readonly commands?: readonly string[];
}

/** Options of {@link FlagSet.parse}. */
export interface ParseFlagsOptions {
  /** Relative `path` flags resolve against this directory (e.g. `process.cwd()`); without it they stay as given. */
  readonly cwd?: string;
}

/**
 * The flags every experiment CLI shares: `--model_dir`, `--schedule`, `--hparams`. Spread them into
 * {@link defineFlags} and override defaults as needed.
 */
export const STANDARD_FLAGS = {
  model_dir: { type: 'path', help: 'where checkpoints, exports and TensorBoard event files go' },
  schedule: {
    type: 'enum',
    values: SCHEDULES,
    default: 'train_and_evaluate',
    help: `what to run: ${SCHEDULES.join(' | ')}`,
  },
  hparams: {
    type: 'string',
    default: '',
    help: 'hyperparameter overrides, e.g. "learning_rate=0.01,hidden_units=[256,128]"',
  },
} as const satisfies Readonly<Record<string, FlagSpec>>;

/**
 * A set of defined flags: parse argv with it, or print its usage.
 * @example
 *   const flags = new FlagSet({ ...STANDARD_FLAGS, train_steps: { type: 'int', default: 1000, help: 'steps' } });
 *   console.log(flags.usage());
 */
export class FlagSet<S extends Readonly<Record<string, FlagSpec>>> {
  constructor(
    readonly spec: S,
    readonly options: DefineFlagsOptions = {},
  ) {
    for (const [name, f] of Object.entries(spec)) {
      if (!/^[a-z][a-z0-9_]*$/.test(name)) {
        throw new FlagError(`defineFlags(): flag names are lower_snake_case; received ${JSON.stringify(name)}.`);
      }
      if (f.type === 'enum' && f.default !== undefined && !f.values.includes(f.default)) {
        throw new FlagError(`defineFlags(): --${name} default ${JSON.stringify(f.default)} is not one of its values.`);
      }
    }
  }

  /** The `--help` text: the usage line, then each flag with its help and default. */
  usage(): string {
    const o = this.options;
    const cmds = o.commands && o.commands.length > 0 ? ` [${o.commands.join('|')}]` : '';
    const lines = [`Usage: ${o.program ?? 'program'}${cmds} [--flag value ...]`, '', 'Flags:'];
    const width = Math.max(12, ...Object.keys(this.spec).map((n) => n.length));
    for (const [name, f] of Object.entries(this.spec)) {
      const d = f.default === undefined || f.default === '' ? 'none' : String(f.default);
      lines.push(`  --${name.padEnd(width)} ${f.help} (default: ${d})`);
    }
    lines.push(`  --${'help'.padEnd(width)} this text`);
    return lines.join('\n');
  }

  /** Parses argv (without `node` and the script). Throws a one-line {@link FlagError} for anything wrong. */
  parse(argv: readonly string[], options: ParseFlagsOptions = {}): ParsedFlags<S> {
    const raw = new Map<string, string>();
    const commands = this.options.commands ?? [];
    let command: string | undefined = commands[0];
    let help = false;
    const known = () =>
      Object.keys(this.spec)
        .map((n) => `--${n}`)
        .join(', ');
    for (let i = 0; i < argv.length; i++) {
      const arg = argv[i]!;
      if (arg === '--') continue;
      if (arg === '--help' || arg === '-h' || arg === '--helpfull') {
        help = true;
        continue;
      }
      if (!arg.startsWith('--')) {
        if (i === 0 && commands.includes(arg)) {
          command = arg;
          continue;
        }
        const expected = commands.length > 0 ? `a command (${commands.join(', ')}) first, then ` : '';
        throw new FlagError(
          `unexpected argument ${JSON.stringify(arg)}; expected ${expected}--flag value pairs. Run with --help for the list.`,
        );
      }
      const eq = arg.indexOf('=');
      let name = (eq > 0 ? arg.slice(2, eq) : arg.slice(2)).replace(/-/g, '_');
      let value: string | undefined = eq > 0 ? arg.slice(eq + 1) : undefined;
      if (!(name in this.spec) && name.startsWith('no') && this.spec[name.slice(2)]?.type === 'boolean' && eq < 0) {
        name = name.slice(2);
        value = 'false';
      }
      const f = this.spec[name];
      if (!f) {
        const near = closestName(name, Object.keys(this.spec));
        throw new FlagError(
          near === undefined
            ? `unknown flag --${name}; expected one of ${known()}.`
            : `unknown flag --${name}; did you mean --${near}? Run with --help for the list.`,
        );
      }
      if (value === undefined) {
        if (f.type === 'boolean') value = 'true';
        else {
          value = argv[++i];
          if (value === undefined) throw new FlagError(`--${name} needs a value.`);
        }
      }
      raw.set(name, value);
    }
    const values: Record<string, unknown> = {};
    for (const [name, f] of Object.entries(this.spec)) {
      const given = raw.get(name);
      values[name] = given === undefined ? f.default : convert(name, f, given);
      if (f.type === 'path' && typeof values[name] === 'string') {
        if ((values[name] as string).trim() === '') throw new FlagError(`--${name} must not be empty.`);
        values[name] = resolvePath(options.cwd, values[name] as string);
      }
    }
    return { command, help, values: values as FlagValues<S>, given: new Set(raw.keys()) };
  }
}

/**
 * Defines a CLI's flags (TF's `tf.app.flags` / absl `flags.DEFINE_*`, as one object).
 * @example
 *   const flags = defineFlags({ ...STANDARD_FLAGS, train_steps: { type: 'int', min: 1, default: 1000, help: 'global step to train to' } },
 *     { program: 'pnpm mnist' });
 *   const { help, values } = flags.parse(process.argv.slice(2), { cwd: process.cwd() });
 *   if (help) console.log(flags.usage());
 */
export function defineFlags<const S extends Readonly<Record<string, FlagSpec>>>(
  spec: S,
  options?: DefineFlagsOptions,
): FlagSet<S> {
  return new FlagSet(spec, options);
}

/**
 * Parses argv with a {@link FlagSet} (the same as `flags.parse(argv, options)`).
 * @example
 *   const { values } = parseFlags(defineFlags(STANDARD_FLAGS), ['--model_dir', '/tmp/m', '--schedule=train']);
 */
export function parseFlags<S extends Readonly<Record<string, FlagSpec>>>(
  flags: FlagSet<S>,
  argv: readonly string[],
  options?: ParseFlagsOptions,
): ParsedFlags<S> {
  return flags.parse(argv, options);
}

function convert(name: string, f: FlagSpec, raw: string): unknown {
  switch (f.type) {
    case 'int': {
      const n = Number(raw);
      const min = f.min ?? Number.MIN_SAFE_INTEGER;
      if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min) {
        const bound = f.min === undefined ? 'an integer' : `an integer >= ${f.min}`;
        throw new FlagError(`--${name} must be ${bound}; received ${JSON.stringify(raw)}.`);
      }
      return n;
    }
    case 'number': {
      const n = Number(raw);
      if (raw.trim() === '' || !Number.isFinite(n)) {
        throw new FlagError(`--${name} must be a number; received ${JSON.stringify(raw)}.`);
      }
      return n;
    }
    case 'boolean': {
      const v = raw.toLowerCase();
      if (v === 'true' || v === '1') return true;
      if (v === 'false' || v === '0') return false;
      throw new FlagError(`--${name} must be true or false; received ${JSON.stringify(raw)}.`);
    }
    case 'enum':
      if (!f.values.includes(raw)) {
        throw new FlagError(`--${name} must be one of ${f.values.join(', ')}; received ${JSON.stringify(raw)}.`);
      }
      return raw;
    default:
      return raw;
  }
}

/** Joins a relative path onto `cwd` without node:path, so the parser also runs in the browser. */
function resolvePath(cwd: string | undefined, p: string): string {
  if (cwd === undefined || p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\')) return p;
  const sep = cwd.includes('\\') && !cwd.includes('/') ? '\\' : '/';
  const parts = `${cwd}${sep}${p}`.split(/[\\/]+/);
  const out: string[] = [];
  for (const part of parts) {
    if (part === '.' || (part === '' && out.length > 0)) continue;
    if (part === '..' && out.length > 1) out.pop();
    else if (part !== '..') out.push(part);
  }
  return out.join(sep) || sep;
}
