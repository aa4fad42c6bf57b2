/**
 * Argument checks of {@link Dataset}'s public methods: each bad argument is one INVALID_ARGUMENT error that names
 * the API, what was received and what was expected. Owns: validating arguments and filling their defaults.
 * Does not own: the methods (dataset.ts) or the stages they build.
 */
import { nextOpSeed } from '@estimatorjs/io';
import type {
  BucketBySequenceLengthOptions,
  GroupByWindowOptions,
  InterleaveOptions,
  SampleFromDatasetsOptions,
  ShuffleOptions,
  WindowOptions,
} from '../dataset-types.js';
import { invalidArgument } from '../errors.js';
import type { ShuffleConfig } from './shuffle.js';

/** `n` when it is an integer >= `min`. */
export function checkCount(api: string, name: string, n: unknown, min: number): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < min) {
    throw invalidArgument(`${api}: expected ${name} to be an integer >= ${min}. Received ${String(n)}.`);
  }
  return n;
}

/** Throws unless `fn` is a function; `what` says which kind the API expects (`a predicate function`). */
export function checkFunction(api: string, fn: unknown, what = 'a function'): void {
  if (typeof fn !== 'function') throw invalidArgument(`${api}: expected ${what}. Received ${typeof fn}.`);
}

/** Throws unless `fn` can be vectorized: `map(fn, { vectorize: true })` calls it synchronously on whole batches. */
export function checkVectorizable(fn: (...args: never) => unknown): void {
  if (fn.constructor?.name === 'AsyncFunction') {
    throw invalidArgument(
      'Dataset.map(fn, { vectorize: true }): expected a synchronous fn. Received an async function; drop vectorize.',
    );
  }
}

/** `cache(path)`'s path: a string, `''` for memory. */
export function checkCachePath(path: unknown): void {
  if (typeof path !== 'string') {
    throw invalidArgument(`Dataset.cache(): expected a path string (or nothing for memory). Received ${typeof path}.`);
  }
}

/** `shuffle(bufferSize, opts)`'s configuration: a random seed unless one is given, reshuffled each iteration. */
export function shuffleConfig(api: string, bufferSize: number, opts: ShuffleOptions): ShuffleConfig {
  if (bufferSize === undefined) {
    throw invalidArgument(`${api}: expected a bufferSize (an integer >= 1), e.g. shuffle(10000). Received undefined.`);
  }
  checkCount(api, 'bufferSize', bufferSize, 1);
  if (opts.seed !== undefined && !Number.isFinite(opts.seed)) {
    throw invalidArgument(`${api}: expected seed to be a finite number. Received ${String(opts.seed)}.`);
  }
  // Unseeded: the graph seed's next op seed inside an Estimator with RunConfig.randomSeed (TF), else random.
  const seed = opts.seed ?? nextOpSeed() ?? Math.floor(Math.random() * 2 ** 32);
  return { bufferSize, seed, reshuffleEachIteration: opts.reshuffleEachIteration ?? true };
}

/** `range(start, stop?, step)`'s bounds: `range(n)` is `range(0, n)`; finite numbers and a non-zero step. */
export function rangeBounds(start: number, stop: number | undefined, step: number): [number, number, number] {
  if (stop === undefined) [start, stop] = [0, start];
  if (![start, stop, step].every(Number.isFinite) || step === 0) {
    throw invalidArgument(
      `Dataset.range(): expected finite numbers and a non-zero step. Received (${start}, ${stop}, ${step}).`,
    );
  }
  return [start, stop, step];
}

/** Throws unless `numShards` >= 1 and 0 <= `index` < `numShards`. */
export function checkShard(api: string, numShards: number, index: number): void {
  checkCount(api, 'numShards', numShards, 1);
  checkCount(api, 'index', index, 0);
  if (index >= numShards)
    throw invalidArgument(`${api}: expected index < numShards. Received index=${index}, numShards=${numShards}.`);
}

/** `interleave(fn, opts)`'s function and its cycle and block lengths (default 1 each). */
export function interleaveArgs(fn: unknown, opts: InterleaveOptions): { cycle: number; block: number } {
  const api = 'Dataset.interleave()';
  checkFunction(api, fn);
  const cycle = checkCount(api, 'cycleLength', opts.cycleLength ?? 1, 1);
  return { cycle, block: checkCount(api, 'blockLength', opts.blockLength ?? 1, 1) };
}

/** `window(size, opts)`'s size, and its shift (default `size`) and stride (default 1). */
export function windowArgs(size: number, opts: WindowOptions): { shift: number; stride: number } {
  const api = 'Dataset.window()';
  checkCount(api, 'size', size, 1);
  const shift = checkCount(api, 'shift', opts.shift ?? size, 1);
  return { shift, stride: checkCount(api, 'stride', opts.stride ?? 1, 1) };
}

/** Throws unless `datasets` is a non-empty array of Datasets (checked structurally: anything with `_iterate`). */
export function checkDatasets(api: string, datasets: unknown): void {
  if (
    !Array.isArray(datasets) ||
    datasets.length === 0 ||
    !datasets.every((d) => typeof (d as { _iterate?: unknown } | null)?._iterate === 'function')
  ) {
    throw invalidArgument(`${api}: expected a non-empty array of Datasets. Received ${describe(datasets)}.`);
  }
}

function describe(x: unknown): string {
  return Array.isArray(x) ? `an array of ${x.length}` : x === null ? 'null' : typeof x;
}

/** `sampleFromDatasets`' weights (default equal) and seed (default random). */
export function sampleArgs(
  api: string,
  n: number,
  opts: SampleFromDatasetsOptions,
): { weights: readonly number[]; seed: number } {
  const weights = opts.weights ?? new Array(n).fill(1 / n);
  if (
    !Array.isArray(weights) ||
    weights.length !== n ||
    !weights.every((w) => typeof w === 'number' && Number.isFinite(w) && w >= 0) ||
    !weights.some((w) => w > 0)
  ) {
    throw invalidArgument(
      `${api}: expected weights to be ${n} finite numbers >= 0, not all 0 (one per dataset). Received ${JSON.stringify(weights)}.`,
    );
  }
  if (opts.seed !== undefined && !Number.isFinite(opts.seed)) {
    throw invalidArgument(`${api}: expected seed to be a finite number. Received ${String(opts.seed)}.`);
  }
  return { weights, seed: opts.seed ?? nextOpSeed() ?? Math.floor(Math.random() * 2 ** 32) };
}

/** `groupByWindow`'s window size as a function of the key: exactly one of `windowSize` and `windowSizeFunc`. */
export function groupByWindowArgs(api: string, opts: GroupByWindowOptions<never, unknown>): (key: number) => unknown {
  checkFunction(api, opts?.keyFunc, 'keyFunc to be a function');
  checkFunction(api, opts.reduceFunc, 'reduceFunc to be a function');
  const { windowSize, windowSizeFunc } = opts;
  if ((windowSize === undefined) === (windowSizeFunc === undefined)) {
    throw invalidArgument(
      `${api}: pass exactly one of windowSize and windowSizeFunc. Received ${windowSize === undefined ? 'neither' : 'both'}.`,
    );
  }
  if (windowSizeFunc !== undefined) {
    checkFunction(api, windowSizeFunc, 'windowSizeFunc to be a function');
    return windowSizeFunc;
  }
  const n = checkCount(api, 'windowSize', windowSize, 1);
  return () => n;
}

/** `bucketBySequenceLength`'s boundaries (strictly increasing integers) and one batch size per bucket. */
export function bucketArgs(
  api: string,
  opts: BucketBySequenceLengthOptions<never>,
): { boundaries: readonly number[]; sizes: readonly number[] } {
  checkFunction(api, opts?.elementLengthFunc, 'elementLengthFunc to be a function');
  const boundaries = opts.bucketBoundaries;
  if (
    !Array.isArray(boundaries) ||
    !boundaries.every((b, i) => Number.isInteger(b) && b >= 1 && (i === 0 || b > boundaries[i - 1]!))
  ) {
    throw invalidArgument(
      `${api}: expected bucketBoundaries to be strictly increasing integers >= 1. Received ${JSON.stringify(boundaries)}.`,
    );
  }
  const sizes = opts.bucketBatchSizes;
  if (!Array.isArray(sizes) || sizes.length !== boundaries.length + 1) {
    throw invalidArgument(
      `${api}: expected bucketBatchSizes to have bucketBoundaries.length + 1 = ${boundaries.length + 1} entries (one per bucket). Received ${JSON.stringify(sizes)}.`,
    );
  }
  for (const s of sizes) checkCount(api, 'each bucketBatchSizes entry', s, 1);
  return { boundaries, sizes };
}

const KNOWN_OPTIONS = ['deterministic'];

/** `withOptions()`' object: only the options this library honours; others are an error, never ignored. */
export function checkOptions(api: string, options: unknown): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    throw invalidArgument(
      `${api}: expected an options object such as { deterministic: false }. Received ${describe(options)}.`,
    );
  }
  for (const [k, v] of Object.entries(options)) {
    if (!KNOWN_OPTIONS.includes(k)) {
      const hint = k === 'deterministic' || /determin/i.test(k) ? " Did you mean 'deterministic'?" : '';
      throw invalidArgument(
        `${api}: unknown or unsupported option '${k}'. Expected one of: ${KNOWN_OPTIONS.join(', ')} (TF's other tf.data.Options tune its C++ runtime and have no counterpart here).${hint}`,
      );
    }
    if (v !== undefined && typeof v !== 'boolean') {
      throw invalidArgument(`${api}: expected ${k} to be a boolean. Received ${describe(v)}.`);
    }
  }
}
