import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A sub-dataset of `n` numbers from `base` whose pulls take `ms` each, counting concurrent pulls. */
function slow(base: number, n: number, ms: number, gauge: { now: number; max: number }) {
  return Dataset.fromGenerator(async function* () {
    for (let i = 0; i < n; i++) {
      gauge.now++;
      gauge.max = Math.max(gauge.max, gauge.now);
      await sleep(ms);
      gauge.now--;
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
    const gauge = { now: 0, max: 0 };
    const ds = Dataset.range(4).interleave((x) => slow(x * 10, 3, 15, gauge), { cycleLength: 4, numParallelCalls: 4 });
    const t0 = performance.now();
    const out = await collect(ds);
    const ms = performance.now() - t0;
    expect(out).toEqual([0, 10, 20, 30, 1, 11, 21, 31, 2, 12, 22, 32]);
    expect(gauge.max).toBeGreaterThanOrEqual(3);
    expect(ms).toBeLessThan(12 * 15); // sequential would take 12 pulls × 15 ms
    const seqGauge = { now: 0, max: 0 };
    await collect(Dataset.range(4).interleave((x) => slow(x * 10, 3, 1, seqGauge), { cycleLength: 4 }));
    expect(seqGauge.max).toBe(1);
  });

  it('deterministic: false lets a fast sub-dataset overtake a slow one', async () => {
    const gauge = { now: 0, max: 0 };
    const ds = Dataset.range(2).interleave((x) => slow(x * 100, 3, x === 0 ? 60 : 1, gauge), {
      cycleLength: 2,
      numParallelCalls: 2,
      deterministic: false,
    });
    const out = (await collect(ds)) as number[];
    expect(out.slice(0, 3)).toEqual([100, 101, 102]);
    expect([...out].sort((a, b) => a - b)).toEqual([0, 1, 2, 100, 101, 102]);
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
