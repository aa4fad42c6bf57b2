import { tfjsWasm } from '@estimatorjs/backends/vite';
import { defineConfig } from 'vite';
import { mnistDigits } from './mnist-digits-plugin.js';
import { noNodeBuiltins } from './no-node-builtins-plugin.js';

export default defineConfig({
  // tfjsWasm(): serves and copies tfjs's .wasm files, tells useBackend('wasm') where they are, keeps the threaded
  // binary working when minified, and makes `vite` / `vite preview` cross-origin isolated (COOP/COEP) for threads.
  plugins: [noNodeBuiltins(), mnistDigits(), tfjsWasm()],
  build: { target: 'es2022', sourcemap: false, chunkSizeWarningLimit: 2048 },
});
