import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { csvDataset, DataError, Dataset, encodeTFRecords, tfRecordDataset } from '@estimatorjs/data';
import { fileSource, readIdxFile } from '@estimatorjs/data/node';
import { EstimatorError } from '@estimatorjs/estimator';
import { fileStorage } from '@estimatorjs/estimator/node';
import { EventFileCorruptError, EventWriter, MemoryEventSink } from '@estimatorjs/summary';
import { readEvents } from '@estimatorjs/summary/node';
import { setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { BATCH, batchValues, CLASSES, FEATURES, makeEstimator, makeInputFn } from './fixture.mjs';
import { rejection, tempDirs } from './helpers.js';

const dir = tempDirs('estimatorjs-bad-');
beforeAll(() => setupTestBackend('cpu'));

async function drain(ds: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const x of ds) {
    tf.dispose(x as tf.TensorContainer);
    n++;
  }
  return n;
}

/** A valid IDX file: `n` 2x3 uint8 images. */
function idx(n: number): Uint8Array {
  const header = [0, 0, 8, 3, 0, 0, 0, n, 0, 0, 0, 2, 0, 0, 0, 3];
  return Uint8Array.from([...header, ...Array.from({ length: n * 6 }, (_, i) => i % 256)]);
}

describe('bad inputs give one clear error naming the file and the position', () => {
  it('IDX with a wrong magic number', async () => {
    const path = join(dir(), 'images-idx3-ubyte');
    const bytes = idx(4);
    bytes[2] = 0x42;
    writeFileSync(path, bytes);
    const e = await rejection(() => readIdxFile(path));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toContain(path);
    expect(e.message).toMatch(/magic .*received 00 00 42 03/);
  });

  it('IDX with a truncated body', async () => {
    const path = join(dir(), 'images-idx3-ubyte');
    writeFileSync(path, idx(4).subarray(0, 30));
    const e = await rejection(() => readIdxFile(path));
    expect(e).toMatchObject({ code: 'DATA_LOSS' });
    expect(e.message).toContain(path);
    expect(e.message).toMatch(/needs 40 bytes, got 30/);
  });

  it('a truncated gzip file', async () => {
    const path = join(dir(), 'images-idx3-ubyte.gz');
    const gz = gzipSync(idx(200));
    writeFileSync(path, gz.subarray(0, Math.floor(gz.length / 2)));
    const e = await rejection(() => readIdxFile(path));
    expect(e).toMatchObject({ code: 'DATA_LOSS' });
    expect(e.message).toContain(path);
    expect(e.message).toMatch(/not a valid gzip stream .*after \d+ decompressed bytes/);
  });

  it('a CSV row with the wrong number of fields', async () => {
    const path = join(dir(), 'rows.csv');
    writeFileSync(path, 'a,b,c\n1,2,3\n4,5,6\n7,8\n9,10,11\n');
    const e = await rejection(async () => drain(csvDataset(await fileSource(path))));
    expect(e).toBeInstanceOf(DataError);
    expect(e.message).toContain(path);
    expect(e.message).toMatch(/line 4: expected 3 fields \(a, b, c\), found 2/);
  });

  it('a TFRecord file with one flipped byte', async () => {
    const path = join(dir(), 'data.tfrecord');
    const bytes = encodeTFRecords(['first record', 'second record', 'third record']);
    bytes[12 + 12 + 4 + 16 + 3]! ^= 0x01; // a byte inside the second record's payload
    writeFileSync(path, bytes);
    const e = await rejection(async () => drain(tfRecordDataset(await fileSource(path))));
    expect(e).toMatchObject({ code: 'DATA_LOSS' });
    expect(e.message).toContain(path);
    expect(e.message).toMatch(/corrupted record 1 at byte offset 28: data CRC mismatch/);
  });

  it('an event file cut in the middle of a record', async () => {
    const sink = new MemoryEventSink();
    const w = new EventWriter(sink);
    for (let s = 1; s <= 5; s++) w.scalar('loss', 1 / s, s);
    await w.close();
    const bytes = sink.bytes();
    const path = join(dir(), 'events.out.tfevents.1.host');
    writeFileSync(path, bytes.subarray(0, bytes.length - 7));
    const events: unknown[] = [];
    const e = await rejection(async () => {
      for await (const ev of readEvents(path)) events.push(ev);
    });
    expect(e).toBeInstanceOf(EventFileCorruptError);
    expect(e.message).toContain(path);
    expect((e as EventFileCorruptError).kind).toBe('truncated');
    expect(e.message).toContain(`byte offset ${(e as EventFileCorruptError).offset}`);
    expect(events.length).toBe(5); // every complete record before the cut was read
  });

  it('a checkpoint whose manifest and weights file disagree', async () => {
    const path = dir();
    const est = makeEstimator({ modelDir: path, saveEvery: 10 });
    await est.train(makeInputFn(), { maxSteps: 10 });
    est.dispose();
    const weights = join(path, 'model.ckpt-10.weights.bin');
    const storage = fileStorage(path);
    const full = (await storage.read('model.ckpt-10.weights.bin'))!;
    writeFileSync(weights, full.subarray(0, full.length - 8));
    const fresh = makeEstimator({ modelDir: path, saveEvery: 10 });
    const e = await rejection(() => fresh.train(makeInputFn(), { maxSteps: 20 }));
    expect(e).toBeInstanceOf(EstimatorError);
    expect(e.code).toBe('CORRUPT_CHECKPOINT');
    expect(e.message).toContain(weights);
    expect(e.message).toMatch(new RegExp(`has ${full.length - 8} bytes; its manifest expects ${full.length}`));
    fresh.dispose();
  });

  it('labels out of range for the logits (first batch)', async () => {
    const est = makeEstimator({});
    const input = () =>
      Dataset.range(0, 3).map((s) => {
        const { x, y } = batchValues(s);
        y[5] = CLASSES + 4;
        return [tf.tensor2d(x, [BATCH, FEATURES]), tf.tensor1d(y, 'int32')] as const;
      });
    const e = await rejection(() => est.train(input, { steps: 3 }));
    expect(e).toBeInstanceOf(EstimatorError);
    expect(e.message).toMatch(new RegExp(`label ${CLASSES + 4} at index 5`));
    expect(e.message).toContain(`[0, ${CLASSES})`);
    est.dispose();
  });

  // Later batches are checked through a violation count read with the step's loss (no extra sync point).
  it('labels out of range for the logits (a later batch)', async () => {
    const est = makeEstimator({});
    const input = () =>
      Dataset.range(0, 6).map((s) => {
        const { x, y } = batchValues(s);
        if (s === 3) y[2] = -1;
        return [tf.tensor2d(x, [BATCH, FEATURES]), tf.tensor1d(y, 'int32')] as const;
      });
    const e = await rejection(() => est.train(input, { steps: 6 }));
    expect(e).toBeInstanceOf(EstimatorError);
    expect(e.message).toMatch(/label -1 at index 2/);
    est.dispose();
  });

  it('features whose shape does not fit the model', async () => {
    const path = dir();
    const est = makeEstimator({ modelDir: path });
    await est.train(makeInputFn(), { maxSteps: 5 });
    const wrong = () =>
      Dataset.range(0, 2).map(() => [tf.zeros([BATCH, FEATURES + 1]), tf.zeros([BATCH], 'int32')] as const);
    const e = await rejection(() => est.evaluate(wrong));
    expect(e).toBeInstanceOf(EstimatorError);
    expect(e.message).toMatch(/hidden\/kernel/);
    expect(e.message).toMatch(new RegExp(`\\[${FEATURES},16\\]`));
    expect(e.message).toMatch(new RegExp(`\\[${FEATURES + 1},16\\]`));
    est.dispose();
  });
});
