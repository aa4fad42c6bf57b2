/**
 * Input functions in the style of the original example: placeholders for the images and labels, a dataset built
 * on them, an initializable iterator, and a hook that feeds the arrays once the session exists.
 */
import { Dataset, type InitializableIterator, placeholder } from '@estimatorjs/data';
import type { Hook } from '@estimatorjs/hooks';
import type { DigitSet } from './mnist-data.js';

/** Runs the iterator initializer after the session is created (the seed's `IteratorInitializerHook`). */
export class IteratorInitializerHook implements Hook {
  readonly key = 'IteratorInitializerHook';
  iteratorInitializerFunc: (() => Promise<void>) | null = null;

  async afterCreateSession(): Promise<void> {
    await this.iteratorInitializerFunc?.();
  }
}

type Element = [import('@tensorflow/tfjs-core').Tensor, import('@tensorflow/tfjs-core').Tensor];

/** This replica's part of the examples in a cluster (`RunConfig.trainDistribute`): TF's auto-sharding by data. */
export interface Shard {
  readonly numShards: number;
  readonly index: number;
}

function inputs(
  data: DigitSet,
  batchSize: number,
  train: boolean,
  seed: number | undefined,
  shard?: Shard,
): [() => InitializableIterator<Element>, IteratorInitializerHook] {
  const hook = new IteratorInitializerHook();
  const inputFn = () => {
    const images = placeholder('images', { shape: [28, 28, 1], dtype: 'float32' });
    const labels = placeholder('labels', { dtype: 'int32' });
    let dataset = Dataset.fromTensorSlices([images, labels]) as unknown as Dataset<Element>;
    if (shard && shard.numShards > 1) dataset = dataset.shard(shard.numShards, shard.index);
    dataset = train
      ? dataset
          .repeat()
          .shuffle(10000, seed === undefined ? {} : { seed })
          .batch(batchSize)
      : dataset.batch(batchSize);
    const iterator = dataset.makeInitializableIterator();
    hook.iteratorInitializerFunc = () => iterator.initialize({ images: data.images, labels: data.labels });
    return iterator;
  };
  return [inputFn, hook];
}

/** The training input: repeat → shuffle(10000) → batch, fed at session start. */
export function getTrainInputs(data: DigitSet, batchSize: number, seed?: number, shard?: Shard) {
  return inputs(data, batchSize, true, seed, shard);
}

/** The evaluation input: one pass in batches, fed at session start. */
export function getEvalInputs(data: DigitSet, batchSize: number) {
  return inputs(data, batchSize, false, undefined);
}
