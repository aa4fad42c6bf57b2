import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { NativeBackendError } from '../native-backend-error.js';

/** The parts of tfjs-backend-wasm 4.22.0's emscripten module the native kernels and BackendWasm use. */
export interface EmscriptenModule {
  cwrap(name: string, ret: string | null, args: string[]): (...a: unknown[]) => unknown;
  HEAPU8: Uint8Array;
  tfjs?: Record<string, unknown>;
}

/**
 * A fresh instance of tfjs-backend-wasm's single-threaded SIMD binary, with the `tfjs` helpers BackendWasm expects
 * (as tfjs's own `init()` makes them). Its own instance, so 'wasm' and 'native' live side by side; single-threaded
 * so its memory is a plain ArrayBuffer the addon can read through N-API (a SharedArrayBuffer it cannot).
 */
export async function createWasmModule(): Promise<EmscriptenModule> {
  const require = createRequire(import.meta.url);
  let out: string;
  try {
    out = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '..', 'wasm-out');
  } catch (error) {
    throw new NativeBackendError(
      'NATIVE_NO_WASM',
      '@estimatorjs/native: @tensorflow/tfjs-backend-wasm is not installed; install it with `pnpm add @tensorflow/tfjs-backend-wasm`.',
      { cause: error },
    );
  }
  // tfjs's own loader: the plain glue serves both the plain and the SIMD binary.
  const glue = join(out, 'tfjs-backend-wasm.js');
  const binary = join(out, 'tfjs-backend-wasm-simd.wasm');
  if (!existsSync(glue) || !existsSync(binary)) {
    throw new NativeBackendError(
      'NATIVE_NO_WASM',
      `@estimatorjs/native: the installed @tensorflow/tfjs-backend-wasm lacks ${glue}; reinstall @tensorflow/tfjs-backend-wasm@4.22.0.`,
    );
  }
  const factory = require(glue) as (config: Record<string, unknown>) => Promise<EmscriptenModule>;
  const module = await factory({ locateFile: () => binary });
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  return module;
}
