/** The example's command line, on the shared convention of `@estimatorjs/experiment` (`defineFlags`). */
import { defineFlags, FlagError, type Schedule, STANDARD_FLAGS } from '@estimatorjs/experiment';

export { FlagError };

/** Parsed and validated flags. */
export interface Flags {
  readonly command: 'train' | 'predict' | 'export';
  readonly modelDir: string;
  readonly dataDir: string;
  /** True when `--data_dir` was given: then it must hold the IDX files (only the default falls back). */
  readonly dataDirGiven: boolean;
  readonly backend: string;
  /** wasm and native threads: `'auto'` (every core this process may use) or a count. */
  readonly threads: number | 'auto';
  readonly trainSteps: number;
  readonly batchSize: number;
  readonly seed: number | undefined;
  readonly hparams: string;
  readonly schedule: Schedule;
  /** A checkpoint prefix (`model.ckpt-200`) to evaluate or predict with instead of the latest; '' for the latest. */
  readonly checkpointPath: string;
  readonly exportDir: string;
  readonly formats: readonly ('graph_model' | 'onnx')[];
  readonly help: boolean;
}

/** Quick-start default: a few minutes on two cores. The original example's full schedule is 5000 steps. */
export const QUICK_TRAIN_STEPS = 500;

/** The example's flags: the shared `--model_dir`, `--schedule`, `--hparams`, plus its own. */
export const FLAGS = defineFlags(
  {
    ...STANDARD_FLAGS,
    model_dir: { ...STANDARD_FLAGS.model_dir, default: './mnist_training' },
    data_dir: {
      type: 'path',
      help: 'MNIST IDX files (train-images-idx3-ubyte[.gz], …); left out and lacking them, the embedded digits are used',
      default: './mnist_data',
    },
    backend: {
      type: 'string',
      help: 'tfjs backend: auto (native where @estimatorjs/native loads, else wasm) | native | wasm | cpu | webgl | webgpu | tensorflow',
      default: 'auto',
    },
    threads: {
      type: 'string',
      help: 'wasm and native threads: auto (every core this process may use) or a count; fewer can be faster on a busy machine',
      default: 'auto',
    },
    train_steps: {
      type: 'int',
      min: 1,
      help: 'global step to train to (the original example used 5000; fewer keep the quick start short)',
      default: QUICK_TRAIN_STEPS,
    },
    batch_size: { type: 'int', min: 1, help: 'examples per batch', default: 128 },
    seed: {
      type: 'int',
      min: 0,
      help: 'random seed for initializers, dropout and shuffling (fixed, so runs repeat)',
      default: 1,
    },
    hparams: { ...STANDARD_FLAGS.hparams, help: 'overrides, e.g. "learning_rate=0.001,dropout_rate=0.4"' },
    checkpoint_path: {
      type: 'string',
      help: 'predict, or --schedule evaluate, with this checkpoint of --model_dir (e.g. model.ckpt-200) instead of the latest',
      default: '',
    },
    export_dir: {
      type: 'path',
      help: 'export: where graph_model/model.json (+ shards) and model.onnx go',
      default: './mnist_export',
    },
    formats: {
      type: 'string',
      help: 'export: comma-separated formats, graph_model and/or onnx',
      default: 'graph_model',
    },
  },
  { program: 'pnpm mnist', commands: ['train', 'predict', 'export'] },
);

/** How the CLI is started: the root package.json scripts, each of which names its command itself. */
const USAGE = [
  'Usage: pnpm mnist [--flag value ...]           train and evaluate (--schedule picks what runs)',
  '       pnpm mnist:predict [--flag value ...]   predict 10 eval digits with the latest checkpoint',
  '       pnpm mnist:export [--flag value ...]    export the latest checkpoint (--export_dir, --formats)',
];

/** The `--help` text: how to start each command, then every flag with its default (printed once). */
export function usage(): string {
  const [, ...flags] = FLAGS.usage().split('\n');
  return [...USAGE, ...flags].join('\n');
}

/**
 * `path` as one word for a POSIX shell, so a printed command can be pasted as is: left bare when it has no
 * character a shell treats specially, else in single quotes (a `'` inside becomes `'\''`).
 */
export function shellQuote(path: string): string {
  return /^[\w@%+=:,./-]+$/.test(path) ? path : `'${path.replace(/'/g, "'\\''")}'`;
}

const COMMANDS = ['train', 'predict', 'export'];

function parseThreads(value: string): number | 'auto' {
  if (value === 'auto') return 'auto';
  if (!/^[1-9][0-9]*$/.test(value)) {
    throw new FlagError(`--threads must be auto or an integer >= 1; received "${value}".`);
  }
  return Number(value);
}

/** Parses argv (without node and script); relative paths resolve against `cwd`. */
export function parseFlags(argv: readonly string[], cwd: string): Flags {
  // `pnpm mnist predict`: the script already passed `train`, so a second command word is a mix-up of scripts.
  if (COMMANDS.includes(argv[0] ?? '') && COMMANDS.includes(argv[1] ?? '')) {
    throw new FlagError(
      `"${argv[1]}" after "${argv[0]}": the command comes from the script; run pnpm mnist${argv[1] === 'train' ? '' : `:${argv[1]}`} instead.`,
    );
  }
  const { command, help, values: v, given } = FLAGS.parse(argv, { cwd });
  return {
    command: command === 'predict' || command === 'export' ? command : 'train',
    help,
    modelDir: v.model_dir,
    dataDir: v.data_dir,
    dataDirGiven: given.has('data_dir'),
    backend: v.backend,
    threads: parseThreads(v.threads),
    trainSteps: v.train_steps,
    batchSize: v.batch_size,
    seed: v.seed,
    hparams: v.hparams,
    schedule: v.schedule,
    checkpointPath: v.checkpoint_path,
    exportDir: v.export_dir,
    formats: parseFormats(v.formats),
  };
}

/** `--formats graph_model,onnx` → the list; anything else is a flag error naming the choices. */
function parseFormats(text: string): ('graph_model' | 'onnx')[] {
  const list = text
    .split(',')
    .map((f) => f.trim())
    .filter((f) => f !== '');
  const bad = list.filter((f) => f !== 'graph_model' && f !== 'onnx');
  if (list.length === 0 || bad.length > 0) {
    throw new FlagError(
      `--formats must be graph_model, onnx or both (comma-separated); received ${JSON.stringify(text)}.`,
    );
  }
  return [...new Set(list)] as ('graph_model' | 'onnx')[];
}
