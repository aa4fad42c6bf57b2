/** The flags of `estimatorjs-cluster` (kept apart from the bin so tests can parse without running it). */
import { FlagError } from '../errors.js';

export const USAGE =
  'usage: estimatorjs-cluster --workers N [--evaluator] [--max-restarts K] -- <command…>\n' +
  '       estimatorjs-cluster --kubernetes --image IMAGE --workers N [--evaluator] [--name NAME] [--model-dir DIR] [--out DIR] -- <command…>';

/** Parsed `estimatorjs-cluster` flags. */
export interface ClusterArgs {
  workers: number;
  evaluator: boolean;
  maxRestarts: number;
  kubernetes: boolean;
  image?: string;
  name: string;
  modelDir: string;
  out?: string;
  command: string[];
}

/**
 * Parses `estimatorjs-cluster`'s command line (`--workers N [--evaluator] -- command`, or `--kubernetes …`); `'help'` for `--help`.
 * @example
 *   const args = parseClusterArgs(['--workers', '2', '--', 'node', 'train.mjs']);
 */
export function parseClusterArgs(argv: readonly string[]): ClusterArgs | 'help' {
  const split = argv.indexOf('--');
  const flags = split === -1 ? argv : argv.slice(0, split);
  const command = split === -1 ? [] : argv.slice(split + 1);
  const args: ClusterArgs = {
    workers: Number.NaN,
    evaluator: false,
    maxRestarts: 3,
    kubernetes: false,
    name: 'estimator',
    modelDir: '/model',
    command,
  };
  for (let i = 0; i < flags.length; i++) {
    const flag = flags[i]!;
    const [key, inline] = flag.includes('=')
      ? [flag.slice(0, flag.indexOf('=')), flag.slice(flag.indexOf('=') + 1)]
      : [flag, undefined];
    const value = () => {
      const v = inline ?? flags[++i];
      if (v === undefined) throw new FlagError(`estimatorjs-cluster: ${key} needs a value. ${USAGE.split('\n')[0]}`);
      return v;
    };
    const count = (min: number) => {
      const v = value();
      const n = Number(v);
      if (!Number.isInteger(n) || n < min) {
        throw new FlagError(`estimatorjs-cluster: ${key} must be an integer >= ${min}. Received ${JSON.stringify(v)}.`);
      }
      return n;
    };
    if (key === '--help' || key === '-h') return 'help';
    else if (key === '--workers') args.workers = count(1);
    else if (key === '--evaluator') args.evaluator = true;
    else if (key === '--max-restarts') args.maxRestarts = count(0);
    else if (key === '--kubernetes') args.kubernetes = true;
    else if (key === '--image') args.image = value();
    else if (key === '--name') args.name = value();
    else if (key === '--model-dir') args.modelDir = value();
    else if (key === '--out') args.out = value();
    else throw new FlagError(`estimatorjs-cluster: unknown flag ${JSON.stringify(key)}. ${USAGE.split('\n')[0]}`);
  }
  if (Number.isNaN(args.workers))
    throw new FlagError(`estimatorjs-cluster: --workers N is required. ${USAGE.split('\n')[0]}`);
  if (command.length === 0) throw new FlagError('estimatorjs-cluster: give the command every task runs after `--`.');
  if (args.kubernetes && !args.image) throw new FlagError('estimatorjs-cluster: --kubernetes needs --image IMAGE.');
  return args;
}
