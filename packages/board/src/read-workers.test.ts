/**
 * The index's worker threads (ScanPool + scan-worker) run compiled JavaScript, so this suite drives the built
 * package (dist/) and compares it, file for file, with the same index reading on the calling thread (src/).
 */
import { cpSync, existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EventWriter, MemoryEventSink } from '@estimatorjs/summary';
import { describeWithTool, tempModelDir, tfEventFixtures } from '@estimatorjs/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { LogdirIndex } from './logdir-index.js';

const DIST = resolve(fileURLToPath(new URL('.', import.meta.url)), '../dist');
const builtBoard = {
  name: 'the built board (dist/index.js, dist/internal/scan-worker.js)',
  missing: existsSync(join(DIST, 'internal/scan-worker.js')) ? null : `${DIST}/internal/scan-worker.js does not exist`,
  install: 'pnpm --filter @estimatorjs/board build (turbo runs it before the tests)',
};

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describeWithTool({ describe, it }, [builtBoard], 'LogdirIndex with worker threads', () => {
  it('reads what the calling thread reads: TF files, a long run, a damaged file, then an append', async () => {
    const { dir, cleanup } = tempModelDir('board-workers-');
    cleanups.push(cleanup);
    cpSync(tfEventFixtures, join(dir, 'tf'), { recursive: true, filter: (src) => !src.endsWith('.md') });
    const sink = new MemoryEventSink();
    const w = new EventWriter(sink, {
      flushSecs: 0,
      maxQueue: 1 << 20,
      clock: { now: () => 1_700_000_000_000, every: () => () => undefined },
    });
    for (let step = 0; step < 3_000; step++) {
      w.scalar('loss', 1 / (step + 1), step);
      w.scalar('acc', step / 3_000, step);
    }
    w.text('notes', 'hello', 5);
    await w.close();
    const bytes = sink.bytes();
    for (const run of ['a', 'b', 'c']) {
      cpSync(join(tfEventFixtures, 'tf2_summary_scalar'), join(dir, run), { recursive: true });
      writeFileSync(join(dir, `events.out.tfevents.1.${run}`), bytes); // three files of run `.`
    }
    const damaged = bytes.slice(0, 5_000);
    damaged[4_000] = damaged[4_000]! ^ 0xff;
    writeFileSync(join(dir, 'tf', 'events.out.tfevents.2.damaged'), damaged);

    const { LogdirIndex: Built } = (await import(join(DIST, 'index.js'))) as { LogdirIndex: typeof LogdirIndex };
    const indexDir = tempModelDir('board-workers-index-');
    cleanups.push(indexDir.cleanup);
    const onWorkers = new Built(dir, { workers: 2, indexDir: indexDir.dir });
    const onThread = new LogdirIndex(dir);
    try {
      await Promise.all([onWorkers.refresh(), onThread.refresh()]);
      expect(onWorkers.runs()).toEqual(onThread.runs());
      expect(onWorkers.scalars()).toEqual(onThread.scalars());
      expect(onWorkers.texts()).toEqual(onThread.texts());
      expect(onWorkers.histograms()).toEqual(onThread.histograms());
      expect(onWorkers.problems()).toEqual(onThread.problems());
      expect(onWorkers.problems()).toHaveLength(1);
      expect(onWorkers.scalars()['.']!.loss).toHaveLength(3 * 3_000);

      // an append is read on the calling thread, from the offset the worker's scan ended at
      const more = new MemoryEventSink();
      const w2 = new EventWriter(more, {
        flushSecs: 0,
        clock: { now: () => 1_700_000_001_000, every: () => () => undefined },
      });
      w2.scalar('loss', 0.125, 3_000);
      await w2.close();
      const head = new MemoryEventSink();
      await new EventWriter(head, { flushSecs: 0 }).close();
      const { appendFileSync } = await import('node:fs');
      appendFileSync(join(dir, 'events.out.tfevents.1.a'), more.bytes().subarray(head.bytes().length));
      await Promise.all([onWorkers.refresh(), onThread.refresh()]);
      expect(onWorkers.scalars()['.']!.loss!.at(-1)).toEqual([3_000, 1_700_000_001, 0.125]);
      expect(onWorkers.scalars()).toEqual(onThread.scalars());
    } finally {
      await onWorkers.close();
    }

    // The entries the workers' scans left: a restart on workers reads no event-file byte and holds what a full
    // read holds now (each file's points in file order: file a's append comes before file b's points).
    const restarted = new Built(dir, { workers: 2, indexDir: indexDir.dir });
    const fresh = new LogdirIndex(dir);
    try {
      await Promise.all([restarted.refresh(), fresh.refresh()]);
      const stats = restarted.readStats();
      expect(stats.cacheDiscarded).toEqual([]);
      expect(stats.cacheHits).toBe(onThread.progress().files);
      // Only the damaged file's tail (from the damaged record on) is read again, to report it again.
      expect(stats.eventBytes).toBe(5_000 - onThread.problems()[0]!.offset);
      for (const k of ['runs', 'scalars', 'texts', 'histograms', 'problems'] as const)
        expect(restarted[k]()).toEqual(fresh[k]());
    } finally {
      await restarted.close();
    }
  });
});
