import { defineConfig } from 'vite';
import { mnistDigits } from './mnist-digits-plugin.js';
import { noNodeBuiltins } from './no-node-builtins-plugin.js';
import { tfjsWasmThreads } from './tfjs-wasm-threads-plugin.js';

/** Cross-origin isolation, so the page may use SharedArrayBuffer (multithreaded wasm). */
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

export default defineConfig({
  plugins: [noNodeBuiltins(), mnistDigits(), tfjsWasmThreads()],
  server: { headers: isolation },
  preview: { headers: isolation },
  build: { target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 2048 },
});
