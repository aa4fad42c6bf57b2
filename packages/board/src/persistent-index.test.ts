/**
 * The persistent index (LogdirIndexOptions.indexDir): a second index over the same files reads only the bytes
 * appended since the first one, and holds exactly what an index reading every file from byte 0 holds; an entry that
 * no longer describes its event file, or that is itself damaged, is discarded and the file read again.
 */
import { appendFileSync, cpSync, readdirSync, readFileSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { EventWriter, encodeTFRecord, MemoryEventSink } from '@estimatorjs/summary';
import { tempModelDir, tfEventFixtures } from '@estimatorjs/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { cacheFileOf } from './internal/index-cache.js';
import { LogdirIndex } from './logdir-index.js';

const temps: (() => void)[] = [];
afterEach(() => {
  for (const c of temps.splice(0)) c();
});
function tempDir(prefix: string): string {
  const { dir, cleanup } = tempModelDir(prefix);
  temps.push(cleanup);
  return dir;
}

const clock = { now: () => 1_700_000_000_000, every: () => () => undefined };

/** An event file's bytes: scalars of steps [from, to) (and of irregular steps), a histogram and a text every 10 steps. */
async function trainingBytes(from: number, to: number, withVersion = true): Promise<Uint8Array> {
  const sink = new MemoryEventSink();
  const w = new EventWriter(sink, { flushSecs: 0, maxQueue: 1 << 20, clock });
  for (let step = from; step < to; step++) {
    w.scalar('loss', 1 / (step + 1), step);
    w.scalar('acc', step / 1000, step);
    // Steps the index cannot store as start + i × stride.
    if (step % 7 === 0) w.scalar('sparse', step, step * step);
    if (step % 10 === 0) {
      w.histogram('weights', [step, step + 1, step + 2], step);
      w.text('notes', `step ${step}`, step);
    }
  }
  await w.close();
  const bytes = sink.bytes();
  // Every writer starts with a file_version record; an append continues a file, so it goes without one.
  return withVersion ? bytes : bytes.subarray((await versionBytes()).length);
}

async function versionBytes(): Promise<Uint8Array> {
  const sink = new MemoryEventSink();
  await new EventWriter(sink, { flushSecs: 0, clock }).close();
  return sink.bytes();
}

/** A logdir with a run written by the summary writer and the TF-written fixtures (TF 2 tensors, images, graphs). */
async function logdirWithRuns(): Promise<{ logdir: string; file: string }> {
  const logdir = tempDir('board-persist-');
  const file = join(logdir, 'events.out.tfevents.1700000000.host');
  writeFileSync(file, await trainingBytes(0, 500));
  cpSync(tfEventFixtures, join(logdir, 'tf'), { recursive: true, filter: (src) => !src.endsWith('.md') });
  return { logdir, file };
}

/** Everything an index holds, as the API serves it. */
function contents(index: LogdirIndex) {
  return {
    runs: index.runs(),
    scalars: index.scalars(),
    histograms: index.histograms(),
    images: index.images(),
    texts: index.texts(),
    graphRuns: index.graphRuns(),
    problems: index.problems().map(({ file, offset, kind }) => ({ file, offset, kind })),
  };
}

/** The total size of the event files under `dir`. */
function eventFileBytes(dir: string): number {
  let total = 0;
  for (const e of readdirSync(dir, { withFileTypes: true, recursive: true }))
    if (e.isFile() && e.name.includes('tfevents')) total += statSync(join(e.parentPath, e.name)).size;
  return total;
}

async function indexed(logdir: string, indexDir?: string): Promise<LogdirIndex> {
  const index = new LogdirIndex(logdir, indexDir === undefined ? {} : { indexDir });
  await index.refresh();
  await index.close();
  return index;
}

describe('LogdirIndex with a persistent index', () => {
  it('reads only the appended bytes on a second start, and holds what a full read holds', async () => {
    const { logdir, file } = await logdirWithRuns();
    const indexDir = tempDir('board-cache-');
    const first = await indexed(logdir, indexDir);
    expect(first.readStats()).toMatchObject({ eventBytes: eventFileBytes(logdir), cacheHits: 0, cacheBytes: 0 });
    expect(first.readStats().cacheWriteErrors).toEqual([]);
    // The cache lives in indexDir; the logdir holds what it held before (the event files and the fixtures' notes).
    expect(readdirSync(logdir).sort()).toEqual(['events.out.tfevents.1700000000.host', 'tf']);

    const appended = await trainingBytes(500, 620, false);
    appendFileSync(file, appended);
    const second = await indexed(logdir, indexDir);
    const stats = second.readStats();
    expect(stats.eventBytes).toBe(appended.length);
    expect(stats.cacheHits).toBe(readdirSync(indexDir).length);
    expect(stats.cacheDiscarded).toEqual([]);
    expect(contents(second)).toEqual(contents(await indexed(logdir)));
    expect(second.scalars({ run: '.', tag: 'loss' })['.']!.loss!.map((p) => p[0])).toEqual(
      Array.from({ length: 620 }, (_, i) => i),
    );

    // A third start, nothing appended: not one event-file byte beyond the fingerprints the entries check.
    const third = await indexed(logdir, indexDir);
    expect(third.readStats().eventBytes).toBe(0);
    expect(contents(third)).toEqual(contents(second));
  });

  it('discards the entry of a file rewritten in place, or shrunk, and reads the file again', async () => {
    const { logdir, file } = await logdirWithRuns();
    const indexDir = tempDir('board-cache-');
    await indexed(logdir, indexDir);
    const size = statSync(file).size;

    // The same length, other values: a new run that reused the name (its last records differ).
    const bytes = Buffer.from(await trainingBytes(0, 500));
    const other = Buffer.from(await trainingBytes(1, 501));
    expect(other.length).toBeGreaterThanOrEqual(bytes.length - 100);
    writeFileSync(file, Buffer.concat([other, await trainingBytes(501, 560, false)]));
    const rewritten = await indexed(logdir, indexDir);
    expect(rewritten.readStats().cacheDiscarded).toEqual([{ file, reason: 'the event file was rewritten' }]);
    expect(rewritten.readStats().eventBytes).toBe(statSync(file).size);
    expect(contents(rewritten)).toEqual(contents(await indexed(logdir)));

    writeFileSync(file, bytes);
    await indexed(logdir, indexDir); // the entry now describes `bytes` again
    truncateSync(file, size - 200);
    const shrunk = await indexed(logdir, indexDir);
    expect(shrunk.readStats().cacheDiscarded).toEqual([
      { file, reason: 'the event file shrank below the offset read' },
    ]);
    expect(contents(shrunk)).toEqual(contents(await indexed(logdir)));
  });

  it('discards a damaged entry (a flipped byte, a torn write) and reads the file again', async () => {
    const { logdir, file } = await logdirWithRuns();
    const indexDir = tempDir('board-cache-');
    await indexed(logdir, indexDir);
    const entry = cacheFileOf(indexDir, file);
    const good = readFileSync(entry);

    const flipped = Buffer.from(good);
    flipped[flipped.length - 30] = flipped[flipped.length - 30]! ^ 0x01;
    writeFileSync(entry, flipped);
    const afterFlip = await indexed(logdir, indexDir);
    expect(afterFlip.readStats().cacheDiscarded).toEqual([{ file, reason: 'corrupt (CRC)' }]);
    expect(afterFlip.readStats().eventBytes).toBe(eventFileBytes(logdir) - cachedFixtureBytes(afterFlip, logdir));
    expect(contents(afterFlip)).toEqual(contents(await indexed(logdir)));

    writeFileSync(entry, good.subarray(0, good.length >> 1));
    const afterTear = await indexed(logdir, indexDir);
    expect(afterTear.readStats().cacheDiscarded).toEqual([{ file, reason: 'corrupt (CRC)' }]);
    expect(contents(afterTear)).toEqual(contents(await indexed(logdir)));

    writeFileSync(entry, 'not an index');
    const afterJunk = await indexed(logdir, indexDir);
    expect(afterJunk.readStats().cacheDiscarded).toEqual([{ file, reason: 'not a cache file of this version' }]);
    expect(contents(afterJunk)).toEqual(contents(await indexed(logdir)));
  });

  it('still skips and reports a corrupt event-file tail after a restart, re-reading only that tail', async () => {
    const logdir = tempDir('board-persist-');
    const file = join(logdir, 'events.out.tfevents.1700000000.host');
    const good = await trainingBytes(0, 50);
    const bad = encodeTFRecord(new Uint8Array([1, 2, 3, 4]));
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0x55; // data CRC no longer matches
    writeFileSync(file, good);
    appendFileSync(file, bad);
    const indexDir = tempDir('board-cache-');
    const first = await indexed(logdir, indexDir);
    const expected = [{ file, offset: good.length, kind: 'data-crc' }];
    expect(contents(first).problems).toEqual(expected);

    const second = await indexed(logdir, indexDir);
    expect(contents(second).problems).toEqual(expected);
    expect(second.problems()[0]!.message).toMatch(new RegExp(`damaged at byte ${good.length}: a data-crc error`));
    expect(second.readStats()).toMatchObject({ eventBytes: bad.length, cacheHits: 1 });
    expect(contents(second)).toEqual(contents(first));
  });
});

/** Bytes of the event files under `logdir` other than the first run's (those the damaged entry did not cover). */
function cachedFixtureBytes(index: LogdirIndex, logdir: string): number {
  expect(index.readStats().cacheHits).toBeGreaterThan(0);
  return eventFileBytes(join(logdir, 'tf'));
}
