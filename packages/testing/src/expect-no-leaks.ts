import * as tf from '@tensorflow/tfjs-core';

/** Number of live tensors in the tfjs engine. */
export function countTensors(): number {
  return tf.memory().numTensors;
}

/**
 * Runs `work` and fails if it changed the number of live tensors.
 * Run one warm-up call first when the work creates lasting state (optimizer slots on the first step).
 */
export async function expectNoLeaks<T>(work: () => T | Promise<T>, opts: { warmup?: boolean } = {}): Promise<T> {
  if (opts.warmup) await work();
  const before = countTensors();
  const result = await work();
  const after = countTensors();
  if (after !== before) {
    throw new Error(
      `expectNoLeaks(): tensor count changed from ${before} to ${after} (${after - before > 0 ? '+' : ''}${after - before}).`,
    );
  }
  return result;
}
