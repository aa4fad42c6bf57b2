import { expectNoLeaks, ManualCalls, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { Dataset } from './dataset.js';

beforeAll(() => setupTestBackend('cpu'));

async function collect(ds: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const x of ds) {
    out.push(x instanceof tf.Tensor ? x.arraySync() : x);
    tf.dispose(x as tf.TensorContainer);
  }
  return out;
}

/** A sub-dataset of `n` numbers from `base` whose every pull is a call the test releases (key `base+i`). */
function held(base: number, n: number, calls: ManualCalls) {
  return Dataset.fromGenerator(async function* () {
    for (let i = 0; i < n; i++) {
      await calls.start(String(base + i));
      yield base + i;
    }
  });
}

describe('interleave({ numParallelCalls })', () => {
  const configs = [
    { cycleLength: 2, blockLength: 1 },
    { cycleLength: 3, blockLength: 2 },
    { cycleLength: 4, blockLength: 3 },
    { cycleLength: 1, blockLength: 2 },
  ];
  for (const cfg of configs) {
    it(`keeps the sequential order (cycleLength ${cfg.cycleLength}, blockLength ${cfg.blockLength})`, async () => {
      // sub-datasets of uneven lengths, including empty ones
      const sub = (x: number) => Dataset.range(x * 10, x * 10 + (x % 4));
      const seq = Dataset.range(1, 9).interleave(sub, cfg);
      const par = Dataset.range(1, 9).interleave(sub, { ...cfg, numParallelCalls: 3 });
      expect(await collect(par)).toEqual(await collect(seq));
    });
  }

  it('matches tf.data documented example with parallel calls', async () => {
    const ds = Dataset.range(1, 6).interleave((x) => Dataset.fromTensors(x).repeat(6), {
      cycleLength: 2,
      blockLength: 4,
      numParallelCalls: Dataset.AUTOTUNE,
    });
    expect(await collect(ds)).toEqual([
      1, 1, 1, 1, 2, 2, 2, 2, 1, 1, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 3, 3, 4, 4, 5, 5, 5, 5, 5, 5,
    ]);
  });

  it('really reads the sub-datasets concurrently, and in order', async () => {
    const calls = new ManualCalls();
    const ds = Dataset.range(4).interleave((x) => held(x * 10, 3, calls), { cycleLength: 4, numParallelCalls: 4 });
    const out = collect(ds);
    // The first pull of every sub-dataset is in flight before any finishes.
    await calls.whenStarted(4);
    expect(calls.heldKeys.sort()).toEqual(['0', '10', '20', '30']);
    // Finishing them in reverse does not change the output order.
    for (const k of ['30', '20', '10', '0']) calls.release(k);
    calls.releaseFrom();
    expect(await out).toEqual([0, 10, 20, 30, 1, 11, 21, 31, 2, 12, 22, 32]);
    expect(calls.maxInFlight).toBe(4);
    const sequential = new ManualCalls();
    sequential.releaseFrom();
    await collect(Dataset.range(4).interleave((x) => held(x * 10, 3, sequential), { cycleLength: 4 }));
    expect(sequential.maxInFlight).toBe(1);
  });

  it('deterministic: false lets a fast sub-dataset overtake a slow one', async () => {
    const calls = new ManualCalls();
    calls.releaseFrom((key) => Number(key) >= 100); // sub-dataset 1 is fast; sub-dataset 0 waits for the test
    const ds = Dataset.range(2).interleave((x) => held(x * 100, 3, calls), {
      cycleLength: 2,
      numParallelCalls: 2,
      deterministic: false,
    });
    const it = ds[Symbol.asyncIterator]();
    const firstThree = [(await it.next()).value, (await it.next()).value, (await it.next()).value];
    expect(firstThree).toEqual([100, 101, 102]);
    expect(calls.heldKeys).toEqual(['0']);
    calls.releaseFrom();
    const rest: number[] = [];
    for (let r = await it.next(); !r.done; r = await it.next()) rest.push(r.value as number);
    expect(rest).toEqual([0, 1, 2]);
  });

  it('releases buffered tensors and open sub-datasets on an early break', async () => {
    const ds = Dataset.range(6).interleave((x) => Dataset.range(5).map((i) => tf.fill([2], x * 10 + i)), {
      cycleLength: 3,
      blockLength: 2,
      numParallelCalls: 3,
    });
    await expectNoLeaks(async () => {
      let n = 0;
      for await (const x of ds) {
        tf.dispose(x as tf.Tensor);
        if (++n === 4) break;
      }
      expect((await collect(ds)).length).toBe(30);
    });
  });

  it('says what it expected for a bad numParallelCalls', () => {
    expect(() => Dataset.range(3).interleave((x) => Dataset.range(x), { numParallelCalls: 0 })).toThrow(
      /Dataset.interleave\(\): expected numParallelCalls to be an integer >= 1. Received 0/,
    );
  });
});
