import { defineConfig } from 'vitest/config';

// One file at a time: the Chromium suite, the kill -9 loop and the soak test each want both cores, and timing-
// sensitive ones (kills inside checkpoint writes) flaked when they shared them.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000, fileParallelism: false } });
