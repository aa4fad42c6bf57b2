/**
 * An export loaded in headless Chromium: the MNIST model_fn trained 2 steps in Node, exported as a tfjs GraphModel,
 * served beside the mnist-browser page and loaded by its "exported model" path (`?model=…&probe=…`) with
 * tfjs-converter's loadGraphModel on wasm and webgl; the page's probabilities for 100 inputs are compared with
 * estimator.predict in Node.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithTool } from '@estimatorjs/testing';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainedMnistExport } from './mnist-export.js';
import { browserTools, buildPage, launchChromium, type PreviewServer, previewPage } from './page-server.js';

const N = 100;
/** The bound on both (measured 7.5e-8 on wasm and on WebGL over SwiftShader). */
const TOLERANCE = { wasm: 1e-5, webgl: 1e-5 } as const;

describeWithTool(
  { describe, it },
  browserTools(),
  'an exported GraphModel in Chromium (mnist-browser "load an exported model")',
  () => {
    let work: string;
    let outDir: string;
    let server: PreviewServer;
    let browser: Browser;
    let expected: Float32Array;

    beforeAll(async () => {
      work = mkdtempSync(join(tmpdir(), 'graph-model-browser-'));
      const { dir, probe, expected: reference } = await trainedMnistExport(work, ['graph_model'], N);
      expected = reference;

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
  },
);
