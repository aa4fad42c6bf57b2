/**
 * An export loaded in headless Chromium: the MNIST model_fn trained 2 steps in Node, exported as a tfjs GraphModel,
 * served beside the mnist-browser page and loaded by its "exported model" path (`?model=…&probe=…`) with
 * tfjs-converter's loadGraphModel on wasm and webgl; the page's probabilities for 100 inputs are compared with
 * estimator.predict in Node.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Estimator, RunConfig } from '@estimatorjs/estimator';
import { exportSavedModel, placeholder } from '@estimatorjs/export';
import { setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { mnistModelFn } from 'mnist-example';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPage, launchChromium, type PreviewServer, previewPage, skipReason } from './page-server.js';

const why = skipReason();
if (why) console.warn(`exported GraphModel browser suite skipped: ${why}`);

const N = 100;
/** The bound on both (measured 7.5e-8 on wasm and on WebGL over SwiftShader). */
const TOLERANCE = { wasm: 1e-5, webgl: 1e-5 } as const;

function pixels(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n * 784 }, () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  });
}

describe.skipIf(why !== null)('an exported GraphModel in Chromium (mnist-browser "load an exported model")', () => {
  let work: string;
  let outDir: string;
  let server: PreviewServer;
  let browser: Browser;
  let expected: Float32Array;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'graph-model-browser-'));
    await setupTestBackend('cpu');
    const params = { learning_rate: 0.002, dropout_rate: 0.5 };
    const estimator = new Estimator({
      modelFn: mnistModelFn,
      config: new RunConfig({ modelDir: join(work, 'model'), randomSeed: 1 }),
      params,
      log: () => {},
    });
    const train = pixels(16, 5);
    await estimator.train(
      async function* () {
        for (let i = 0; i < 2; i++) {
          yield [
            tf.tensor4d(train.subarray(i * 8 * 784, (i + 1) * 8 * 784), [8, 28, 28, 1]),
            tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7], 'int32'),
          ] as const;
        }
      },
      { steps: 2 },
    );
    const dir = await exportSavedModel(estimator, join(work, 'export'), () => {
      const image = placeholder({ dtype: 'float32', shape: [null, 784] });
      return { features: image, receiverTensors: { image } };
    });
    const probe = pixels(N, 9);
    const got: number[] = [];
    for await (const p of estimator.predict(async function* () {
      yield tf.tensor2d(probe, [N, 784]);
    })) {
      got.push(...(p as { probabilities: Float32Array }).probabilities);
    }
    expected = Float32Array.from(got);
    estimator.dispose();

    outDir = join(work, 'page');
    buildPage(outDir);
    cpSync(join(dir, 'graph_model'), join(outDir, 'exported'), { recursive: true });
    writeFileSync(join(outDir, 'exported', 'probe.bin'), new Uint8Array(probe.buffer));
    server = await previewPage(outDir);
    browser = await launchChromium();
  }, 300_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  for (const backend of ['wasm', 'webgl'] as const) {
    it(`${backend}: loadGraphModel reproduces estimator.predict on ${N} inputs`, async () => {
      const context = await browser.newContext();
      const page = await context.newPage();
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      try {
        await page.goto(`${server.url}?backend=${backend}&model=./exported/model.json&probe=./exported/probe.bin`);
        await page.waitForFunction(
          () => {
            const s = (globalThis as unknown as { mnistPage?: { probe: unknown; state: string } }).mnistPage;
            return s !== undefined && (s.probe !== null || s.state === 'error');
          },
          undefined,
          { timeout: 120_000, polling: 100 },
        );
        const s = await page.evaluate(
          () =>
            (globalThis as unknown as { mnistPage: { probe: number[]; backend: string; error: string | null } })
              .mnistPage,
        );
        expect(s.error, errors.join('\n')).toBeNull();
        expect(s.backend).toBe(backend);
        expect(s.probe).toHaveLength(N * 10);
        let maxDiff = 0;
        for (let i = 0; i < expected.length; i++) maxDiff = Math.max(maxDiff, Math.abs(s.probe[i]! - expected[i]!));
        console.log(
          `${backend}: max |GraphModel in Chromium − estimator.predict in Node| = ${maxDiff.toExponential(2)}`,
        );
        expect(maxDiff).toBeLessThanOrEqual(TOLERANCE[backend]);
      } finally {
        await context.close();
      }
    }, 180_000);
  }
});
