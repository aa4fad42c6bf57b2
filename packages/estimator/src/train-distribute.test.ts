/**
 * The TrainDistribute contract through the real Estimator, on the hand-computed linear model: what the strategy
 * returns is what every step applies. The strategy here stands for a second replica whose gradients are 3× ours, so
 * the mean is 2× ours: exactly training with the loss scaled by 2, which handTrained computes by hand.
 */
import { readdirSync } from 'node:fs';
import { READ_INTO_KERNEL } from '@estimatorjs/io';
import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { handTrained, linearEstimator, linearInput } from './linear-model.test-util.js';
import type { DistributeStartContext, TrainDistribute } from './train-distribute.js';

beforeAll(() => setupTestBackend('cpu'));
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

class VirtualPeer implements TrainDistribute {
  readonly numReplicas = 2;
  readonly replicaIndex: number;
  readonly calls: string[] = [];
  started: DistributeStartContext | null = null;
  constructor(replicaIndex = 0) {
    this.replicaIndex = replicaIndex;
  }
  async connect(): Promise<void> {
    this.calls.push('connect');
  }
  async start(context: DistributeStartContext): Promise<void> {
    this.calls.push('start');
    this.started = context;
  }
  async allReduceMean(values: Float32Array, step: number): Promise<Float32Array> {
    this.calls.push(`allReduce@${step}`);
    return values.map((v) => (v + 3 * v) / 2);
  }
  async end(error?: unknown): Promise<void> {
    this.calls.push(`end(${error === undefined ? '' : String(error)})`);
  }
}

/** What CollectiveAllReduce does to skip a per-step copy: writes the mean into the array it was handed. */
class InPlacePeer extends VirtualPeer {
  /** Every array the Estimator handed over, in step order. */
  readonly handed: Float32Array[] = [];
  override async allReduceMean(values: Float32Array): Promise<Float32Array> {
    this.handed.push(values);
    for (let i = 0; i < values.length; i++) values[i] = (values[i]! + 3 * values[i]!) / 2;
    return values;
  }
}

const cluster = { chief: ['127.0.0.1:2222'], worker: ['127.0.0.1:2223'] };
const tfConfig = (type: string) => JSON.stringify({ cluster, task: { type, index: 0 } });

describe('trainDistribute in Estimator.train()', () => {
  it('applies the all-reduced gradients each step (hand-computed), after connect and start, then ends', async () => {
    const peer = new VirtualPeer();
    const est = linearEstimator(cleanups, { config: { tfConfig: tfConfig('chief'), trainDistribute: peer } });
    await est.train(linearInput(100), { maxSteps: 3 });
    const hand = handTrained(3, [2, 2, 2]).at(-1)!;
    const [w, b] = await Promise.all(['linear/w', 'linear/b'].map(async (n) => (await est.getVariableValue(n)).data()));
    expect(w![0]).toBeCloseTo(hand.w, 5);
    expect(b![0]).toBeCloseTo(hand.b, 5);
    expect(peer.calls).toEqual(['connect', 'start', 'allReduce@0', 'allReduce@1', 'allReduce@2', 'end()', 'end()']);
    // w and b: 2 values; both zeros at the start, so the digest is 0.
    expect(peer.started).toEqual({ globalStep: 0, numValues: 2, weightsDigest: 0 });
    est.dispose();
  });

  it('a strategy that writes the mean into the array it was handed trains the same (hand-computed)', async () => {
    const est = linearEstimator(cleanups, {
      config: { tfConfig: tfConfig('chief'), trainDistribute: new InPlacePeer() },
    });
    await est.train(linearInput(100), { maxSteps: 3 });
    const hand = handTrained(3, [2, 2, 2]).at(-1)!;
    const [w, b] = await Promise.all(['linear/w', 'linear/b'].map(async (n) => (await est.getVariableValue(n)).data()));
    expect(w![0]).toBeCloseTo(hand.w, 5);
    expect(b![0]).toBeCloseTo(hand.b, 5);
    est.dispose();
  });

  it('where the backend reads into an array (READ_INTO_KERNEL), every step hands over the same array, same training', async () => {
    // A plain READ_INTO_KERNEL for cpu (@estimatorjs/backends registers its own; tests of it live there).
    const reads: number[] = [];
    tf.registerKernel({
      kernelName: READ_INTO_KERNEL,
      backendName: 'cpu',
      kernelFunc: ({ inputs, attrs, backend }) => {
        const x = inputs.x as tf.TensorInfo;
        const cpu = backend as unknown as { readSync(id: unknown): Float32Array; incRef(id: unknown): void };
        (attrs as unknown as { out: Float32Array }).out.set(cpu.readSync(x.dataId));
        reads.push(x.shape[0]!);
        cpu.incRef(x.dataId);
        return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
      },
    });
    cleanups.push(() => tf.unregisterKernel(READ_INTO_KERNEL, 'cpu'));
    const peer = new InPlacePeer();
    const est = linearEstimator(cleanups, { config: { tfConfig: tfConfig('chief'), trainDistribute: peer } });
    await est.train(linearInput(100), { maxSteps: 3 });
    const hand = handTrained(3, [2, 2, 2]).at(-1)!;
    const [w, b] = await Promise.all(['linear/w', 'linear/b'].map(async (n) => (await est.getVariableValue(n)).data()));
    expect(w![0]).toBeCloseTo(hand.w, 5);
    expect(b![0]).toBeCloseTo(hand.b, 5);
    // Read through the kernel (w and b: 2 values) into one array, step after step.
    expect(reads).toEqual([2, 2, 2]);
    expect(peer.handed).toHaveLength(3);
    expect(new Set(peer.handed).size).toBe(1);
    est.dispose();
  });

  it('elsewhere (data()) each step hands over an array of its own', async () => {
    const peer = new InPlacePeer();
    const est = linearEstimator(cleanups, { config: { tfConfig: tfConfig('chief'), trainDistribute: peer } });
    await est.train(linearInput(100), { maxSteps: 3 });
    expect(new Set(peer.handed).size).toBe(3);
    est.dispose();
  });

  it('a worker trains the same steps but writes no checkpoint or event file', async () => {
    const est = linearEstimator(cleanups, {
      config: { tfConfig: tfConfig('worker'), trainDistribute: new VirtualPeer(1) },
    });
    await est.train(linearInput(100), { maxSteps: 3 });
    expect(est.globalStep).toBe(3);
    expect(readdirSync(est.modelDir)).toEqual([]);
    est.dispose();
  });

  it('tells the strategy when the input ended early, so the peers fail instead of waiting', async () => {
    const peer = new VirtualPeer();
    const est = linearEstimator(cleanups, { config: { tfConfig: tfConfig('chief'), trainDistribute: peer } });
    await est.train(linearInput(2), { maxSteps: 5 });
    expect(peer.calls.at(-2)).toBe('end(its input ended at global step 2)');
    est.dispose();
  });

  it('leaks no tensor across the all-reduce await', async () => {
    const est = linearEstimator(cleanups, {
      config: { tfConfig: tfConfig('chief'), trainDistribute: new VirtualPeer() },
    });
    await est.train(linearInput(100), { maxSteps: 1 });
    await expectNoLeaks(() => est.train(linearInput(100), { maxSteps: 4 }));
    est.dispose();
  });
});
