import { defineConfig } from 'vitest/config';

// The wasm kernels and the conformance suite run twice: on the single-threaded binary and on the threaded one
// with 2 threads (results must agree whatever the thread count). Test files read the count with
// `wasmTestThreads()` (src/kernels/kernel-parity.test-util.ts); each file is its own process, so the first
// `useBackend('wasm', { threads })` in it decides.
const twice = ['src/kernels/**/*.test.ts', 'src/conformance/**/*.test.ts'];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60_000,
    projects: [
      { extends: true, test: { name: 'wasm 1 thread', provide: { wasmThreads: 1 } } },
      { extends: true, test: { name: 'wasm 2 threads', include: twice, provide: { wasmThreads: 2 } } },
    ],
  },
});
