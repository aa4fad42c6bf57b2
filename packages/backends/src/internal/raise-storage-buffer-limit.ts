interface GpuLike {
  requestAdapter(options?: unknown): Promise<unknown>;
}

interface AdapterLike {
  readonly limits?: { readonly maxStorageBuffersPerShaderStage?: number };
  requestDevice(descriptor?: { requiredLimits?: Record<string, number> }): Promise<unknown>;
}

const raised = Symbol.for('estimatorjs.webgpu.raisedStorageBufferLimit');

/**
 * tfjs-backend-webgpu requests its device with the default `maxStorageBuffersPerShaderStage` (8), yet its AddN
 * kernel binds one storage buffer per input: an `addN` of 8+ tensors then fails validation and the whole command
 * buffer is dropped (measured on an NVIDIA H200 through Dawn). Ask for the adapter's own maximum instead.
 */
export function raiseStorageBufferLimit(entry: unknown): void {
  const gpu = entry as (GpuLike & { [raised]?: boolean }) | undefined;
  if (!gpu || gpu[raised]) return;
  const requestAdapter = gpu.requestAdapter.bind(gpu) as (options?: unknown) => Promise<AdapterLike | null>;
  gpu.requestAdapter = async (options?: unknown) => {
    const adapter = await requestAdapter(options);
    const max = adapter?.limits?.maxStorageBuffersPerShaderStage;
    if (!adapter || !max) return adapter;
    const requestDevice = adapter.requestDevice.bind(adapter);
    adapter.requestDevice = (descriptor = {}) =>
      requestDevice({
        ...descriptor,
        requiredLimits: { maxStorageBuffersPerShaderStage: max, ...(descriptor.requiredLimits ?? {}) },
      });
    return adapter;
  };
  gpu[raised] = true;
}
