/**
 * An ONNX export run by onnxruntime-web in headless Chromium: the MNIST model_fn trained 2 steps in Node, exported
 * with formats ['onnx'], served beside a bare page that imports onnxruntime-web (its wasm execution provider, one
 * thread) and runs model.onnx on 100 inputs; the page's probabilities are compared with estimator.predict in Node.
 */
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describeWithTool } from '@estimatorjs/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainedMnistExport } from './mnist-export.js';
import { browserTools, launchChromium, type PreviewServer, previewPage } from './page-server.js';

const N = 100;
// onnxruntime-web's wasm build: the ES module, its emscripten glue and the binary it fetches (no network: all local).
const ORT_DIST = dirname(fileURLToPath(import.meta.resolve('onnxruntime-web')));
const ORT_FILES = ['ort.wasm.min.mjs', 'ort-wasm-simd-threaded.mjs', 'ort-wasm-simd-threaded.wasm'];

const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>onnxruntime-web probe</title>
<script type="module">
  import * as ort from './ort.wasm.min.mjs';
  ort.env.wasm.numThreads = 1;
  ort.env.wasm.wasmPaths = new URL('./', location.href).href;
  try {
    const model = new Uint8Array(await (await fetch('model.onnx')).arrayBuffer());
    const probe = new Float32Array(await (await fetch('probe.bin')).arrayBuffer());
    const session = await ort.InferenceSession.create(model, { executionProviders: ['wasm'] });
    const out = await session.run({ image: new ort.Tensor('float32', probe, [probe.length / 784, 784]) });
    window.onnxResult = { probabilities: Array.from(out.probabilities.data), dims: out.probabilities.dims };
  } catch (e) {
    window.onnxResult = { error: String(e) };
  }
</script>`;

describeWithTool({ describe, it }, browserTools(), 'an ONNX export in Chromium (onnxruntime-web, wasm)', () => {
  let work: string;
  let server: PreviewServer;
  let browser: Browser;
  let expected: Float32Array;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'onnx-browser-'));
    const { dir, probe, expected: reference } = await trainedMnistExport(work, ['onnx'], N);
    expected = reference;

    const site = join(work, 'site');
    mkdirSync(site);
    for (const f of ORT_FILES) copyFileSync(join(ORT_DIST, f), join(site, f));
    copyFileSync(join(dir, 'model.onnx'), join(site, 'model.onnx'));
    writeFileSync(join(site, 'probe.bin'), new Uint8Array(probe.buffer));
    writeFileSync(join(site, 'index.html'), PAGE);
    server = await previewPage(site);
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it(`reproduces estimator.predict on ${N} inputs within 1e-5`, async () => {
    const page = await browser.newPage();
    try {
      await page.goto(server.url);
      await page.waitForFunction(() => (window as { onnxResult?: unknown }).onnxResult !== undefined, null, {
        timeout: 60_000,
      });
      const result = (await page.evaluate(() => (window as { onnxResult?: unknown }).onnxResult)) as {
        probabilities?: number[];
        dims?: number[];
        error?: string;
      };
      expect(result.error).toBeUndefined();
      expect(result.dims).toEqual([N, 10]);
      let maxDiff = 0;
      for (let i = 0; i < expected.length; i++)
        maxDiff = Math.max(maxDiff, Math.abs(result.probabilities![i]! - expected[i]!));
      expect(result.probabilities!.length).toBe(expected.length);
      expect(maxDiff).toBeLessThanOrEqual(1e-5);
    } finally {
      await page.close();
    }
  });
});
