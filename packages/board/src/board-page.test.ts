/**
 * End to end: the board's page (built with Vite) served by startBoard over a logdir holding a training run, its
 * eval run and TF-written event files, driven in Debian's Chromium by playwright-core. The charts' data is read
 * back from uPlot (through `window.__board`), and an event appended while the page is open must show up without
 * a reload. A screenshot goes to test-artifacts/board.png.
 */
import { appendFileSync, cpSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { EventWriter, MemoryEventSink } from '@estimatorjs/summary';
import { createFileWriter } from '@estimatorjs/summary/node';
import { describeWithTool, tempModelDir, tfEventFixtures } from '@estimatorjs/testing';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type BoardHook,
  chart,
  launchChromium,
  openBoard,
  pageTools,
  REPO,
  startCli,
} from './page-harness.test-util.js';
import { smooth } from './smoothing.js';

const WALL_MS = 1_700_000_000_000;
/** Wall time advances one second per event, so relative time = step - 1 in seconds. */
function steppingClock() {
  let t = WALL_MS;
  return { now: () => (t += 1000), every: () => () => undefined };
}

const TRAIN_LOSS = [2.3, 1.7, 1.1, 0.9, 0.6];
const STEPS_PER_SEC = [10, 12, 11, 13, 12];
const EVAL = [
  { step: 3, loss: 1.2, accuracy: 0.5 },
  { step: 5, loss: 0.7, accuracy: 0.8125 },
];

const LONG_STEPS = 6_000;
/** float32 values, as the writer stores them; one spike the downsampling must keep. */
const longValue = (step: number) => (step === 4_321 ? 50 : Math.fround(Math.sin(step / 40)));

type ZoomHook = {
  __board: { zoom(tag: string, range: [number, number] | null): void; detailFetches: number };
};
type GraphHook = {
  __board: { graph(): { nodes: { id: string; scope: boolean; count: number }[]; edges: [string, string][] } | null };
};
type RidgelineHook = {
  __board: { ridgeline(key: string): { steps: number[]; lines: number[][][]; maxCount: number } | null };
};
type HistogramHook = { __board: { histogram(key: string): (number | null)[][] | null } };

describeWithTool({ describe, it }, pageTools, 'board page in Chromium', () => {
  let logdir: string;
  let trainFile: string;
  let board: { url: string; stop: () => Promise<void> };
  let browser: Browser;
  let page: Page;
  const cleanups: (() => void)[] = [];

  beforeAll(async () => {
    const logTemp = tempModelDir('board-logdir-');
    cleanups.push(logTemp.cleanup);
    logdir = logTemp.dir;
    const train = createFileWriter(logdir, { flushSecs: 0, clock: steppingClock() });
    TRAIN_LOSS.forEach((loss, i) => {
      train.scalar('loss', loss, i + 1);
      train.scalar('global_step/sec', STEPS_PER_SEC[i]!, i + 1);
    });
    await train.close();
    const ev = createFileWriter(join(logdir, 'eval'), { flushSecs: 0, clock: steppingClock() });
    for (const e of EVAL) {
      ev.scalar('loss', e.loss, e.step);
      ev.scalar('accuracy', e.accuracy, e.step);
    }
    await ev.close();
    // A long series in its own file of run `.`: the page receives it downsampled and fetches zoomed ranges.
    const longSink = new MemoryEventSink();
    const long = new EventWriter(longSink, {
      flushSecs: 0,
      maxQueue: 1 << 20,
      clock: { now: () => WALL_MS + 1_000_000, every: () => () => undefined }, // after every other event of run `.`
    });
    for (let step = 1; step <= LONG_STEPS; step++) long.scalar('long', longValue(step), step);
    await long.close();
    writeFileSync(join(logdir, 'events.out.tfevents.1700000001.long'), longSink.bytes());
    // Three steps of a histogram for the offset view, in a file of its own too.
    const histSink = new MemoryEventSink();
    const hist = new EventWriter(histSink, {
      flushSecs: 0,
      clock: { now: () => WALL_MS + 1_000_000, every: () => () => undefined },
    });
    for (const step of [1, 2, 3])
      hist.histogram(
        'weights',
        Array.from({ length: 50 }, (_, i) => (i % 10) * step),
        step,
      );
    await hist.close();
    writeFileSync(join(logdir, 'events.out.tfevents.1700000002.hist'), histSink.bytes());
    cpSync(tfEventFixtures, join(logdir, 'tf'), { recursive: true, filter: (src) => !src.endsWith('.md') });
    trainFile = join(logdir, readdirSync(logdir).find((n) => n.includes('tfevents'))!);
    const outside = tempModelDir('board-outside-');
    cleanups.push(outside.cleanup);
    writeFileSync(join(outside.dir, 'secret.txt'), 'outside the logdir');
    symlinkSync(outside.dir, join(logdir, 'outside'));

    board = await startCli(logdir);
    browser = await launchChromium();
    const opened = await openBoard(browser, board.url, 'loss');
    page = opened.page;
    const errors = opened.errors;
    expect(errors).toEqual([]);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await board?.stop();
    for (const c of cleanups) c();
  });

  it('draws one chart per tag with the runs overlaid and the values of the events', async () => {
    const runs = await page.evaluate(() => (globalThis as unknown as BoardHook).__board.runs());
    expect(runs).toEqual([
      '.',
      'eval',
      'tf/keras_tf2_prefix',
      'tf/tf1_estimator_simple_value',
      'tf/tf2_summary_scalar',
    ]);

    const loss = (await chart(page, 'loss'))!;
    expect(loss.series).toEqual(['step', '.', '. (raw)', 'eval', 'eval (raw)']);
    expect(loss.data[0]).toEqual([1, 2, 3, 4, 5]);
    expect(loss.data[2]).toEqual(TRAIN_LOSS.map(Math.fround));
    expect(loss.data[4]).toEqual([null, null, Math.fround(1.2), null, Math.fround(0.7)]);
    const smoothed = smooth(TRAIN_LOSS.map(Math.fround), 0.6); // the page's default smoothing
    for (const [i, v] of loss.data[1]!.entries()) expect(v).toBeCloseTo(smoothed[i]!, 6);

    const rate = (await chart(page, 'global_step/sec'))!;
    expect(rate.series).toEqual(['step', '.', '. (raw)']);
    expect(rate.data[2]).toEqual(STEPS_PER_SEC);

    const accuracy = (await chart(page, 'accuracy'))!;
    expect(accuracy.series).toEqual(['step', 'eval', 'eval (raw)']);
    expect(accuracy.data[0]).toEqual([3, 5]);
    expect(accuracy.data[2]).toEqual([0.5, 0.8125]);

    // TF-written files: tf.summary.scalar('my_metric', 0.5 * step), steps 0..99 (testdata/README.md).
    const metric = (await chart(page, 'my_metric'))!;
    expect(metric.data[0]).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(metric.data[2]).toEqual(Array.from({ length: 100 }, (_, i) => 0.5 * i));

    const titles = await page.locator('.chart h3').allTextContents();
    expect(titles.some((t) => t.startsWith('accuracy'))).toBe(true);
  });

  it('switches the x axis to relative time and the smoothing off', async () => {
    await page.check('input[name=x][value=relative]');
    await page.locator('#smoothing').fill('0');
    await page.waitForFunction(
      () => (globalThis as unknown as BoardHook).__board.chart('loss')?.series[0] === 'relative',
    );
    const loss = (await chart(page, 'loss'))!;
    // one event per second per writer clock tick: loss and global_step/sec share a tick each step
    expect(loss.data[0]!.slice(0, 5)).toEqual([0, 2, 4, 6, 8]);
    expect(loss.data[1]!.slice(0, 5)).toEqual(TRAIN_LOSS.map(Math.fround));
    await page.check('input[name=x][value=step]');
  });

  it('shows an event appended while the page is open, without a reload', async () => {
    const before = await page.evaluate(() => (globalThis as unknown as BoardHook).__board.version);
    const head = new MemoryEventSink();
    await new EventWriter(head, { flushSecs: 0 }).close();
    const sink = new MemoryEventSink();
    const w = new EventWriter(sink, {
      flushSecs: 0,
      clock: { now: () => WALL_MS + 60_000, every: () => () => undefined },
    });
    w.scalar('loss', 0.25, 6);
    await w.close();
    appendFileSync(trainFile, sink.bytes().subarray(head.bytes().length)); // the record only, as a writer flush
    await page.waitForFunction(
      () => (globalThis as unknown as BoardHook).__board.chart('loss')?.data[0]?.includes(6) === true,
      undefined,
      { timeout: 30_000 },
    );
    const loss = (await chart(page, 'loss'))!;
    expect(loss.data[0]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(loss.data[1]![5]).toBe(0.25);
    expect(await page.evaluate(() => (globalThis as unknown as BoardHook).__board.version)).toBeGreaterThan(before);
    const artifacts = join(REPO, 'test-artifacts');
    mkdirSync(artifacts, { recursive: true });
    await page.screenshot({ path: join(artifacts, 'board.png'), fullPage: false });
  });

  it('draws a long series downsampled, keeps its spike, and fetches a zoomed range at full detail', async () => {
    const whole = (await chart(page, 'long'))!;
    expect(whole.data[0]!.length).toBeLessThanOrEqual(1_000);
    expect(whole.data[0]![whole.data[2]!.indexOf(50)]).toBe(4_321); // the raw column keeps the spike
    await page.evaluate(() => (globalThis as unknown as ZoomHook).__board.zoom('long', [2_000, 2_199]));
    await page.waitForFunction(() => (globalThis as unknown as ZoomHook).__board.detailFetches > 0, undefined, {
      timeout: 30_000,
    });
    const zoomed = (await chart(page, 'long'))!;
    const steps = Array.from({ length: 200 }, (_, i) => 2_000 + i);
    expect(zoomed.data[0]).toEqual(steps);
    expect(zoomed.data[2]).toEqual(steps.map(longValue));
    await page.evaluate(() => (globalThis as unknown as ZoomHook).__board.zoom('long', null));
    await page.waitForFunction(
      () => ((globalThis as unknown as BoardHook).__board.chart('long')?.data[0]?.length ?? 0) > 200,
      undefined,
      { timeout: 30_000 },
    );
  });

  it('answers 404 to path escapes: /../, %2e%2e%2f and a symlink leading outside', async () => {
    const { port } = new URL(board.url);
    const status = (path: string) =>
      new Promise<number>((ok, fail) => {
        const req = request({ host: '127.0.0.1', port: Number(port), path }, (res) => {
          res.resume();
          res.on('end', () => ok(res.statusCode ?? 0));
        });
        req.on('error', fail);
        req.end();
      });
    const escapes = [
      '/../secret.txt',
      '/logdir/../../secret.txt',
      '/logdir/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/logdir/outside/secret.txt',
    ];
    expect(await Promise.all(escapes.map(status))).toEqual([404, 404, 404, 404]);
    expect(await status(`/logdir/${trainFile.slice(logdir.length + 1)}`)).toBe(200);
  });

  it('shows the Keras histograms as overlays and its images with their encoded size', async () => {
    const run = 'tf/keras_tf2_prefix';
    const tag = 'dense/bias_0/histogram';
    const served = (await (await fetch(`${board.url}api/histograms`)).json()) as Record<
      string,
      Record<string, [number, number, [number, number, number][]][]>
    >;
    const [[, , rows]] = served[run]![tag]! as [[number, number, [number, number, number][]]];
    expect(rows).toHaveLength(30);
    await page.click('nav button[data-view=histograms]');
    await page.waitForFunction(
      (key) => (globalThis as unknown as HistogramHook).__board.histogram(key) !== null,
      `${run}/${tag}`,
    );
    const data = await page.evaluate(
      (key) => (globalThis as unknown as HistogramHook).__board.histogram(key),
      `${run}/${tag}`,
    );
    // one step: bucket centres, then the counts
    expect(data![0]).toEqual(rows.map(([l, r]) => (l + r) / 2));
    expect(data![1]).toEqual(rows.map(([, , c]) => c));

    // The offset view: every step of `weights` (run `.`) as one line of bucket centres and counts.
    const mine = served['.']!.weights!;
    expect(mine.map((p) => p[0])).toEqual([1, 2, 3]);
    await page.click('input[name=histogram-mode][value=offset]');
    await page.waitForFunction(() => (globalThis as unknown as RidgelineHook).__board.ridgeline('./weights') !== null);
    const ridge = (await page.evaluate(() => (globalThis as unknown as RidgelineHook).__board.ridgeline('./weights')))!;
    expect(ridge.steps).toEqual([1, 2, 3]);
    expect(ridge.lines).toEqual(mine.map(([, , r]) => r.map(([l, h, c]) => [(l + h) / 2, c])));
    expect(ridge.maxCount).toBe(Math.max(...mine.flatMap(([, , r]) => r.map((x) => x[2]))));
    expect(await page.locator('#histograms canvas.ridgeline').count()).toBeGreaterThanOrEqual(2);
    mkdirSync(join(REPO, 'test-artifacts'), { recursive: true });
    await page.screenshot({ path: join(REPO, 'test-artifacts', 'board-histograms-offset.png'), fullPage: false });
    await page.click('input[name=histogram-mode][value=overlay]');

    await page.click('nav button[data-view=images]');
    const sizes = await page.waitForFunction(() => {
      const imgs = [...document.querySelectorAll<HTMLImageElement>('#images img')];
      if (imgs.length === 0 || !imgs.every((i) => i.complete && i.naturalWidth > 0)) return null;
      return imgs.map((i) => [i.alt, i.naturalWidth, i.naturalHeight]);
    });
    const loaded = (await sizes.jsonValue()) as [string, number, number][];
    const kernel = loaded.find(([alt]) => alt.startsWith('dense/kernel_0/image'));
    const images = (await (await fetch(`${board.url}api/images`)).json()) as Record<
      string,
      Record<string, { width: number; height: number }[]>
    >;
    const declared = images[run]!['dense/kernel_0/image']![0]!;
    expect(kernel?.slice(1)).toEqual([declared.width, declared.height]); // the PNG decodes to the size the event says
    expect(declared).toMatchObject({ width: 784, height: 512 });
    await page.click('nav button[data-view=charts]');
  });

  it('lays out the Keras graph_def with scopes collapsed, and opens a scope on click', async () => {
    const served = (await (await fetch(`${board.url}api/graph?run=tf/keras_tf2_prefix`)).json()) as {
      runs: string[];
      nodes: { name: string }[];
    };
    expect(served.runs).toEqual(['tf/keras_tf2_prefix']);
    await page.click('nav button[data-view=graph]');
    await page.waitForFunction(() => (globalThis as unknown as GraphHook).__board.graph() !== null);
    const shown = (await page.evaluate(() => (globalThis as unknown as GraphHook).__board.graph()))!;
    // every GraphDef node is in exactly one box, and every edge joins two boxes
    expect(shown.nodes.reduce((s, n) => s + n.count, 0)).toBe(served.nodes.length);
    const ids = new Set(shown.nodes.map((n) => n.id));
    for (const [a, b] of shown.edges) expect(ids.has(a) && ids.has(b)).toBe(true);
    const scope = shown.nodes.find((n) => n.scope)!;
    expect(await page.locator('#graph g.graph-scope').count()).toBe(shown.nodes.filter((n) => n.scope).length);
    await page.locator(`#graph g[data-id="${scope.id}"]`).click();
    await page.waitForFunction(
      (id) => !(globalThis as unknown as GraphHook).__board.graph()!.nodes.some((n) => n.id === id),
      scope.id,
    );
    const opened = (await page.evaluate(() => (globalThis as unknown as GraphHook).__board.graph()))!;
    expect(opened.nodes.length).toBeGreaterThan(shown.nodes.length);
    expect(opened.nodes.every((n) => !n.id.startsWith(`${scope.id}/`) || n.id.split('/').length > 1)).toBe(true);
    await page.click('nav button[data-view=charts]');
  });
});
