/**
 * Stage builders of the transformations that pass elements through unchanged and only choose which, how often, in
 * what order or when: repeat, shuffle, take, skip, shard, unique, enumerate (which pairs each with its index),
 * prefetch and cache. An in-memory slice pipeline gets a row-plan step instead of a producer where one exists.
 */
import { defaultCacheStorage } from '#data-platform';
import type { CacheOptions, ShuffleOptions } from '../dataset-types.js';
import { checkCachePath, checkCount, checkShard, shuffleConfig } from './arguments.js';
import { prefetchProducer, repeatProducer, skipProducer, takeProducer } from './basic.js';
import { cacheProducer } from './cache.js';
import { repeatedSize, shardedSize, skippedSize, takenSize } from './cardinality.js';
import { uniqueProducer } from './grouping.js';
import { checkOptionKeys, KNOWN_OPTIONS } from './known-options.js';
import type { Node } from './node.js';
import { persistentCacheProducer } from './persistent-cache.js';
import { repeatPlan, shardPlan, shufflePlan, skipPlan, takePlan } from './row-cursor.js';
import { shuffleProducer } from './shuffle.js';
import { AUTOTUNE, type Stage, type Upstream } from './stage.js';
import { enumerateProducer, shardProducer } from './transforms.js';

export function repeatStage(src: Upstream, count: number | undefined): Stage {
  const n = count === undefined || count === -1 ? Infinity : checkCount('Dataset.repeat()', 'count', count, 0);
  const size = repeatedSize(src.size, n);
  if (src._rows) return { rows: repeatPlan(src._rows, n), size };
  return { producer: repeatProducer(src, n), size };
}

export function shuffleStage(src: Upstream, bufferSize: number, opts: ShuffleOptions): Stage {
  checkOptionKeys('Dataset.shuffle()', opts, KNOWN_OPTIONS.shuffle);
  const cfg = shuffleConfig('Dataset.shuffle()', bufferSize, opts);
  if (src._rows) return { rows: shufflePlan(src._rows, cfg, {}), size: src.size };
  return { producer: shuffleProducer(src, cfg), size: src.size };
}

export function takeStage(src: Upstream, n: number): Stage {
  const count = n === -1 ? Infinity : checkCount('Dataset.take()', 'count', n, 0);
  const size = takenSize(src.size, count);
  if (src._rows) return { rows: takePlan(src._rows, count), size };
  return { producer: takeProducer(src, count), size };
}

export function skipStage(src: Upstream, n: number): Stage {
  const count = checkCount('Dataset.skip()', 'count', n, 0);
  const size = skippedSize(src.size, count);
  if (src._rows) return { rows: skipPlan(src._rows, count), size };
  return { producer: skipProducer(src, count), size };
}

export function shardStage(src: Upstream, numShards: number, index: number): Stage {
  checkShard('Dataset.shard()', numShards, index);
  const size = shardedSize(src.size, numShards, index);
  if (src._rows) return { rows: shardPlan(src._rows, numShards, index), size };
  return { producer: shardProducer(src, numShards, index), size };
}

export function uniqueStage(src: Node): Stage {
  return { producer: uniqueProducer(src), size: null };
}

export function enumerateStage(src: Node, start: number): Stage {
  return { producer: enumerateProducer(src, start), size: src.size };
}

/** The prefetch stage, or null when there is nothing to prefetch. */
export function prefetchStage(src: Upstream, n: number): Stage | null {
  const count = n === AUTOTUNE ? 2 : checkCount('Dataset.prefetch()', 'bufferSize', n, 0);
  // pulling row indices ahead is pointless: they are produced synchronously on demand
  if (count === 0 || src._rows) return null;
  return { producer: prefetchProducer(src, count), size: src.size };
}

export function cacheStage(src: Node, path: string, opts: CacheOptions): Stage {
  checkOptionKeys('Dataset.cache()', opts, KNOWN_OPTIONS.cache);
  checkCachePath(path);
  if (path === '') return { producer: cacheProducer(src), size: src.size };
  const storage = opts.storage;
  return { producer: persistentCacheProducer(src, path, () => storage ?? defaultCacheStorage()), size: src.size };
}
