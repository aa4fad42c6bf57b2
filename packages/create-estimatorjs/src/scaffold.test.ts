import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scaffold } from './scaffold.js';

// What `npm create` runs end to end (install from the packed tarballs, `npm start` training) is tested in
// @estimatorjs/integration-tests (create-estimatorjs.test.ts); here: what scaffold() writes and refuses.
const scratch = mkdtempSync(join(tmpdir(), 'create-estimatorjs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const own = JSON.parse(readFileSync(resolve(__dirname, '..', 'package.json'), 'utf8'));

describe('scaffold', () => {
  it('writes the node template with the project name and this release’s versions filled in', () => {
    const dir = join(scratch, 'my-app');
    const files = scaffold({ dir });
    expect(files.sort()).toEqual(['.gitignore', 'README.md', 'package.json', 'train.mjs']);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.name).toBe('my-app');
    expect(pkg.scripts.start).toBe('node train.mjs');
    expect(pkg.dependencies['@estimatorjs/estimator']).toBe(`^${own.version}`);
    expect(pkg.dependencies['@tensorflow/tfjs-core']).toBe(own.estimatorjs.tfjsVersion);
    // every placeholder was filled
    for (const f of files) expect(readFileSync(join(dir, f), 'utf8')).not.toMatch(/\{\{\w+\}\}/);
    // the versions are those of the packages it depends on (one fixed release group)
    const repoPackages = resolve(__dirname, '..', '..');
    for (const dep of Object.keys(pkg.dependencies).filter((d) => d.startsWith('@estimatorjs/'))) {
      const theirs = JSON.parse(
        readFileSync(join(repoPackages, dep.slice('@estimatorjs/'.length), 'package.json'), 'utf8'),
      );
      expect(theirs.version, dep).toBe(own.version);
      expect(theirs.private, dep).not.toBe(true);
    }
  });

  it('writes the vite template: a page, its config with the wasm plugin, and Vite pinned', () => {
    const dir = join(scratch, 'web-app');
    const files = scaffold({ dir, template: 'vite' });
    expect(files.sort()).toEqual([
      '.gitignore',
      'README.md',
      'index.html',
      'package.json',
      'src/main.ts',
      'vite.config.ts',
    ]);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    expect(pkg.scripts).toEqual({ start: 'vite', build: 'vite build', preview: 'vite preview' });
    expect(pkg.devDependencies.vite).toBe(own.estimatorjs.viteVersion);
    expect(readFileSync(join(dir, 'vite.config.ts'), 'utf8')).toContain('plugins: [tfjsWasm()]');
    expect(readFileSync(join(dir, 'src/main.ts'), 'utf8')).toContain("modelDir: 'web-app-model'");
    for (const f of files) expect(readFileSync(join(dir, f), 'utf8')).not.toMatch(/\{\{\w+\}\}/);
  });

  it('takes an explicit name and an existing empty directory', () => {
    const dir = join(scratch, 'Empty Dir');
    mkdirSync(dir);
    scaffold({ dir, name: '@me/trainer' });
    expect(JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name).toBe('@me/trainer');
  });

  it('refuses a non-empty directory, an invalid npm name and an unknown template, each in one line', () => {
    const full = join(scratch, 'full');
    mkdirSync(full);
    writeFileSync(join(full, 'keep.txt'), 'mine');
    expect(() => scaffold({ dir: full })).toThrow(/^scaffold\(\): .*full already exists and is not an empty directory/);
    expect(readFileSync(join(full, 'keep.txt'), 'utf8')).toBe('mine');
    expect(() => scaffold({ dir: join(scratch, 'My App') })).toThrow(
      /scaffold\(\): "My App" is not a valid npm package name/,
    );
    // @ts-expect-error: not a template
    expect(() => scaffold({ dir: join(scratch, 'x'), template: 'vue' })).toThrow(
      /template "vue" does not exist; expected one of node, vite/,
    );
  });

  it('the command prints the next steps, and one line with exit code 2 on bad input', () => {
    const cli = resolve(__dirname, '..', 'dist', 'cli.js');
    const ok = execFileSync('node', [cli, join(scratch, 'cli-app')], { encoding: 'utf8', cwd: scratch });
    expect(ok).toContain('npm install');
    expect(ok).toContain('npm start');
    const bad = spawnSync('node', [cli, join(scratch, 'cli-app2'), '--templat', 'node'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr.split('\n')[0]).toBe('unknown option --templat');
    const none = spawnSync('node', [cli], { encoding: 'utf8' });
    expect(none.status).toBe(2);
    expect(none.stdout).toMatch(/^usage: npm create estimatorjs@latest <directory>/);
  });
});
