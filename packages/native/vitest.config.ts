import { defineConfig } from 'vitest/config';

// A generous guard against a hang, never a speed check: shared CI machines can be many times slower than a laptop.
export default defineConfig({ test: { testTimeout: 60_000, hookTimeout: 60_000 } });
