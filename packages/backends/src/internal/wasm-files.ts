/** The three binaries of `@tensorflow/tfjs-backend-wasm` (in its `dist/`); tfjs picks one by SIMD and threads. */
export const WASM_FILES = [
  'tfjs-backend-wasm.wasm',
  'tfjs-backend-wasm-simd.wasm',
  'tfjs-backend-wasm-threaded-simd.wasm',
] as const;

/**
 * The global a bundler plugin sets (in the page, before any module runs) to the URL prefix the binaries are served
 * from; `useBackend('wasm')` in a browser takes it as its default `wasmPaths`.
 */
export const WASM_PATHS_GLOBAL = '__ESTIMATORJS_WASM_PATHS__';
