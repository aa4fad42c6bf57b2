import { FeedFnHook, type Hook, type RunValues } from '@estimatorjs/hooks';
import { describeBackends, expectNoLeaks } from '@estimatorjs/testing';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ModelFn } from './estimator.js';
import { loadVariable } from './index.js';
import { handLoss, handTrained, linearEstimator, linearInput, linearModelFn } from './linear-model.test-util.js';
import { fileStorage } from './node/file-storage.js';

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

/** Records the loss of every step (or batch). */
function lossRecorder(): Hook & { losses: number[] } {
  const losses: number[] = [];
  return {
    losses,
    beforeRun: () => ({ fetch: { loss: 'loss' } }),
    afterRun: (_ctx, v: RunValues) => void losses.push(v.loss as number),
  };
}

// The wasm backend too: the feeds change what the step computes, so both backends must agree with the hand values.
describeBackends('FeedFnHook in a real Estimator', { describe, beforeAll }, () => {
  it('train(): the model_fn reads the fed values on every step, the first included', async () => {
    // Step k (global step k-1 before it) is fed scale = k; the scale multiplies the loss and so the gradients.
    const feeds = new FeedFnHook(({ globalStep }) => ({ scale: globalStep + 1 }));
    const seen: number[] = [];
    const modelFn = linearModelFn({
      lossScale: () => {
        seen.push(feeds.values.scale);
        return feeds.values.scale;
      },
    });
    const est = linearEstimator(cleanups, { modelFn });
    const recorder = lossRecorder();
    await est.train(linearInput(100), { steps: 3, hooks: [feeds, recorder] });
    // The first step runs the model_fn twice (a build pass that creates the variables, then the step under the
    // gradient tape); both see the first step's feed.
    expect(seen).toEqual([1, 1, 2, 3]);
    const hand = handTrained(3, [1, 2, 3]);
    expect(recorder.losses).toHaveLength(3);
    for (const [i, l] of recorder.losses.entries()) expect(l).toBeCloseTo(hand[i]!.loss, 4);
    // The checkpoint holds the weights that the fed scales produced (and not those of scale 1 throughout).
    const w = await loadVariable(fileStorage(est.modelDir), 'model.ckpt-3', 'linear/w');
    expect((await w.data())[0]).toBeCloseTo(hand[2]!.w, 5);
    expect(hand[2]!.w).not.toBeCloseTo(handTrained(3)[2]!.w, 3);
    w.dispose();
    est.dispose();
  });

  it('evaluate() and predict(): every batch is fed before its model_fn call', async () => {
    let batch = 0;
    const feeds = new FeedFnHook(() => ({ scale: ++batch }));
    const seen: number[] = [];
    const base = linearModelFn({ lossScale: () => feeds.values.scale });
    const modelFn: ModelFn = (f, l, mode, p, c) => {
      if (mode !== 'train') seen.push(feeds.values.scale);
      return base(f, l, mode, p, c);
    };
    const est = linearEstimator(cleanups, { modelFn });
    await est.train(linearInput(2), { steps: 2, hooks: [feeds] });
    const [, after2] = handTrained(2, [1, 2]);

    batch = 0;
    seen.length = 0;
    const results = await est.evaluate(linearInput(3), { hooks: [feeds] });
    expect(seen).toEqual([1, 2, 3]);
    // The mean of the per-batch losses: (1 + 2 + 3) / 3 times the unscaled loss at the checkpoint.
    expect(results.loss).toBeCloseTo(2 * handLoss(after2!.w, after2!.b), 4);

    batch = 0;
    seen.length = 0;
    const preds = [];
    for await (const p of est.predict(linearInput(3, { labels: false }), { hooks: [feeds] })) preds.push(p);
    expect(seen).toEqual([1, 2, 3]);
    expect(preds).toHaveLength(12);
    est.dispose();
  });

  it('train() with a FeedFnHook leaks no tensors', async () => {
    const feeds = new FeedFnHook(() => ({ scale: 0.5 }));
    const est = linearEstimator(cleanups, { modelFn: linearModelFn({ lossScale: () => feeds.values.scale }) });
    await expectNoLeaks(() => est.train(linearInput(100), { steps: 3, hooks: [feeds] }), { warmup: true });
    est.dispose();
  });
});
