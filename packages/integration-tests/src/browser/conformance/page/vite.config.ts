/**
 * Vite config of the conformance page. `tfjsWasm()` (@estimatorjs/backends/vite) makes `vite preview` cross-origin
 * isolated (COOP/COEP), so tfjs-backend-wasm may load its threaded binary, and keeps that binary's pthread workers
 * alive under minification (see docs/backends.md).
 */
import { fileURLToPath } from 'node:url';
import { tfjsWasm } from '@estimatorjs/backends/vite';
import { defineConfig } from 'vite';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  logLevel: 'warn',
  plugins: [tfjsWasm()],
  build: { target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 4096, emptyOutDir: true },
});
