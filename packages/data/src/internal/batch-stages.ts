/**
 * Stage builders of the transformations that regroup elements: batch, paddedBatch, unbatch, window, groupByWindow
 * and bucketBySequenceLength. Windows are datasets of frozen elements made by the caller's `makeWindow`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Dataset } from '../dataset.js';
import type {
  BatchOptions,
  BucketBySequenceLengthOptions,
  GroupByWindowOptions,
  PaddedBatchOptions,
  WindowOptions,
} from '../dataset-types.js';
import { bucketArgs, checkCount, groupByWindowArgs, windowArgs } from './arguments.js';
import { batchProducer } from './basic.js';
import { batchedSize } from './cardinality.js';
import { bucketOf, groupByWindowProducer } from './grouping.js';
import { checkOptionKeys, KNOWN_OPTIONS } from './known-options.js';
import type { Node } from './node.js';
import { paddedBatchProducer } from './padded-batch.js';
import { batchRowsProducer } from './row-cursor.js';
import type { Stage, Upstream } from './stage.js';
import { unbatchProducer } from './transforms.js';
import { windowProducer } from './window.js';

/** Makes the window dataset of frozen elements (`Dataset.window()`'s elements, `reduceFunc`'s argument). */
export type MakeWindow = (frozen: unknown[]) => Dataset<unknown>;

export function batchStage(src: Upstream, n: number, opts: BatchOptions): Stage {
  checkOptionKeys('Dataset.batch()', opts, KNOWN_OPTIONS.batch);
  const api = 'Dataset.batch()';
  checkCount(api, 'batchSize', n, 1);
  const drop = opts.dropRemainder ?? false;
  const size = batchedSize(src.size, n, drop);
  if (src._rows) return { producer: batchRowsProducer(src._rows, n, drop), size };
  return { producer: batchProducer(api, src, n, drop), size };
}

export function paddedBatchStage(src: Node, n: number, opts: PaddedBatchOptions): Stage {
  checkOptionKeys('Dataset.paddedBatch()', opts, KNOWN_OPTIONS.paddedBatch);
  checkCount('Dataset.paddedBatch()', 'batchSize', n, 1);
  const drop = opts.dropRemainder ?? false;
  const size = batchedSize(src.size, n, drop);
  const producer = paddedBatchProducer(src, n, {
    paddedShapes: opts.paddedShapes,
    paddingValues: opts.paddingValues,
    dropRemainder: drop,
  });
  return { producer, size };
}

export function unbatchStage(src: Node): Stage {
  return { producer: unbatchProducer(src), size: null };
}

export function windowStage(src: Node, size: number, opts: WindowOptions, makeWindow: MakeWindow): Stage {
  checkOptionKeys('Dataset.window()', opts, KNOWN_OPTIONS.window);
  const { shift, stride } = windowArgs(size, opts);
  return { producer: windowProducer(src, size, shift, stride, opts.dropRemainder ?? false, makeWindow), size: null };
}

export function groupByWindowStage(
  src: Node,
  opts: GroupByWindowOptions<never, unknown>,
  makeWindow: MakeWindow,
): Stage {
  checkOptionKeys('Dataset.groupByWindow()', opts, KNOWN_OPTIONS.groupByWindow);
  const api = 'Dataset.groupByWindow()';
  const windowSize = groupByWindowArgs(api, opts);
  const cfg = {
    api,
    keyFunc: opts.keyFunc as (x: unknown) => unknown,
    reduceFunc: opts.reduceFunc as (key: number, w: never) => Dataset<unknown>,
    windowSize,
    makeWindow,
  };
  return { producer: groupByWindowProducer(src, cfg), size: null };
}

/** Buckets by length (bucket k: lengths below `bucketBoundaries[k]`) and pads and batches each bucket's windows. */
export function bucketStage(src: Node, opts: BucketBySequenceLengthOptions<never>, makeWindow: MakeWindow): Stage {
  checkOptionKeys('Dataset.bucketBySequenceLength()', opts, KNOWN_OPTIONS.bucketBySequenceLength);
  const api = 'Dataset.bucketBySequenceLength()';
  const { boundaries, sizes } = bucketArgs(api, opts);
  const lengthOf = opts.elementLengthFunc as (x: unknown) => unknown;
  const producer = groupByWindowProducer(src, {
    api,
    keyFunc: (x) => {
      const n = lengthOf(x);
      const len = n instanceof tf.Tensor ? n.dataSync()[0]! : n;
      return typeof len === 'number' ? bucketOf(len, boundaries) : len;
    },
    windowSize: (key) => sizes[key]!,
    reduceFunc: (key, w: never) => {
      const win = w as Dataset<unknown>;
      if (opts.noPadding) return win.batch(sizes[key]!, { dropRemainder: opts.dropRemainder ?? false });
      const fill = opts.padToBucketBoundary && key < boundaries.length ? boundaries[key]! - 1 : undefined;
      const padded = paddedBatchProducer(win, sizes[key]!, {
        paddedShapes: opts.paddedShapes,
        paddingValues: opts.paddingValues,
        dropRemainder: opts.dropRemainder ?? false,
        unknownDimFill: fill,
      });
      return win._append({ producer: padded, size: null });
    },
    makeWindow,
  });
  return { producer, size: null };
}
