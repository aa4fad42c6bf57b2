import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/** The board's page: built into dist/page, which the server serves (relative URLs, so any mount path works). */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: './',
  build: {
    outDir: fileURLToPath(new URL('../dist/page', import.meta.url)),
    emptyOutDir: true,
    target: 'es2022',
    sourcemap: false,
  },
});
