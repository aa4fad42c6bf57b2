import { collectPlain, expectNoLeaks, isSettled, ManualCalls, setupTestBackend, toPlain } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from './dataset.js';

beforeAll(() => setupTestBackend('cpu'));

/** collectPlain() inside expectNoLeaks: the documented outputs, and no tensor left behind. */
const outputs = (ds: AsyncIterable<unknown>) => expectNoLeaks(() => collectPlain(ds));

describe('sources (tf.data documented examples)', () => {
  it('range', async () => {
    expect(await collectPlain(Dataset.range(5))).toEqual([0, 1, 2, 3, 4]);
    expect(await collectPlain(Dataset.range(2, 5))).toEqual([2, 3, 4]);
    expect(await collectPlain(Dataset.range(1, 5, 2))).toEqual([1, 3]);
    expect(await collectPlain(Dataset.range(1, 5, -2))).toEqual([]);
    expect(await collectPlain(Dataset.range(5, 1))).toEqual([]);
    expect(await collectPlain(Dataset.range(5, 1, -2))).toEqual([5, 3]);
    expect(Dataset.range(5, 1, -2).size).toBe(2);
  });

  it('fromTensors yields one element, copies of the tensors', async () => {
    const t = tf.tensor1d([1, 2, 3]);
    const ds = Dataset.fromTensors({ a: t, b: 4 });
    expect(ds.size).toBe(1);
    expect(await outputs(ds)).toEqual([{ a: [1, 2, 3], b: 4 }]);
    expect(t.isDisposed).toBe(false);
    t.dispose();
  });

  it('fromGenerator: sync, async, with an output signature', async () => {
    const ds = Dataset.fromGenerator(function* () {
      yield [1, 1];
      yield [2, 2];
    });
    expect(await collectPlain(ds)).toEqual([
      [1, 1],
      [2, 2],
    ]);
    const sig = Dataset.fromGenerator(
      async function* () {
        yield { x: [1, 2], y: 0 };
        yield { x: [3, 4], y: 1 };
      },
      { outputSignature: { x: { shape: [2], dtype: 'float32' }, y: { shape: [], dtype: 'int32' } } },
    );
    expect(await outputs(sig.batch(2))).toEqual([
      {
        x: [
          [1, 2],
          [3, 4],
        ],
        y: [0, 1],
      },
    ]);
    const bad = Dataset.fromGenerator(
      function* () {
        yield [1, 2, 3];
      },
      { outputSignature: { shape: [2] } },
    );
    await expect(collectPlain(bad)).rejects.toThrow(
      /element 0 at '\(element\)' has shape \[3\]; the outputSignature expects \[2\]/,
    );
  });

  it('zip and concatenate', async () => {
    const a = Dataset.range(1, 4);
    const b = Dataset.range(4, 7);
    expect(await collectPlain(Dataset.zip([a, b]))).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    expect(await collectPlain(Dataset.zip({ a, c: Dataset.range(13, 15) }))).toEqual([
      { a: 1, c: 13 },
      { a: 2, c: 14 },
    ]);
    expect(await collectPlain(a.concatenate(b))).toEqual([1, 2, 3, 4, 5, 6]);
    expect(a.concatenate(b).size).toBe(6);
  });
});

describe('transformations (tf.data documented examples)', () => {
  it('filter', async () => {
    expect(await collectPlain(Dataset.range(1, 4).filter((x) => x < 3))).toEqual([1, 2]);
    const t = Dataset.fromTensorSlices([1, 2, 3]).filter((x) => tf.equal(x, 1));
    expect(await outputs(t)).toEqual([1]);
  });

  it('flatMap', async () => {
    const ds = Dataset.fromTensorSlices(
      tf.tensor2d([
        [1, 2, 3],
        [4, 5, 6],
        [7, 8, 9],
      ]),
    ).flatMap((x) => Dataset.fromTensorSlices(x));
    expect(await outputs(ds)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('interleave: cycleLength 2, blockLength 4', async () => {
    const ds = Dataset.range(1, 6).interleave((x) => Dataset.fromTensors(x).repeat(6), {
      cycleLength: 2,
      blockLength: 4,
    });
    expect(await collectPlain(ds)).toEqual([
      1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 3, 3, 4, 4, 5, 5, 5, 5, 5, 5,
    ]);
  });

  it('interleave of tensor datasets leaks nothing on early break', async () => {
    const ds = Dataset.fromTensorSlices([1, 2, 3]).interleave((x) => Dataset.fromTensors(x).repeat(3), {
      cycleLength: 2,
    });
    expect(await outputs(ds)).toEqual([1, 2, 1, 2, 1, 2, 3, 3, 3]);
    await expectNoLeaks(async () => {
      for await (const x of ds) {
        x.dispose();
        break;
      }
    });
  });

  it('paddedBatch', async () => {
    const ds = Dataset.range(1, 5).map((x) => tf.fill([x], x));
    expect(await outputs(ds.paddedBatch(2))).toEqual([
      [
        [1, 0],
        [2, 2],
      ],
      [
        [3, 3, 3, 0],
        [4, 4, 4, 4],
      ],
    ]);
    expect(await outputs(ds.paddedBatch(2, { paddedShapes: [5] }))).toEqual([
      [
        [1, 0, 0, 0, 0],
        [2, 2, 0, 0, 0],
      ],
      [
        [3, 3, 3, 0, 0],
        [4, 4, 4, 4, 0],
      ],
    ]);
    expect(await outputs(ds.paddedBatch(2, { paddedShapes: [null], paddingValues: -1 }))).toEqual([
      [
        [1, -1],
        [2, 2],
      ],
      [
        [3, 3, 3, -1],
        [4, 4, 4, 4],
      ],
    ]);
    const both = Dataset.zip([ds, ds]).paddedBatch(2, { paddedShapes: [[4], [null]], paddingValues: [-1, 100] });
    expect(((await outputs(both)) as number[][][][])[0]).toEqual([
      [
        [1, -1, -1, -1],
        [2, 2, -1, -1],
      ],
      [
        [1, 100],
        [2, 2],
      ],
    ]);
  });

  it('unbatch', async () => {
    const ds = Dataset.fromTensors(
      tf.tensor2d([
        [1, 2, 3, 4],
        [5, 6, 7, 8],
      ]),
    ).unbatch();
    expect(await outputs(ds)).toEqual([
      [1, 2, 3, 4],
      [5, 6, 7, 8],
    ]);
    const roundTrip = Dataset.fromTensorSlices({ a: [1, 2, 3] })
      .batch(2)
      .unbatch();
    expect(await outputs(roundTrip)).toEqual([{ a: 1 }, { a: 2 }, { a: 3 }]);
    const mixed = Dataset.fromTensorSlices([1, 2, 3])
      .map((x) => tf.add(x, 0))
      .batch(2)
      .unbatch();
    expect(await outputs(mixed)).toEqual([1, 2, 3]);
  });

  it('shard', async () => {
    expect(await collectPlain(Dataset.range(10).shard(3, 0))).toEqual([0, 3, 6, 9]);
    expect(await collectPlain(Dataset.range(10).shard(3, 1))).toEqual([1, 4, 7]);
    expect(await collectPlain(Dataset.range(10).shard(3, 2))).toEqual([2, 5, 8]);
    expect(Dataset.range(10).shard(3, 0).size).toBe(4);
    expect(Dataset.range(10).shard(3, 2).size).toBe(3);
    expect(() => Dataset.range(10).shard(3, 3)).toThrow(/expected index < numShards. Received index=3, numShards=3/);
  });

  it('window', async () => {
    const windows = async (ds: Dataset<Dataset<number>>) => {
      const out: unknown[] = [];
      for await (const w of ds) out.push(await collectPlain(w));
      return out;
    };
    expect(await windows(Dataset.range(7).window(3))).toEqual([[0, 1, 2], [3, 4, 5], [6]]);
    expect(await windows(Dataset.range(7).window(3, { shift: 2, dropRemainder: true }))).toEqual([
      [0, 1, 2],
      [2, 3, 4],
      [4, 5, 6],
    ]);
    expect(await windows(Dataset.range(7).window(3, { shift: 1, dropRemainder: true }))).toEqual([
      [0, 1, 2],
      [1, 2, 3],
      [2, 3, 4],
      [3, 4, 5],
      [4, 5, 6],
    ]);
    expect(await windows(Dataset.range(7).window(3, { shift: 1, stride: 2, dropRemainder: true }))).toEqual([
      [0, 2, 4],
      [1, 3, 5],
      [2, 4, 6],
    ]);
    // flat_map(lambda w: w.batch(3)) over tensor windows
    const flat = Dataset.fromTensorSlices([0, 1, 2, 3, 4])
      .window(2, { shift: 1, dropRemainder: true })
      .flatMap((w) => w.batch(2));
    expect(await outputs(flat)).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 4],
    ]);
  });

  it('enumerate, apply, reduce, cardinality', async () => {
    expect(await collectPlain(Dataset.range(3).enumerate(5))).toEqual([
      [5, 0],
      [6, 1],
      [7, 2],
    ]);
    expect(await collectPlain(Dataset.range(5).apply((ds) => ds.filter((x) => x > 2)))).toEqual([3, 4]);
    expect(await Dataset.range(5).reduce(0, (s, x) => s + x)).toBe(10);
    const sum = await expectNoLeaks(async () => {
      const zero = tf.scalar(0);
      const s = await Dataset.fromTensorSlices([1, 2, 3]).reduce(zero, (acc, x) => tf.add(acc, x));
      const v = s.arraySync();
      tf.dispose([s, zero]);
      return v;
    });
    expect(sum).toBe(6);
    expect(Dataset.range(42).cardinality()).toBe(42);
    expect(Dataset.range(42).repeat().cardinality()).toBe(Dataset.INFINITE_CARDINALITY);
    expect(
      Dataset.range(42)
        .filter(() => true)
        .cardinality(),
    ).toBe(Dataset.UNKNOWN_CARDINALITY);
    expect(Dataset.range(10).batch(3).cardinality()).toBe(4);
  });

  it('cache replays the first complete pass without re-running the input', async () => {
    let calls = 0;
    const ds = Dataset.fromGenerator(function* () {
      calls++;
      yield* [1, 2, 3];
    })
      .map((x) => tf.scalar(x * 10))
      .cache();
    expect(await outputs(ds)).toEqual([10, 20, 30]);
    expect(await outputs(ds)).toEqual([10, 20, 30]);
    expect(calls).toBe(1);
    expect(await outputs(ds.repeat(2))).toEqual([10, 20, 30, 10, 20, 30]);
  });

  it('map with numParallelCalls runs the calls at once and keeps order, or not when deterministic is false', async () => {
    // Each call is held until the test releases it, so "slow" and "fast" are chosen, not timed.
    const run = (deterministic: boolean) => {
      const calls = new ManualCalls();
      const ds = Dataset.range(4).map(
        async (x) => {
          await calls.start(String(x));
          return x;
        },
        { numParallelCalls: 4, deterministic },
      );
      return { calls, it: ds[Symbol.asyncIterator]() };
    };
    const ordered = run(true);
    const first = ordered.it.next();
    await ordered.calls.whenStarted(4);
    expect(ordered.calls.maxInFlight).toBe(4);
    for (const k of ['3', '1', '2']) ordered.calls.release(k);
    expect(await isSettled(first)).toBe(false); // element 0 is still running
    ordered.calls.release('0');
    expect((await first).value).toBe(0);
    const rest = [(await ordered.it.next()).value, (await ordered.it.next()).value, (await ordered.it.next()).value];
    expect(rest).toEqual([1, 2, 3]);
    expect((await ordered.it.next()).done).toBe(true);

    const unordered = run(false);
    const firstDone = unordered.it.next();
    await unordered.calls.whenStarted(4);
    unordered.calls.release('2');
    expect((await firstDone).value).toBe(2);
    unordered.calls.releaseFrom();
    const others: number[] = [];
    for (let r = await unordered.it.next(); !r.done; r = await unordered.it.next()) others.push(r.value as number);
    expect(others.sort()).toEqual([0, 1, 3]);

    // Eight parallel calls are all in flight before any finishes.
    const eight = new ManualCalls();
    const all = collectPlain(
      Dataset.range(8).map(
        async (x) => {
          await eight.start(String(x));
          return x;
        },
        { numParallelCalls: 8 },
      ),
    );
    await eight.whenStarted(8);
    expect(eight.maxInFlight).toBe(8);
    eight.releaseFrom();
    expect(await all).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const tensors = Dataset.fromTensorSlices([1, 2, 3, 4]).map(async (x) => tf.mul(x, 2), {
      numParallelCalls: Dataset.AUTOTUNE,
    });
    expect(await outputs(tensors)).toEqual([2, 4, 6, 8]);
    await expectNoLeaks(async () => {
      for await (const x of tensors) {
        x.dispose();
        break;
      }
    });
  });
});

describe('iterator save/restore', () => {
  it('resumes a seeded shuffled pipeline exactly where it stopped', async () => {
    const make = () =>
      Dataset.fromTensorSlices({ x: Float32Array.from({ length: 50 }, (_, i) => i) })
        .shuffle(20, { seed: 3 })
        .repeat()
        .batch(4);
    const it = make().makeOneShotIterator();
    for (let i = 0; i < 17; i++) tf.dispose(await it.getNext());
    const state = JSON.parse(JSON.stringify(it.saveState()));
    const expected: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      const b = await it.getNext();
      expected.push(toPlain(b));
      tf.dispose(b);
    }
    await it.return();
    const other = make().makeOneShotIterator();
    await expectNoLeaks(() => other.restoreState(state));
    expect(other.position).toBe(17);
    const got: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      const b = await other.getNext();
      got.push(toPlain(b));
      tf.dispose(b);
    }
    expect(got).toEqual(expected);
    await other.return();
    // Past a known end: refused before any replay (a crafted position of 1e15 must not spin).
    await expect(
      Dataset.range(1e9).makeOneShotIterator().restoreState({ version: 1, serial: 0, position: 1e15 }),
    ).rejects.toThrow(
      /the saved position 1000000000000000 is past the end of this dataset, which has 1000000000 elements/,
    );
    // Unknown size: found out by the replay.
    await expect(
      Dataset.range(3)
        .filter(() => true)
        .makeOneShotIterator()
        .restoreState({ version: 1, serial: 0, position: 5 }),
    ).rejects.toThrow(/ended after 3 elements; the saved position is 5/);
  });
});
