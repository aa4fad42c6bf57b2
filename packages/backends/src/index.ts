export { BackendError, type BackendErrorCode } from './backend-error.js';
export { BACKEND_NAMES, type BackendName, isBackendName } from './backend-name.js';
export type {
  BackendAvailability,
  BackendInfo,
  BackendOptions,
  BackendProvider,
  BackendSupports,
} from './backend-provider.js';
export { registerWasmTrainingKernels } from './kernels/register-wasm-training-kernels.js';
export { type BackendListing, listBackends } from './list-backends.js';
export { cpuProvider } from './providers/cpu-provider.js';
export { nativeProvider } from './providers/native-provider.js';
export { tensorflowProvider } from './providers/tensorflow-provider.js';
export { wasmProvider } from './providers/wasm-provider.js';
export { webglProvider } from './providers/webgl-provider.js';
export { webgpuProvider } from './providers/webgpu-provider.js';
export { getProvider } from './providers.js';
export { registerGradients } from './register-gradients.js';
export { useBackend } from './use-backend.js';
