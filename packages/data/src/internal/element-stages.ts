/**
 * Stage builders of the transformations that apply a user function to each element: map, filter, flatMap,
 * interleave, scan, and ignoreErrors (which drops the elements whose function throws).
 */
import type { IgnoreErrorsOptions, InterleaveOptions, MapOptions } from '../dataset-types.js';
import { checkCount, checkFunction, checkVectorizable, interleaveArgs } from './arguments.js';
import { mapProducer } from './basic.js';
import { scanProducer } from './grouping.js';
import { checkOptionKeys, KNOWN_OPTIONS } from './known-options.js';
import type { Node } from './node.js';
import { parallelInterleaveProducer } from './parallel-interleave.js';
import { viewPlan } from './row-cursor.js';
import { AUTOTUNE, type Stage, type Upstream } from './stage.js';
import {
  filterProducer,
  flatMapProducer,
  ignoreErrorsProducer,
  interleaveProducer,
  parallelMapProducer,
} from './transforms.js';
import { withVectorizedMap } from './vectorized-map.js';

export function mapStage(src: Upstream, fn: (x: never) => unknown, opts: MapOptions): Stage {
  checkOptionKeys('Dataset.map()', opts, KNOWN_OPTIONS.map);
  checkFunction('Dataset.map()', fn);
  const par = opts.numParallelCalls === AUTOTUNE ? 8 : (opts.numParallelCalls ?? 1);
  checkCount('Dataset.map()', 'numParallelCalls', par, 1);
  const f = fn as (x: unknown) => unknown;
  if (opts.vectorize) {
    checkVectorizable(fn);
    if (src._rows) return { rows: viewPlan(src._rows, withVectorizedMap(f)), size: src.size };
  }
  if (par === 1) return { producer: mapProducer(src, f), size: src.size };
  return { producer: parallelMapProducer(src, f, par, opts.deterministic), size: src.size };
}

export function filterStage(src: Node, pred: (x: never) => unknown): Stage {
  checkFunction('Dataset.filter()', pred, 'a predicate function');
  return { producer: filterProducer(src, pred as (x: unknown) => unknown), size: null };
}

export function flatMapStage(src: Node, fn: (x: never) => Node): Stage {
  checkFunction('Dataset.flatMap()', fn);
  return { producer: flatMapProducer(src, fn as (x: unknown) => Node), size: null };
}

export function interleaveStage(src: Node, fn: (x: never) => Node, opts: InterleaveOptions): Stage {
  checkOptionKeys('Dataset.interleave()', opts, KNOWN_OPTIONS.interleave);
  const { cycle, block } = interleaveArgs(fn, opts);
  const par = opts.numParallelCalls === AUTOTUNE ? cycle : (opts.numParallelCalls ?? 1);
  checkCount('Dataset.interleave()', 'numParallelCalls', par, 1);
  const f = fn as (x: unknown) => Node;
  if (par > 1 || opts.deterministic === false) {
    return { producer: parallelInterleaveProducer(src, f, cycle, block, par, opts.deterministic), size: null };
  }
  return { producer: interleaveProducer(src, f, cycle, block), size: null };
}

export function scanStage(src: Node, initialState: unknown, fn: (state: never, x: never) => unknown): Stage {
  checkFunction('Dataset.scan()', fn);
  return { producer: scanProducer(src, initialState, fn as (s: unknown, x: unknown) => unknown), size: src.size };
}

export function ignoreErrorsStage(src: Node, opts: IgnoreErrorsOptions): Stage {
  checkOptionKeys('Dataset.ignoreErrors()', opts, KNOWN_OPTIONS.ignoreErrors);
  if (opts.onError !== undefined) checkFunction('Dataset.ignoreErrors()', opts.onError, 'onError to be a function');
  return { producer: ignoreErrorsProducer(src, opts.onError), size: null };
}
