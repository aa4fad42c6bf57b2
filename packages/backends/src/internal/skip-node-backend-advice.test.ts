import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useBackend } from '../use-backend.js';

const BANNER = /install our node\s+backend/;
const warnings = () =>
  vi
    .mocked(console.warn)
    .mock.calls.map((args) => args.join(' '))
    .filter((line) => BANNER.test(line));

describe("useBackend('cpu') in Node", () => {
  afterEach(() => vi.restoreAllMocks());

  it('keeps tfjs-backend-cpu from printing its "install our node backend" banner', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    // The reference: a cpu backend of tfjs's own prints the banner on its first tensor here.
    const plain = new MathBackendCPU();
    plain.write(new Float32Array([1]), [1], 'float32');
    expect(warnings()).toHaveLength(1);
    plain.dispose();

    vi.mocked(console.warn).mockClear();
    await useBackend('cpu');
    const t = tf.tensor1d([1, 2, 3]);
    expect(await t.data()).toEqual(new Float32Array([1, 2, 3]));
    t.dispose();
    expect(warnings()).toEqual([]);
  });
});
