/** The example's command line, on the shared convention of `@estimatorjs/experiment` (`defineFlags`). */
import { defineFlags, FlagError, STANDARD_FLAGS } from '@estimatorjs/experiment';
import { DEBIAN_PENGUINS } from './penguins.js';

export { FlagError };

/** Parsed flags. */
export interface Flags {
  readonly command: 'train' | 'predict';
  readonly modelDir: string;
  readonly data: string;
  readonly trainSteps: number;
  readonly batchSize: number;
  readonly backend: string;
  readonly seed: number;
  readonly hparams: string;
  readonly help: boolean;
}

/** Enough for the stated accuracy (README) in a few seconds on two cores. */
export const DEFAULT_TRAIN_STEPS = 1000;

export const FLAGS = defineFlags(
  {
    model_dir: { ...STANDARD_FLAGS.model_dir, default: './tabular_model' },
    data: {
      type: 'path',
      help: `the Palmer penguins CSV (Debian: apt-get install r-cran-palmerpenguins puts it at ${DEBIAN_PENGUINS})`,
      default: DEBIAN_PENGUINS,
    },
    train_steps: { type: 'int', min: 1, help: 'global step to train to', default: DEFAULT_TRAIN_STEPS },
    batch_size: { type: 'int', min: 1, help: 'rows per batch', default: 32 },
    backend: { type: 'string', help: 'tfjs backend: cpu | wasm | webgl | webgpu | tensorflow', default: 'cpu' },
    seed: { type: 'int', min: 0, help: 'random seed for initializers and shuffling', default: 1 },
    hparams: {
      ...STANDARD_FLAGS.hparams,
      help: 'overrides, e.g. "dnn_learning_rate=0.05,linear_learning_rate=0.2,hidden_units=[32,16]"',
    },
  },
  { program: 'pnpm tabular', commands: ['train', 'predict'] },
);

export function usage(): string {
  return FLAGS.usage();
}

/** Parses argv (without node and script); relative paths resolve against `cwd`. */
export function parseFlags(argv: readonly string[], cwd: string): Flags {
  const { command, help, values: v } = FLAGS.parse(argv, { cwd });
  return {
    command: command === 'predict' ? 'predict' : 'train',
    help,
    modelDir: v.model_dir,
    data: v.data,
    trainSteps: v.train_steps,
    batchSize: v.batch_size,
    backend: v.backend,
    seed: v.seed,
    hparams: v.hparams,
  };
}
