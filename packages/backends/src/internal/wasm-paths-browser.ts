import { WASM_PATHS_GLOBAL } from './wasm-files.js';

/**
 * Bundler/browser variant of `#wasm-paths`: the URL prefix the `tfjsWasm()` Vite plugin
 * (`@estimatorjs/backends/vite`) put in the page, else none (tfjs-backend-wasm then looks for the binaries next to
 * the page, which a bundled app does not serve; pass `wasmPaths` then, see docs/backends.md).
 */
export function defaultWasmPaths(): string | Record<string, string> | undefined {
  const paths = (globalThis as Record<string, unknown>)[WASM_PATHS_GLOBAL];
  return typeof paths === 'string' && paths !== '' ? paths : undefined;
}
