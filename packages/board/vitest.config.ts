import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { include: ['src/**/*.test.ts', 'page/src/**/*.test.ts'], testTimeout: 60_000, hookTimeout: 120_000 },
});
