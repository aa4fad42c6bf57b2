/**
 * `@estimatorjs/backends/vite` as a newcomer uses it: the packages packed as `pnpm publish` would, installed with
 * plain npm into a scratch Vite app outside the workspace whose whole config is `plugins: [tfjsWasm()]`; `vite build`
 * + `vite preview`, then headless Chromium trains 5 steps on wasm with threads (no `wasmPaths` in the page) and the
 * weights are gradient descent's, computed here by hand. The dev server serves the binaries and the COOP/COEP
 * headers too, and a page whose `wasmPaths` points nowhere gets the one-line WASM_NOT_FOUND error naming the URL.
 *
 * Network: npm fetches tfjs and Vite from the registry, `--prefer-offline` (as the pack-install test does); the
 * @estimatorjs packages are local tarballs.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumTool, describeWithTool, launchChromium } from '@estimatorjs/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { packPublicPackages, TFJS } from '../pack-install/pack-packages.js';
import { startVite } from './page-server.js';

const VITE = '8.3.8';
const WASM_FILES = ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'];

/** Gradient descent on mean((w·x + b − y)²) from w = b = 0, in float64: [w, b] after `steps` steps. */
function gradientDescent(x: number[], y: number[], learningRate: number, steps: number): [number, number] {
  let [w, b] = [0, 0];
  for (let s = 0; s < steps; s++) {
    const r = x.map((xi, i) => w * xi + b - y[i]!);
    const gw = (2 / x.length) * r.reduce((a, ri, i) => a + ri * x[i]!, 0);
    const gb = (2 / x.length) * r.reduce((a, ri) => a + ri, 0);
    [w, b] = [w - learningRate * gw, b - learningRate * gb];
  }
  return [w, b];
}

const MAIN_JS = `import { useBackend } from '@estimatorjs/backends';
import { Dataset } from '@estimatorjs/data';
import { Estimator, GradientDescentOptimizer, getVariable, initializers, losses, RunConfig } from '@estimatorjs/estimator';
import * as tf from '@tensorflow/tfjs-core';

async function main() {
  const wasmPaths = new URLSearchParams(location.search).get('wasmPaths');
  const info = await useBackend('wasm', { threads: 2, ...(wasmPaths ? { wasmPaths } : {}) });
  const modelFn = (features, labels, mode) => {
    const w = getVariable('w', { shape: [], initializer: initializers.zeros() });
    const b = getVariable('b', { shape: [], initializer: initializers.zeros() });
    const predictions = tf.add(tf.mul(features, w), b);
    if (mode === 'infer') return { mode, predictions };
    const loss = losses.meanSquaredError({ labels, predictions });
    return { mode, loss, trainOp: new GradientDescentOptimizer({ learningRate: 0.05 }).minimize(loss) };
  };
  const estimator = new Estimator({ modelFn, log: (line) => console.log(line) });
  const inputFn = () =>
    Dataset.fromTensorSlices([new Float32Array([1, 2, 3, 4]), new Float32Array([3, 5, 7, 9])]).batch(4).repeat();
  await estimator.train(inputFn, { steps: 5 });
  const value = async (name) => (await (await estimator.getVariableValue(name)).data())[0];
  return {
    backend: info.name,
    threads: info.threads,
    isolated: globalThis.crossOriginIsolated === true,
    globalStep: estimator.globalStep,
    w: await value('w'),
    b: await value('b'),
  };
}

main().then(
  (result) => (globalThis.result = result),
  (e) => (globalThis.result = { error: \`\${e.code}: \${e.message}\` }),
);
`;

describeWithTool({ describe, it }, chromiumTool(), '@estimatorjs/backends/vite in a scratch Vite app', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'estimatorjs-vite-'));
  let browser: Browser | undefined;
  afterAll(async () => {
    await browser?.close();
    rmSync(scratch, { recursive: true, force: true });
  });

  beforeAll(() => {
    // The packed packages the page imports, and a hand-written app whose only config is the plugin.
    const packed = packPublicPackages(join(scratch, 'tarballs'), {
      only: ['@estimatorjs/backends', '@estimatorjs/data', '@estimatorjs/estimator'],
    });
    expect(packed.problems).toEqual([]);
    const dependencies: Record<string, string> = {};
    for (const [name, file] of Object.entries(packed.tarballs)) dependencies[name] = `file:${file}`;
    dependencies['@tensorflow/tfjs-core'] = TFJS;
    dependencies['@tensorflow/tfjs-backend-wasm'] = TFJS;
    const app = { name: 'scratch-vite', private: true, type: 'module', dependencies, devDependencies: { vite: VITE } };
    writeFileSync(join(scratch, 'package.json'), JSON.stringify(app, null, 2));
    writeFileSync(
      join(scratch, 'vite.config.js'),
      "import { tfjsWasm } from '@estimatorjs/backends/vite';\nexport default { plugins: [tfjsWasm()] };\n",
    );
    writeFileSync(
      join(scratch, 'index.html'),
      '<!doctype html>\n<html><head><title>scratch</title></head><body><script type="module" src="/main.js"></script></body></html>\n',
    );
    writeFileSync(join(scratch, 'main.js'), MAIN_JS);
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
      cwd: scratch,
      stdio: 'pipe',
    });
  }, 600_000);

  it('the dev server serves the .wasm files, the wasmPaths script and the COOP/COEP headers', async () => {
    const dev = await startVite(scratch, []);
    try {
      const page = await fetch(dev.url);
      expect(page.headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(page.headers.get('cross-origin-embedder-policy')).toBe('require-corp');
      expect(await page.text()).toContain(
        'globalThis.__ESTIMATORJS_WASM_PATHS__=new URL("/tfjs-wasm/",document.baseURI)',
      );
      const installed = join(scratch, 'node_modules/@tensorflow/tfjs-backend-wasm/dist');
      for (const name of WASM_FILES) {
        const r = await fetch(`${dev.url}tfjs-wasm/${name}`);
        expect(r.headers.get('content-type')).toBe('application/wasm');
        expect(Buffer.from(await r.arrayBuffer()).equals(readFileSync(join(installed, name))), name).toBe(true);
      }
    } finally {
      await dev.stop();
    }
  }, 120_000);

  it('vite build + preview: Chromium trains 5 steps on wasm with threads, no wasmPaths in the page', async () => {
    execFileSync(process.execPath, [join(scratch, 'node_modules/vite/bin/vite.js'), 'build', '--logLevel', 'warn'], {
      cwd: scratch,
      stdio: 'pipe',
      env: { ...process.env, NO_COLOR: '1' },
    });
    for (const name of WASM_FILES) expect(existsSync(join(scratch, 'dist/tfjs-wasm', name)), name).toBe(true);
    const preview = await startVite(scratch, ['preview']);
    try {
      const headers = (await fetch(preview.url)).headers;
      expect(headers.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(headers.get('cross-origin-embedder-policy')).toBe('require-corp');

      browser = await launchChromium();
      const context = await browser.newContext();
      // tfjs sizes its pthread pool at half of navigator.hardwareConcurrency: as on a 4-core machine, 2 threads.
      await context.addInitScript(() =>
        Object.defineProperty(Navigator.prototype, 'hardwareConcurrency', { get: () => 4 }),
      );
      const page = await context.newPage();
      const logs: string[] = [];
      page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`));
      page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`));
      const requested: string[] = [];
      page.on('request', (r) => requested.push(r.url()));
      type Result = { error?: string; backend: string; threads: number; isolated: boolean } & Record<string, number>;
      const result = async (): Promise<Result> => {
        await page.waitForFunction(() => (globalThis as { result?: unknown }).result !== undefined, undefined, {
          timeout: 240_000,
          polling: 100,
        });
        return page.evaluate(() => (globalThis as unknown as { result: Result }).result);
      };

      await page.goto(preview.url);
      const r = await result();
      expect(r.error, logs.join('\n')).toBeUndefined();
      expect(r.backend).toBe('wasm');
      expect(r.isolated).toBe(true);
      expect(r.threads).toBe(2);
      expect(requested).toContain(`${preview.url}tfjs-wasm/tfjs-backend-wasm-threaded-simd.wasm`);
      expect(r.globalStep).toBe(5);
      const [w, b] = gradientDescent([1, 2, 3, 4], [3, 5, 7, 9], 0.05, 5);
      expect(r.w).toBeCloseTo(w, 5);
      expect(r.b).toBeCloseTo(b, 5);

      // A page that points wasmPaths where nothing is served gets one line naming the URL and the plugin (vite
      // preview answers the missing path with index.html, which tfjs alone reports as a bad "magic word").
      const broken = await context.newPage();
      await broken.goto(`${preview.url}?wasmPaths=/nowhere/`);
      await broken.waitForFunction(() => (globalThis as { result?: unknown }).result !== undefined, undefined, {
        timeout: 120_000,
      });
      const failed = await broken.evaluate(() => (globalThis as unknown as { result: Result }).result);
      expect(failed.error).toMatch(
        new RegExp(
          `^WASM_NOT_FOUND: useBackend\\('wasm'\\): could not load tfjs-backend-wasm[-a-z]*\\.wasm from ${preview.url}nowhere/tfjs-backend-wasm[-a-z]*\\.wasm: the server sent text/html .* add tfjsWasm\\(\\) from '@estimatorjs/backends/vite'`,
        ),
      );
    } finally {
      await preview.stop();
    }
  }, 600_000);
});
