/**
 * `npm create estimatorjs my-app -- --template vite` as a newcomer runs it: the starter and the packages it depends
 * on come from their packed tarballs (as if published), npm installs the project, `vite build` + `vite preview`
 * serve it, and headless Chromium opens the page, which trains 300 steps on wasm, evaluates and predicts. The
 * page's log must show an accuracy a majority-class guess cannot reach (0.61 on these 400 points).
 *
 * Network: npm fetches tfjs and Vite from the registry, `--prefer-offline` (as the pack-install test does).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumTool, describeWithTool, launchChromium } from '@estimatorjs/testing';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { packPublicPackages } from '../pack-install/pack-packages.js';
import { startVite } from './page-server.js';

describeWithTool({ describe, it }, chromiumTool(), 'npm create estimatorjs -- --template vite', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'estimatorjs-create-vite-'));
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('scaffolds a page that builds with Vite and trains on wasm in Chromium', async () => {
    const packed = packPublicPackages(join(scratch, 'tarballs'));
    expect(packed.problems).toEqual([]);
    const env = { ...process.env, NODE_OPTIONS: '', NO_COLOR: '1' };
    const starter = ['create-estimatorjs', '@estimatorjs/errors'].map((n) => `--package=${packed.tarballs[n]}`);
    execFileSync(
      'npm',
      ['exec', '--yes', '--prefer-offline', ...starter, '--', 'create-estimatorjs', 'web-app', '--template', 'vite'],
      { cwd: scratch, stdio: 'pipe', env },
    );
    const app = join(scratch, 'web-app');
    // As if published: the project's @estimatorjs ranges resolve to this release's tarballs.
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    for (const name of Object.keys(manifest.dependencies)) {
      if (name.startsWith('@estimatorjs/')) manifest.dependencies[name] = `file:${packed.tarballs[name]}`;
    }
    manifest.overrides = Object.fromEntries(Object.entries(packed.tarballs).map(([n, f]) => [n, `file:${f}`]));
    writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
      cwd: app,
      stdio: 'pipe',
      env,
    });
    execFileSync('npm', ['run', 'build', '--', '--logLevel', 'warn'], { cwd: app, stdio: 'pipe', env });
    expect(existsSync(join(app, 'dist/tfjs-wasm/tfjs-backend-wasm-simd.wasm'))).toBe(true);

    const preview = await startVite(app, ['preview']);
    try {
      browser = await launchChromium();
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.goto(preview.url);
      await page.waitForFunction(
        () => /accuracy [\d.]+/.test(document.querySelector('#log')?.textContent ?? ''),
        undefined,
        { timeout: 300_000, polling: 250 },
      );
      const log = (await page.textContent('#log')) ?? '';
      expect(errors).toEqual([]);
      expect(log).toMatch(/^backend wasm/);
      expect(Number(/accuracy ([\d.]+)/.exec(log)?.[1])).toBeGreaterThan(0.85);
      expect(log).toMatch(/global step 300/);
      expect(log).toMatch(/prediction \{"classes":/);
    } finally {
      await preview.stop();
    }
  }, 900_000);
});
