import { describe, expect, it } from 'vitest';
import { FeedFnHook } from './feed-fn-hook.js';
import { StopAtStepHook } from './stop-at-step-hook.js';
import { runLoop } from './test-loop.test-util.js';

describe('FeedFnHook', () => {
  it('feeds fresh values before each step, visible to the step', async () => {
    const feeds = new FeedFnHook(({ globalStep }) => ({ keep_prob: globalStep < 2 ? 0.5 : 0.9 }));
    expect(() => feeds.values).toThrow(/nothing has been fed yet/);
    const seen: number[] = [];
    await runLoop([feeds, new StopAtStepHook({ numSteps: 4 })], {
      onStep: () => void seen.push(feeds.values.keep_prob as number),
    });
    expect(seen).toEqual([0.5, 0.5, 0.9, 0.9]);
  });
});
