/**
 * End to end: the page is usable before the server has read the logdir. A `beforeRead` hook holds run `b`'s event
 * file back (no sleeps: the test releases it), so the page must show run `a`'s chart, with its values, and the
 * progress of the read, while `b` is still unread; once released, `b` joins the chart without a reload.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventWriter, MemoryEventSink } from '@estimatorjs/summary';
import { describeWithTool, tempModelDir } from '@estimatorjs/testing';
import type { Browser } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { type Board, startBoard } from './board-server.js';
import { type BoardHook, chart, launchChromium, PACKAGE, pageTools } from './page-harness.test-util.js';

async function runFile(dir: string, values: number[]): Promise<void> {
  const sink = new MemoryEventSink();
  const w = new EventWriter(sink, { flushSecs: 0, clock: { now: () => 1_700_000_000_000, every: () => () => {} } });
  for (const [i, v] of values.entries()) w.scalar('loss', v, i + 1);
  await w.close();
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'events.out.tfevents.1700000000.host'), sink.bytes());
}

describeWithTool({ describe, it }, pageTools, 'board page while the logdir is being read', () => {
  const cleanups: (() => unknown)[] = [];
  afterAll(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('shows the runs already read, and the progress, before the read is over; the rest arrives live', async () => {
    const { dir: logdir, cleanup } = tempModelDir('board-indexing-');
    cleanups.push(cleanup);
    await runFile(join(logdir, 'a'), [0.5, 0.25, 0.125]);
    await runFile(join(logdir, 'b'), [0.75, 0.375, 0.1875]);
    let release!: () => void;
    const held = new Promise<void>((done) => {
      release = done;
    });
    let asked!: () => void;
    const bAsked = new Promise<void>((done) => {
      asked = done;
    });
    const board: Board = await startBoard({
      logdir,
      port: 0,
      pollMs: 0,
      workers: 0,
      pageDir: join(PACKAGE, 'dist/page'),
      beforeRead: (file) => {
        if (!file.includes(`${join(logdir, 'b')}`)) return;
        asked();
        return held;
      },
    });
    cleanups.push(() => board.close());
    cleanups.push(release); // never leave the read hanging
    let indexed = false;
    void board.indexed.then(() => {
      indexed = true;
    });
    await bAsked;

    const browser: Browser = await launchChromium();
    cleanups.push(() => browser.close());
    const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
    await page.goto(board.url);
    await page.waitForFunction(
      () => {
        const b = (globalThis as unknown as BoardHook).__board;
        return b?.connected === true && (b.chart('loss')?.series.length ?? 0) > 0;
      },
      undefined,
      { timeout: 30_000 },
    );
    expect(indexed).toBe(false);
    const progress = await page.evaluate(() => (globalThis as unknown as BoardHook).__board.progress);
    expect(progress).toEqual({ files: 2, indexed: 1, done: false });
    expect(await page.locator('#status').textContent()).toMatch(/^reading event files 1\/2 · 2 run\(s\)/);
    const early = (await chart(page, 'loss'))!;
    expect(early.series).toEqual(['step', 'a', 'a (raw)']);
    expect(early.data[0]).toEqual([1, 2, 3]);
    expect(early.data[2]).toEqual([0.5, 0.25, 0.125]);

    release();
    await board.indexed;
    await page.waitForFunction(
      () => {
        const b = (globalThis as unknown as BoardHook).__board;
        return b.progress.done && (b.chart('loss')?.series.length ?? 0) === 5;
      },
      undefined,
      { timeout: 30_000 },
    );
    const full = (await chart(page, 'loss'))!;
    expect(full.series).toEqual(['step', 'a', 'a (raw)', 'b', 'b (raw)']);
    expect(full.data[4]).toEqual([0.75, 0.375, 0.1875]);
    expect(await page.locator('#status').textContent()).toMatch(/^live · 2 run\(s\) · 1 tag\(s\)/);
  }, 120_000);
});
