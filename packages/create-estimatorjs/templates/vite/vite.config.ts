import { tfjsWasm } from '@estimatorjs/backends/vite';
import { defineConfig } from 'vite';

// tfjsWasm(): serves and copies tfjs's .wasm files, tells useBackend('wasm') where they are, and makes `vite` and
// `vite preview` cross-origin isolated (COOP/COEP) so wasm can use threads. Send the same two headers from your
// production server for threads there.
export default defineConfig({ plugins: [tfjsWasm()], build: { target: 'es2022' } });
