// A TF 1.x input_fn through the real Estimator (issue 18, tf.data): list_files → interleave(TFRecordDataset, ZLIB)
// → parse_single_example with a string feature → shuffle → batch, trained and evaluated; the string column reaches
// the model_fn as a string tensor. Files are written here with node:zlib (TF's ZLIB = RFC 1950).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import {
  Dataset,
  encodeExample,
  encodeTFRecords,
  fixedLenFeature,
  parseSingleExample,
  tfRecordDataset,
} from '@estimatorjs/data';
import {
  Estimator,
  GradientDescentOptimizer,
  layers,
  MemoryStorage,
  type ModelFn,
  RunConfig,
} from '@estimatorjs/estimator';
import { expectNoLeaks, setupTestBackend, tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const tmp = tempModelDir('estimatorjs-tf1-input-');
beforeAll(async () => {
  await setupTestBackend('cpu');
  // y = 2·x0 - x1 + 1 over 3 shards of 8 examples; `name` is a string feature the model_fn only inspects
  for (let shard = 0; shard < 3; shard++) {
    const records = Array.from({ length: 8 }, (_, i) => {
      const x = [(shard * 8 + i) / 24, ((i * 7) % 5) / 5];
      return encodeExample({
        x: { floatList: x },
        y: { floatList: [2 * x[0]! - x[1]! + 1] },
        name: { bytesList: [`shard${shard}-${i}`] },
      });
    });
    writeFileSync(join(tmp.dir, `train-${shard}.tfrecord`), deflateSync(encodeTFRecords(records)));
  }
});
afterAll(() => tmp.cleanup());

const spec = {
  x: fixedLenFeature([2], 'float32'),
  y: fixedLenFeature([1], 'float32'),
  name: fixedLenFeature([], 'string'),
};

const inputFn = () =>
  Dataset.listFiles(join(tmp.dir, 'train-*.tfrecord'), { seed: 3 })
    .interleave((file) => tfRecordDataset(file, { compressionType: 'ZLIB' }), { cycleLength: 2 })
    .map((rec) => {
      const { x, y, name } = parseSingleExample(rec, spec) as { x: tf.Tensor; y: tf.Tensor; name: tf.Tensor };
      return [{ x, name }, y] as const;
    })
    .shuffle(24, { seed: 1 })
    .batch(8)
    .repeat();

describe('a TF 1.x input_fn (list_files, ZLIB TFRecords, Example with a string feature) through the Estimator', () => {
  it('trains and evaluates; the string feature arrives as a [batch] string tensor; nothing leaks', async () => {
    const seenNames: string[] = [];
    const modelFn: ModelFn = (features, labels, mode) => {
      const { x, name } = features as { x: tf.Tensor; name: tf.Tensor };
      expect(name.dtype).toBe('string');
      expect(name.shape).toEqual([8]);
      if (seenNames.length === 0) seenNames.push(...(name.arraySync() as unknown as string[]));
      const pred = layers.dense(x, 1, { name: 'linear' });
      const loss = tf.losses.meanSquaredError(labels as tf.Tensor, pred) as tf.Scalar;
      if (mode === 'eval') return { mode, loss };
      return { mode: 'train', loss, trainOp: new GradientDescentOptimizer({ learningRate: 0.5 }).minimize(loss) };
    };
    const est = new Estimator({
      modelFn,
      config: new RunConfig({ storage: new MemoryStorage('tf1-input') }),
      log: () => {},
    });
    await est.train(inputFn, { steps: 1 });
    const before = (await est.evaluate(inputFn, { steps: 3 })).loss as number;
    await expectNoLeaks(() => est.train(inputFn, { steps: 59 }));
    const after = (await est.evaluate(inputFn, { steps: 3 })).loss as number;
    expect(est.globalStep).toBe(60);
    expect(after).toBeLessThan(before / 10);
    expect(seenNames).toHaveLength(8);
    expect(seenNames.every((n) => /^shard[0-2]-[0-7]$/.test(n))).toBe(true);
    est.dispose();
  });
});
