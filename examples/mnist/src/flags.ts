/** The example's command line: TF-style `--name value` / `--name=value` flags with validation and `--help`. */
import { isAbsolute, resolve } from 'node:path';

/** Parsed and validated flags. */
export interface Flags {
  readonly command: 'train' | 'predict';
  readonly modelDir: string;
  readonly dataDir: string;
  readonly backend: string;
  readonly trainSteps: number;
  readonly batchSize: number;
  readonly seed: number | undefined;
  readonly hparams: string;
  readonly schedule: string;
  readonly help: boolean;
}

/** Thrown for bad flags; the CLI prints its message as one line and exits with status 2. */
export class FlagError extends Error {
  readonly code = 'BAD_FLAG';
}

/** Quick-start default: a few minutes on two cores. The original example's full schedule is 5000 steps. */
export const QUICK_TRAIN_STEPS = 200;

const SPEC = {
  model_dir: { help: 'where checkpoints and TensorBoard event files go', default: './mnist_training' },
  data_dir: {
    help: 'MNIST IDX files (train-images-idx3-ubyte[.gz], …); without them the embedded digits are used',
    default: './mnist_data',
  },
  backend: { help: 'tfjs backend: wasm | cpu | webgl | webgpu | tensorflow', default: 'wasm' },
  train_steps: {
    help: `global step to train to (the original example used 5000; ${QUICK_TRAIN_STEPS} keeps the quick start short)`,
    default: String(QUICK_TRAIN_STEPS),
  },
  batch_size: { help: 'examples per batch', default: '128' },
  seed: { help: 'random seed for initializers, dropout and shuffling (default: 1 for repeatable runs)', default: '1' },
  hparams: { help: 'overrides, e.g. "learning_rate=0.001,dropout_rate=0.4"', default: '' },
  schedule: { help: 'train | evaluate | train_and_evaluate | test', default: 'train_and_evaluate' },
} as const;

type Name = keyof typeof SPEC;

/** The `--help` text. */
export function usage(): string {
  const lines = ['Usage: pnpm mnist [train|predict] [--flag value ...]', '', 'Flags:'];
  for (const [name, s] of Object.entries(SPEC))
    lines.push(`  --${name.padEnd(12)} ${s.help} (default: ${s.default === '' ? 'none' : s.default})`);
  lines.push('  --help         this text');
  return lines.join('\n');
}

function int(name: string, raw: string, min: number): number {
  const n = Number(raw);
  if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(n) || n < min) {
    throw new FlagError(`--${name} must be an integer >= ${min}; received ${JSON.stringify(raw)}.`);
  }
  return n;
}

/** Parses argv (without node and script); relative paths resolve against `cwd`. */
export function parseFlags(argv: readonly string[], cwd: string): Flags {
  const values = new Map<Name, string>();
  let command: 'train' | 'predict' = 'train';
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') continue;
    if (arg === '--help' || arg === '-h') {
      help = true;
      continue;
    }
    if (!arg.startsWith('--')) {
      if (i === 0 && (arg === 'train' || arg === 'predict')) {
        command = arg;
        continue;
      }
      throw new FlagError(
        `unexpected argument ${JSON.stringify(arg)}; expected a command (train, predict) first, then --flag value pairs. Run with --help for the list.`,
      );
    }
    const eq = arg.indexOf('=');
    const name = (eq > 0 ? arg.slice(2, eq) : arg.slice(2)).replace(/-/g, '_');
    if (!(name in SPEC))
      throw new FlagError(
        `unknown flag --${name}; expected one of ${Object.keys(SPEC)
          .map((n) => `--${n}`)
          .join(', ')}.`,
      );
    const value = eq > 0 ? arg.slice(eq + 1) : argv[++i];
    if (value === undefined) throw new FlagError(`--${name} needs a value.`);
    values.set(name as Name, value);
  }
  const get = (n: Name) => values.get(n) ?? SPEC[n].default;
  const path = (p: string) => (isAbsolute(p) ? p : resolve(cwd, p));
  const modelDir = get('model_dir');
  if (modelDir.trim() === '') throw new FlagError('--model_dir must not be empty.');
  return {
    command,
    help,
    modelDir: path(modelDir),
    dataDir: path(get('data_dir')),
    backend: get('backend'),
    trainSteps: int('train_steps', get('train_steps'), 1),
    batchSize: int('batch_size', get('batch_size'), 1),
    seed: int('seed', get('seed'), 0),
    hparams: get('hparams'),
    schedule: get('schedule'),
  };
}
