import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: { alias: { '#export-fs': fileURLToPath(new URL('./src/platform/node.ts', import.meta.url)) } },
  test: { testTimeout: 120_000, hookTimeout: 120_000 },
});
