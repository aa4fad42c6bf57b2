import { describe, expect, it } from 'vitest';
import { trainConvStack } from './train-layer-or-ops.js';

describe("layers.conv2d's training op vs tfjs' Conv2D, Add and Relu on wasm (with @estimatorjs/backends' kernels)", () => {
  const threads = 2; // threads are fixed once wasm starts: one file, so one process, per count
  it(`wasm, ${threads} thread(s): 7 steps (4, then a resume for 3) give a bit-identical checkpoint`, async () => {
    const ops = await trainConvStack('wasm', threads, false);
    const layer = await trainConvStack('wasm', threads, true);
    expect([...layer.keys()].sort()).toEqual([...ops.keys()].sort());
    expect(layer.get('global_step')).toEqual(new Float32Array([7]));
    for (const [name, values] of ops) expect(layer.get(name), name).toEqual(values);
  });
});
