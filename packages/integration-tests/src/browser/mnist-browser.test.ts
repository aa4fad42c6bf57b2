/**
 * End to end: examples/mnist-browser built with Vite, served by `vite preview` (COOP/COEP), driven in Debian's
 * Chromium by playwright-core. On each of cpu, wasm, webgl and webgpu: a few training steps lower the loss, a
 * reload resumes from the saved global step, a drawn digit gets a prediction, and the downloaded event files pass
 * the independent TensorBoard checker. Screenshots go to test-artifacts/.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeWithTool, expectEventFiles } from '@estimatorjs/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  browserTools,
  buildPage,
  bytesOf,
  launchChromium,
  type PreviewServer,
  previewPage,
  REPO,
} from './page-server.js';

const ARTIFACTS = join(REPO, 'test-artifacts');

/**
 * Every backend trains the same seeded run (the page's default seed 1 and learning rate 0.002, batch 16), so cpu,
 * wasm and webgl give the same losses and a failure reproduces. The MNIST CNN's eval loss first rises for a few
 * steps (Adam + dropout from a fresh start) and is clearly below its step-1 value by step 20.
 */
const STEPS = 20;
const BATCH = 16;
const EVAL_EXAMPLES = 64;

interface PageState {
  state: string;
  backend: string | null;
  threads: number;
  crossOriginIsolated: boolean;
  restoredStep: number;
  restoredHistory: { losses: number; accuracies: number };
  globalStep: number;
  losses: [number, number][];
  evals: { step: number; accuracy: number; loss: number }[];
  prediction: { classes: number; probabilities: number[] } | null;
  predictions: number;
  error: string | null;
}

const readState = (page: Page) => page.evaluate(() => (globalThis as unknown as { mnistPage: PageState }).mnistPage);

/** Waits until the page is idle (`ready`), failing with the page's own error message if it shows one. */
async function waitReady(page: Page, timeout: number): Promise<PageState> {
  await page.waitForFunction(
    () => {
      const s = (globalThis as unknown as { mnistPage?: PageState }).mnistPage;
      return s !== undefined && (s.state === 'ready' || s.state === 'error');
    },
    undefined,
    { timeout, polling: 100 },
  );
  const s = await readState(page);
  if (s.state === 'error') throw new Error(`the page reports an error on ${s.backend}: ${s.error}`);
  return s;
}

describeWithTool({ describe, it }, browserTools(), 'mnist-browser in Chromium', () => {
  let outDir: string;
  let server: PreviewServer;
  let browser: Browser;
  const logs: string[] = [];
  let referenceLosses: { backend: string; losses: number[] } | undefined;

  beforeAll(async () => {
    outDir = mkdtempSync(join(tmpdir(), 'mnist-browser-dist-'));
    buildPage(outDir);
    server = await previewPage(outDir);
    browser = await launchChromium();
    mkdirSync(ARTIFACTS, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  it('the production build is under 2 MB of JavaScript (not counting .wasm) and ships the wasm binaries', () => {
    const js = bytesOf(outDir, ['.js', '.mjs']);
    expect(js).toBeGreaterThan(100_000);
    expect(js).toBeLessThan(2 * 1024 * 1024);
    expect(bytesOf(outDir, ['.wasm'])).toBeGreaterThan(0);
    console.log(`mnist-browser build: ${(js / 1024).toFixed(0)} KiB of JavaScript`);
  });

  for (const backend of ['cpu', 'wasm', 'webgl', 'webgpu'] as const) {
    it(`${backend}: trains, resumes after a reload, predicts a drawn digit, exports valid event files`, async () => {
      const plan = { steps: STEPS, batch: BATCH, evalExamples: EVAL_EXAMPLES };
      const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1100, height: 1400 } });
      const page = await context.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') logs.push(`[${backend}] ${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => logs.push(`[${backend}] pageerror: ${e.message}`));
      const requested: string[] = [];
      page.on('request', (r) => requested.push(r.url()));
      const lap = (what: string) => console.log(`${backend}: ${what}`);
      try {
        await page.goto(`${server.url}?backend=${backend}`);
        let s = await waitReady(page, 60_000);
        expect(s.backend).toBe(backend);
        expect(s.crossOriginIsolated).toBe(true);
        expect(s.restoredStep).toBe(0);
        if (backend === 'wasm') {
          // Cross-origin isolated: tfjs loads its threaded binary (its pool holds hardwareConcurrency / 2 threads).
          expect(requested.some((u) => u.includes('tfjs-backend-wasm-threaded-simd'))).toBe(true);
          console.log(`wasm: threaded binary, ${s.threads} thread(s)`);
        }
        lap('ready');

        // Train one step and evaluate, then a few more steps and evaluate again: the eval loss on the same
        // examples falls (eval runs without dropout, so it is far less noisy than the per-batch training loss).
        await page.fill('#batch', String(plan.batch));
        await page.fill('#eval-examples', String(plan.evalExamples));
        const trainAndEvaluate = async (steps: number) => {
          await page.fill('#steps', String(steps));
          await page.click('#train');
          await waitReady(page, 240_000);
          await page.click('#evaluate');
          return waitReady(page, 120_000);
        };
        s = await trainAndEvaluate(1);
        s = await trainAndEvaluate(plan.steps - 1);
        lap(`trained ${plan.steps} steps, evaluated twice`);
        expect(s.globalStep).toBe(plan.steps);
        expect(s.losses.map(([step]) => step)).toEqual(Array.from({ length: plan.steps }, (_, i) => i + 1));
        expect(s.losses.every(([, l]) => Number.isFinite(l))).toBe(true);
        const [first, last] = s.evals;
        console.log(
          `${backend}: train losses ${s.losses.map(([, l]) => l.toFixed(3)).join(' ')}; eval loss ${first!.loss.toFixed(4)} at step 1 -> ${last!.loss.toFixed(4)} at step ${last!.step}, accuracy ${first!.accuracy.toFixed(3)} -> ${last!.accuracy.toFixed(3)}`,
        );
        expect(s.evals.map((e) => e.step)).toEqual([1, plan.steps]);
        expect(last!.loss).toBeLessThan(first!.loss);
        expect(last!.accuracy).toBeGreaterThan(first!.accuracy);
        // Same seed, same data order: every backend computes the same run as the first one tested.
        referenceLosses ??= { backend, losses: s.losses.map(([, l]) => l) };
        const ref = referenceLosses;
        const worst = Math.max(...s.losses.map(([, l], i) => Math.abs(l - ref.losses[i]!)));
        expect(worst, `largest per-step loss difference from ${ref.backend}`).toBeLessThan(0.02);

        // Reload: training resumes from the checkpoint saved in IndexedDB.
        await page.reload();
        s = await waitReady(page, 60_000);
        expect(s.restoredStep).toBe(plan.steps);
        expect(await page.textContent('#global-step')).toBe(String(plan.steps));
        await page.fill('#steps', '1');
        await page.fill('#batch', String(plan.batch));
        await page.click('#train');
        s = await waitReady(page, 60_000);
        expect(s.losses.map(([step]) => step)).toEqual([plan.steps + 1]);
        // The charts got their history back from the event files in IndexedDB.
        expect(s.restoredHistory.losses).toBeGreaterThanOrEqual(plan.steps - 1);
        expect(s.restoredHistory.accuracies).toBe(2);
        lap('resumed');

        // Stop: a long run ends after the current step, with a checkpoint at that step.
        await page.fill('#steps', '100000');
        await page.click('#train');
        await page.waitForFunction(
          (after) => (globalThis as unknown as { mnistPage: PageState }).mnistPage.globalStep > after,
          plan.steps + 1,
          { timeout: 60_000, polling: 50 },
        );
        // One round trip: on cpu the kernels hold the page's thread, and a pointer click needs several. The page
        // reads the global step and clicks in the same task, so the test knows where the stop request landed.
        const clickedAt = await page.evaluate(() => {
          const at = (globalThis as unknown as { mnistPage: PageState }).mnistPage.globalStep;
          document.getElementById('stop')!.click();
          return at;
        });
        s = await waitReady(page, 60_000);
        const stoppedAt = s.globalStep;
        expect(clickedAt).toBeGreaterThan(plan.steps + 1);
        // The step in flight finishes (clickedAt + 1), or none was in flight (the hook was between steps).
        expect([clickedAt, clickedAt + 1]).toContain(stoppedAt);
        expect(await page.textContent('#status')).toContain(`checkpoint saved at global step ${stoppedAt}`);
        lap(`stopped at step ${stoppedAt}`);

        // Draw a "1" on the canvas: estimator.predict gives class probabilities.
        await page.locator('#pad').scrollIntoViewIfNeeded();
        const box = (await page.locator('#pad').boundingBox())!;
        await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * 0.15);
        await page.mouse.down();
        for (let i = 1; i <= 10; i++)
          await page.mouse.move(box.x + box.width * 0.5, box.y + box.height * (0.15 + i * 0.07));
        await page.mouse.up();
        await page.waitForFunction(
          () => {
            const p = (globalThis as unknown as { mnistPage: PageState }).mnistPage;
            return p.predictions > 0 || p.state === 'error';
          },
          undefined,
          { timeout: 60_000 },
        );
        s = await readState(page);
        expect(s.error).toBeNull();
        const p = s.prediction!;
        expect(p.probabilities).toHaveLength(10);
        expect(p.probabilities.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 3);
        expect(p.classes).toBe(p.probabilities.indexOf(Math.max(...p.probabilities)));
        expect(await page.textContent('#prediction')).toMatch(/^\d \(\d+\.\d%\)$/);
        lap('predicted');
        await page.screenshot({ path: join(ARTIFACTS, `mnist-browser-${backend}.png`), fullPage: true });

        // Download the event files and check them with the independent checker.
        const dir = mkdtempSync(join(tmpdir(), `mnist-browser-events-${backend}-`));
        try {
          const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-events')]);
          expect(download.suggestedFilename()).toBe('mnist-browser-events.tar');
          await download.saveAs(join(dir, 'events.tar'));
          execFileSync('tar', ['-xf', join(dir, 'events.tar'), '-C', dir]);
          const [cdl] = await Promise.all([page.waitForEvent('download'), page.click('#download-checkpoint')]);
          await cdl.saveAs(join(dir, 'checkpoint.tar'));
          const listing = execFileSync('tar', ['-tf', join(dir, 'checkpoint.tar')], { encoding: 'utf8' });
          expect(listing).toContain('mnist-browser/checkpoint');
          expect(listing).toContain(`mnist-browser/model.ckpt-${stoppedAt}.`);
          // eval/ is its own run, as TensorBoard shows an Estimator's evaluation beside its training.
          const report = expectEventFiles(join(dir, 'mnist-browser'), {
            expect: ['./loss@scalar', 'eval/accuracy@scalar', 'eval/loss@scalar'],
          });
          expect(report.runs['.']!.tags.loss!.points.length).toBeGreaterThanOrEqual(plan.steps - 1);
          expect(report.runs.eval!.tags.accuracy!.points.map((p) => p.step)).toEqual([1, plan.steps]);
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
        lap('event files checked');
      } catch (e) {
        await page
          .screenshot({ path: join(ARTIFACTS, `mnist-browser-${backend}-failed.png`), fullPage: true })
          .catch(() => {});
        if (logs.length) console.error(logs.join('\n'));
        throw e;
      } finally {
        await context.close();
      }
    }, 480_000);
  }
});
