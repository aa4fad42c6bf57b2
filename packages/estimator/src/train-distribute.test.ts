/**
 * The TrainDistribute contract through the real Estimator, on the hand-computed linear model: what the strategy
 * returns is what every step applies. The strategy here stands for a second replica whose gradients are 3× ours, so
 * the mean is 2× ours: exactly training with the loss scaled by 2, which handTrained computes by hand.
 */
import { readdirSync } from 'node:fs';
import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
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
    // What CollectiveAllReduce does to skip a per-step copy of the gradients.
    class InPlacePeer extends VirtualPeer {
      override async allReduceMean(values: Float32Array): Promise<Float32Array> {
        for (let i = 0; i < values.length; i++) values[i] = (values[i]! + 3 * values[i]!) / 2;
        return values;
      }
    }
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
