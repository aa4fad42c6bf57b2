/**
 * End to end on a fresh training run: a real Estimator trains and evaluates a small classifier into a model_dir,
 * the bin serves that model_dir, and the page's charts hold exactly the values the independent event-file oracle
 * (@estimatorjs/testing's checkEventFiles) reads from the same files. Training again while the page is open must
 * add the new points without a reload.
 */
import { Dataset } from '@estimatorjs/data';
import { AdamOptimizer, Estimator, layers, losses, type ModelFn, metrics, RunConfig } from '@estimatorjs/estimator';
import { checkEventFiles, describeWithTool, setupTestBackend, tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BoardHook, chart, launchChromium, openBoard, pageTools, startCli } from './page-harness.test-util.js';

const N = 256;
const xs = new Float32Array(N * 8).map((_, i) => Math.sin(i * 12.9898) * 0.5 + 0.5);
const ys = Int32Array.from({ length: N }, (_, i) => (xs[i * 8]! + xs[i * 8 + 1]! > 1 ? 1 : 0));

const modelFn: ModelFn<{ learning_rate: number; hidden_units: number }> = (features, labels, mode) => {
  const hidden = layers.dense(features as tf.Tensor, 8, { activation: 'relu', name: 'hidden' });
  const logits = layers.dense(hidden, 2, { name: 'logits' });
  if (mode === 'infer') return { mode, predictions: logits };
  const loss = losses.sparseSoftmaxCrossEntropy({ labels: labels as tf.Tensor, logits });
  if (mode === 'eval') {
    const classes = tf.argMax(logits, 1);
    return { mode, loss, evalMetricOps: { accuracy: metrics.accuracy(labels as tf.Tensor, classes) } };
  }
  return { mode, loss, trainOp: new AdamOptimizer({ learningRate: 0.01 }).minimize(loss) };
};

let columns: [tf.Tensor, tf.Tensor] | null = null;
const inputFn = () => {
  columns ??= [tf.tensor2d(xs, [N, 8]), tf.tensor1d(ys, 'int32')];
  return Dataset.fromTensorSlices(columns).repeat().batch(32);
};

/** The `(step, value)` pairs a chart draws for `run` (its raw column), in x order. */
function drawn(view: { series: string[]; data: (number | null)[][] }, run: string): [number, number][] {
  const col = view.series.indexOf(`${run} (raw)`);
  expect(col, `series ${run} (raw) in ${view.series.join(', ')}`).toBeGreaterThan(0);
  const out: [number, number][] = [];
  view.data[0]!.forEach((x, i) => {
    const y = view.data[col]![i];
    if (y !== null && y !== undefined && x !== null) out.push([x, y]);
  });
  return out;
}

describeWithTool({ describe, it }, pageTools, 'board page on a fresh Estimator run', () => {
  let modelDir: string;
  let estimator: Estimator<{ learning_rate: number; hidden_units: number }>;
  let board: { url: string; stop: () => Promise<void> };
  let browser: Browser;
  let page: Page;
  const cleanups: (() => void)[] = [];

  beforeAll(async () => {
    await setupTestBackend('cpu');
    const temp = tempModelDir('board-fresh-run-');
    cleanups.push(temp.cleanup);
    modelDir = temp.dir;
    estimator = new Estimator({
      modelFn,
      params: { learning_rate: 0.05, hidden_units: 8 },
      config: new RunConfig({
        modelDir,
        randomSeed: 11,
        saveCheckpointsSteps: 1000,
        saveSummarySteps: 5,
        logStepCountSteps: 5,
      }),
      log: () => undefined,
    });
    await estimator.train(inputFn, { maxSteps: 20 });
    await estimator.evaluate(inputFn, { steps: 4 });
    board = await startCli(modelDir);
    browser = await launchChromium();
    const opened = await openBoard(browser, board.url, 'accuracy');
    page = opened.page;
    expect(opened.errors).toEqual([]);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await board?.stop();
    estimator?.dispose();
    for (const c of cleanups) c();
  });

  it('charts loss, global_step/sec and eval accuracy with the values the oracle reads from the files', async () => {
    const oracle = checkEventFiles(modelDir);
    const expected = (run: string, tag: string) =>
      (oracle.runs[run]?.tags[tag]?.points ?? []).map((p) => [p.step, p.value as number]);
    for (const [run, tag] of [
      ['.', 'loss'],
      ['.', 'global_step/sec'],
      ['eval', 'accuracy'],
      ['eval', 'loss'],
    ] as const) {
      const want = expected(run, tag);
      expect(want.length, `${run}/${tag} in the event files`).toBeGreaterThan(0);
      const view = await chart(page, tag);
      expect(view, `chart ${tag}`).not.toBeNull();
      expect(drawn(view!, run), `${run}/${tag}`).toEqual(want);
    }
    const accuracy = expected('eval', 'accuracy');
    expect(accuracy).toEqual([[20, expect.any(Number)]]);
    expect(accuracy[0]![1]).toBeGreaterThanOrEqual(0);
    expect(accuracy[0]![1]).toBeLessThanOrEqual(1);
    expect((await chart(page, 'loss'))!.series).toEqual(['step', '.', '. (raw)', 'eval', 'eval (raw)']);

    await page.click('nav button[data-view=table]');
    const table = await page.$$eval('#table table tr', (trs) =>
      trs.map((tr) => [...tr.querySelectorAll('th, td')].map((c) => c.textContent ?? '')),
    );
    await page.click('nav button[data-view=charts]');
    const header = table[0]!;
    const evalRow = table.find((r) => r[0] === 'eval')!;
    // the params the Estimator wrote (its hparams text table), shown for eval too, from its parent run
    expect(header.slice(0, 4)).toEqual(['run', 'hidden_units', 'learning_rate', 'last step']);
    expect(table.find((r) => r[0] === '.')!.slice(1, 3)).toEqual(['8', '0.05']);
    expect(evalRow.slice(1, 4)).toEqual(['8', '0.05', '20']);
    expect(Number(evalRow[header.indexOf('accuracy')])).toBeCloseTo(accuracy[0]![1]!, 4);
  });

  it('adds the points of further training while the page is open, without a reload', async () => {
    await estimator.train(inputFn, { maxSteps: 30 });
    await page.waitForFunction(
      () => (globalThis as unknown as BoardHook).__board.chart('loss')?.data[0]?.some((x) => (x ?? 0) > 20) === true,
      undefined,
      { timeout: 30_000 },
    );
    const oracle = checkEventFiles(modelDir);
    const want = oracle.runs['.']!.tags.loss!.points.map((p) => [p.step, p.value as number]);
    expect(want.some(([step]) => step! > 20)).toBe(true);
    await page.waitForFunction(
      (n) => {
        const c = (globalThis as unknown as BoardHook).__board.chart('loss');
        return c !== null && c.data[2]!.filter((v) => v !== null).length === n;
      },
      want.length,
      { timeout: 30_000 },
    );
    expect(drawn((await chart(page, 'loss'))!, '.')).toEqual(want);
  });
});
