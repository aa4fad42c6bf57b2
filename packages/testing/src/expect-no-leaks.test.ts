import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { setupTestBackend } from './describe-backends.js';
import { expectNoLeaks } from './expect-no-leaks.js';
import { tempModelDir } from './temp-model-dir.js';

beforeAll(() => setupTestBackend('cpu'));

describe('expectNoLeaks', () => {
  it('passes for tidy work and reports a leak with its size', async () => {
    await expectNoLeaks(() => tf.tidy(() => tf.add(tf.ones([2]), 1)).dispose());
    const kept: tf.Tensor[] = [];
    await expect(expectNoLeaks(() => void kept.push(tf.ones([1]), tf.ones([1])))).rejects.toThrow(
      /changed from \d+ to \d+ \(\+2\)/,
    );
    tf.dispose(kept);
  });
  it('takes its baseline after an optional warm-up', async () => {
    let state: tf.Tensor | null = null;
    await expectNoLeaks(
      () => {
        state ??= tf.zeros([3]);
      },
      { warmup: true },
    );
    (state as tf.Tensor | null)?.dispose();
  });
});

describe('setupTestBackend and tempModelDir', () => {
  it('activates the backend with gradients registered', () => {
    expect(tf.getBackend()).toBe('cpu');
    const g = tf.grad((x: tf.Tensor) => tf.sum(tf.square(x)))(tf.tensor1d([1, 2]));
    expect(Array.from(g.dataSync())).toEqual([2, 4]);
    g.dispose();
  });
  it('makes and removes a directory', async () => {
    const { existsSync } = await import('node:fs');
    const { dir, cleanup } = tempModelDir();
    expect(existsSync(dir)).toBe(true);
    cleanup();
    expect(existsSync(dir)).toBe(false);
  });
});
