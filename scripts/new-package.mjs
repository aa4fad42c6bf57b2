// One-off scaffold for a workspace package's package.json + tsconfigs (kept for future packages).
import { mkdirSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { copyLicense, withMetadata } from './package-metadata.mjs';

const [dir, name, description, ...flags] = process.argv.slice(2);
const isPrivate = flags.includes('--private');
mkdirSync(`${dir}/src`, { recursive: true });
const pkg = {
  name,
  version: '0.1.0',
  description,
  ...(isPrivate ? { private: true } : {}),
  license: 'Apache-2.0',
  type: 'module',
  sideEffects: false,
  exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } },
  main: './dist/index.js',
  types: './dist/index.d.ts',
  files: ['dist', 'src', '!src/**/*.test.ts'],
  scripts: {
    build: 'tsc -p tsconfig.build.json',
    typecheck: 'tsc -p tsconfig.json --noEmit',
    test: 'vitest run --reporter=default --reporter=json --outputFile.json=.test-report.json',
  },
  peerDependencies: { '@tensorflow/tfjs-core': '^4.22.0' },
  devDependencies: { '@tensorflow/tfjs-core': '4.22.0', '@tensorflow/tfjs-backend-cpu': '4.22.0' },
};
// Public packages get what npm users need (repository, engines, LICENSE, …: package-metadata.mjs).
const out = isPrivate ? pkg : withMetadata(basename(dir), pkg);
writeFileSync(`${dir}/package.json`, `${JSON.stringify(out, null, 2)}\n`);
if (!isPrivate) copyLicense(dir);
writeFileSync(
  `${dir}/tsconfig.json`,
  `${JSON.stringify({ extends: '../../tsconfig.base.json', compilerOptions: { rootDir: 'src', outDir: 'dist' }, include: ['src'] }, null, 2)}\n`,
);
writeFileSync(
  `${dir}/tsconfig.build.json`,
  `${JSON.stringify({ extends: './tsconfig.json', exclude: ['src/**/*.test.ts', 'src/**/*.test-d.ts', 'src/**/*.test-util.ts'] }, null, 2)}\n`,
);
