import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

describe('importing @estimatorjs/backends', () => {
  it('registers nothing: no backend, no gradient, no kernel', async () => {
    const api = await import('./index.js');
    expect(typeof api.useBackend).toBe('function');
    expect(Object.keys(tf.engine().registryFactory)).toEqual([]);
    expect(tf.getGradient('Conv2D')).toBeUndefined();
    expect(tf.getKernelsForBackend('wasm')).toEqual([]);
  });
});
