import { nativeProvider } from '@estimatorjs/backends';
import { describeWithTool, type Tool } from '@estimatorjs/testing';
import { describe, expect, it } from 'vitest';
import { trainConvStack } from './train-layer-or-ops.js';

// Its own file, so its own process: 'native' cannot start once 'wasm' has.
const availability = await nativeProvider.isAvailable();
const native: Tool = {
  name: "@estimatorjs/native's oneDNN addon (Debian's libdnnl-dev)",
  missing: availability.available ? null : (availability.reason ?? 'unavailable'),
  install: 'apt-get install libdnnl-dev, then pnpm --filter @estimatorjs/native build (.ci/run does both)',
};

describeWithTool({ describe, it }, native, "layers.conv2d's training op vs tfjs' ops on the native backend", () => {
  for (const threads of [1, 2]) {
    it(`native, ${threads} thread(s): 7 steps (4, then a resume for 3) give a bit-identical checkpoint`, async () => {
      const ops = await trainConvStack('native', threads, false);
      const layer = await trainConvStack('native', threads, true);
      expect([...layer.keys()].sort()).toEqual([...ops.keys()].sort());
      for (const [name, values] of ops) expect(layer.get(name), name).toEqual(values);
    });
  }
});
