import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

// Packs @estimatorjs/data as it would be published and installs it into a scratch project outside the
// workspace with plain npm, proving a package installs and imports on its own.
const repo = resolve(__dirname, '..', '..', '..');
const scratch = mkdtempSync(join(tmpdir(), 'estimatorjs-pack-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('packaging', () => {
  it('@estimatorjs/data packs, installs with npm outside the workspace and runs under plain Node', () => {
    // @estimatorjs/data depends on @estimatorjs/errors and @estimatorjs/io: pack all three, as the registry would serve them.
    for (const pkg of ['@estimatorjs/errors', '@estimatorjs/io', '@estimatorjs/data']) {
      execFileSync('pnpm', ['--filter', pkg, 'pack', '--pack-destination', scratch], { cwd: repo, stdio: 'pipe' });
    }
    const tarballs = readdirSync(scratch).filter((f) => f.endsWith('.tgz'));
    const tarball = tarballs.find((f) => f.startsWith('estimatorjs-data-'));
    const errorsTarball = tarballs.find((f) => f.startsWith('estimatorjs-errors-'));
    const ioTarball = tarballs.find((f) => f.startsWith('estimatorjs-io-'));
    expect(tarball).toMatch(/^estimatorjs-data-\d+\.\d+\.\d+\.tgz$/);
    expect(errorsTarball).toMatch(/^estimatorjs-errors-\d+\.\d+\.\d+\.tgz$/);
    expect(ioTarball).toMatch(/^estimatorjs-io-\d+\.\d+\.\d+\.tgz$/);
    writeFileSync(join(scratch, 'package.json'), JSON.stringify({ name: 'scratch', private: true, type: 'module' }));
    execFileSync(
      'npm',
      [
        'install',
        '--no-audit',
        '--no-fund',
        '--prefer-offline',
        '--loglevel=error',
        `./${errorsTarball}`,
        `./${ioTarball}`,
        `./${tarball}`,
        '@tensorflow/tfjs-core@4.22.0',
        '@tensorflow/tfjs-backend-cpu@4.22.0',
      ],
      { cwd: scratch, stdio: 'pipe' },
    );
    writeFileSync(
      join(scratch, 'main.mjs'),
      [
        "import * as tf from '@tensorflow/tfjs-core';",
        "import '@tensorflow/tfjs-backend-cpu';",
        "import { Dataset } from '@estimatorjs/data';",
        "await tf.setBackend('cpu');",
        'const out = [];',
        'for await (const b of Dataset.fromTensorSlices([1, 2, 3, 4, 5]).batch(2)) { out.push(Array.from(await b.data())); b.dispose(); }',
        'console.log(JSON.stringify(out));',
      ].join('\n'),
    );
    const stdout = execFileSync('node', ['main.mjs'], {
      cwd: scratch,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    expect(stdout.trim().split('\n').at(-1)).toBe('[[1,2],[3,4],[5]]');
  });
});
