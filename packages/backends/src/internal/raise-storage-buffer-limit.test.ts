import { describe, expect, it } from 'vitest';
import { raiseStorageBufferLimit } from './raise-storage-buffer-limit.js';

describe('raiseStorageBufferLimit', () => {
  it("makes every device ask for the adapter's maximum storage buffers per shader stage, once", async () => {
    const seen: unknown[] = [];
    const adapter = {
      limits: { maxStorageBuffersPerShaderStage: 16 },
      requestDevice: async (d: unknown) => void seen.push(d),
    };
    const gpu = { requestAdapter: async () => adapter };
    raiseStorageBufferLimit(gpu);
    raiseStorageBufferLimit(gpu);
    const a = (await gpu.requestAdapter()) as typeof adapter;
    await a.requestDevice({ requiredLimits: { maxBufferSize: 1 } } as never);
    expect(seen).toEqual([{ requiredLimits: { maxStorageBuffersPerShaderStage: 16, maxBufferSize: 1 } }]);
  });
  it('leaves a missing adapter or entry point alone', async () => {
    raiseStorageBufferLimit(undefined);
    const gpu = { requestAdapter: async () => null };
    raiseStorageBufferLimit(gpu);
    expect(await gpu.requestAdapter()).toBeNull();
  });
});
