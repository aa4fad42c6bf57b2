/**
 * Vite config of the conformance page. Cross-origin isolated (COOP/COEP), so tfjs-backend-wasm may load its
 * threaded binary, and built with the browser example's tfjs-wasm-threads plugin, which keeps that binary's
 * pthread workers alive under minification (see docs/backends.md).
 */
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
// biome-ignore lint/suspicious/noTsIgnore: TS6059 is a program-level error that @ts-expect-error does not see.
// @ts-ignore -- TS6059: the plugin lives in examples/mnist-browser, outside this package's rootDir (still typed).
import { tfjsWasmThreads } from '../../../../../../examples/mnist-browser/tfjs-wasm-threads-plugin.js';

const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  plugins: [tfjsWasmThreads()],
  preview: { headers: isolation },
  build: { target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 4096, emptyOutDir: true },
});
