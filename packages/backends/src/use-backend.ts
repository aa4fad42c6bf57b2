import * as tf from '@tensorflow/tfjs-core';
import { defaultWasmPaths } from '#wasm-paths';
import { BackendError } from './backend-error.js';
import type { BackendName } from './backend-name.js';
import type { BackendInfo, BackendOptions } from './backend-provider.js';
import { checkOptionKeys, KNOWN_OPTIONS } from './internal/known-options.js';
import { skipNodeBackendAdvice } from './internal/skip-node-backend-advice.js';
import { wasmFetchProblem } from './internal/wasm-fetch-check.js';
import { internalProvider } from './providers.js';
import { registerGradients } from './register-gradients.js';

/**
 * Picks the tfjs backend for this process, at startup: loads its package (an optional peer dependency), registers
 * gradients once, prepares it (wasm: `.wasm` paths, threads, the training kernels tfjs-backend-wasm lacks),
 * then `tf.setBackend(name)` + `tf.ready()`. Fails with one-line {@link BackendError}s: `UNKNOWN_BACKEND`,
 * `BACKEND_NOT_INSTALLED` (says what to install), `BACKEND_UNAVAILABLE` (says why), `BACKEND_INIT_FAILED`,
 * `INVALID_OPTIONS`, and in Node `GRADIENTS_NOT_INSTALLED` (the optional peer `@tensorflow/tfjs-layers` is missing).
 * `name` completes to the {@link BackendName}s in an editor and still takes any string (a `--backend` flag), which
 * is checked at run time.
 *
 * @example
 * ```ts
 * import { useBackend } from '@estimatorjs/backends';
 * const info = await useBackend(process.argv[2] ?? 'wasm');
 * console.log(`training on ${info.name}`);
 * ```
 */
export async function useBackend(
  name: BackendName | (string & {}),
  options: BackendOptions = {},
): Promise<BackendInfo> {
  checkOptionKeys(`useBackend('${name}')`, options, KNOWN_OPTIONS.backend);
  const provider = internalProvider(name, `useBackend('${name}')`);
  await provider.create(options);
  await registerGradients();
  let ok: boolean;
  try {
    ok = await tf.setBackend(provider.name);
    if (ok) await tf.ready();
  } catch (error) {
    await throwIfWasmNotServed(provider.name, options);
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new BackendError('BACKEND_INIT_FAILED', `useBackend('${name}'): tfjs could not initialise it: ${why}`, {
      cause: error,
    });
  }
  if (!ok) {
    await throwIfWasmNotServed(provider.name, options);
    throw new BackendError(
      'BACKEND_INIT_FAILED',
      `useBackend('${name}'): tf.setBackend('${provider.name}') returned false (its initialisation failed; tfjs logged the cause above).`,
    );
  }
  if (provider.name === 'cpu') skipNodeBackendAdvice(tf.backend());
  const runtime = await provider.runtimeInfo();
  return {
    name: provider.name,
    packageName: provider.packageName,
    supports: provider.supports,
    simd: runtime.simd,
    threads: runtime.threads,
  };
}

/**
 * A page whose bundler does not serve tfjs's `.wasm` files fails deep inside tfjs ("expected magic word 00 61 73 6d");
 * say instead which URL failed and how to serve it. Nothing in Node (files, no page URL) or for other backends.
 */
async function throwIfWasmNotServed(name: string, options: BackendOptions): Promise<void> {
  if (name !== 'wasm') return;
  const g = globalThis as { document?: { baseURI?: string }; location?: { href?: string } };
  const problem = await wasmFetchProblem(
    options.wasmPaths ?? defaultWasmPaths(),
    g.document?.baseURI ?? g.location?.href,
  );
  if (problem !== null) throw problem;
}
