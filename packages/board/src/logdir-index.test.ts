import { appendFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeTFRecords, ProtoWriter } from '@estimatorjs/io';
import { EventWriter, encodeTFRecord, MemoryEventSink, scalarValue } from '@estimatorjs/summary';
import { createFileWriter } from '@estimatorjs/summary/node';
import { checkEventFiles, tempModelDir, tfEventFixtures } from '@estimatorjs/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { EventFileTail } from './event-file-tail.js';
import { type IndexUpdate, LogdirIndex } from './logdir-index.js';

const temps: (() => void)[] = [];
afterEach(() => {
  for (const c of temps.splice(0)) c();
});
function tempDir(): string {
  const { dir, cleanup } = tempModelDir('board-index-');
  temps.push(cleanup);
  return dir;
}

/** A manual writer clock: wall times are whatever the test says, no background flush. */
function clockAt(ms: number) {
  return { now: () => ms, every: () => () => undefined };
}

/** The bytes of an event file holding `scalars` (after the file_version record), written by the real writer. */
async function eventBytes(scalars: [string, number, number][], wallMs = 1_700_000_000_000): Promise<Uint8Array> {
  const sink = new MemoryEventSink();
  const w = new EventWriter(sink, { flushSecs: 0, clock: clockAt(wallMs) });
  for (const [tag, value, step] of scalars) w.scalar(tag, value, step);
  await w.close();
  return sink.bytes();
}

describe('LogdirIndex on TF-written event files', () => {
  it('reads the same scalars as the independent oracle, and skips histograms and images', async () => {
    const index = new LogdirIndex(tfEventFixtures);
    await index.refresh();
    expect(index.runs()).toEqual(['keras_tf2_prefix', 'tf1_estimator_simple_value', 'tf2_summary_scalar']);
    const oracle = checkEventFiles(tfEventFixtures);
    const scalars = index.scalars();
    for (const [run, report] of Object.entries(oracle.runs)) {
      const expected = Object.entries(report.tags)
        .filter(([, s]) => s.kind === 'scalar')
        .map(([tag]) => tag)
        .sort();
      expect(index.tags()[run], run).toEqual(expected);
      for (const tag of expected) {
        const want = report.tags[tag]!.points.map((p) => [p.step, p.wallTime, p.value]);
        expect(
          scalars[run]![tag]!.map((p) => [p[0], p[1], Math.fround(p[2])]),
          `${run}/${tag}`,
        ).toEqual(want.map(([s, w, v]) => [s, w, Math.fround(v as number)]));
      }
    }
    // The fixture README: tf.summary.scalar('my_metric', 0.5 * step) for steps 0..99.
    const metric = scalars.tf2_summary_scalar!.my_metric!;
    expect(metric.map((p) => p[0])).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(metric.map((p) => p[2])).toEqual(Array.from({ length: 100 }, (_, i) => 0.5 * i));
    expect(index.tags().keras_tf2_prefix).toEqual(['epoch_accuracy', 'epoch_loss']);
    expect(index.problems()).toEqual([]);
  });
});

describe('LogdirIndex on files from the summary writer', () => {
  it("takes a one-element tensor without metadata for the plugin the tag's first value named, as TF 2 writes", async () => {
    // Hand-built (tensorflow/core/util/event.proto): a `pr_value` tag of another plugin, then the same tag bare;
    // a bare `acc` tensor whose tag was first written as a scalar. Only the scalars may be charted.
    const value = (tag: string, x: number, plugin?: string) =>
      new ProtoWriter()
        .double(1, 1_700_000_000)
        .varint(2, 1)
        .message(5, (s) =>
          s.message(1, (v) => {
            v.string(1, tag);
            if (plugin) v.message(9, (m) => m.message(1, (p) => p.string(1, plugin)));
            v.message(8, (t) => t.varint(1, 1).packedFloat(5, [x]));
          }),
        )
        .finish();
    const dir = tempDir();
    writeFileSync(
      join(dir, 'events.out.tfevents.1.host'),
      encodeTFRecords([
        value('pr_value', 0.5, 'pr_curves'),
        value('pr_value', 0.25),
        value('acc', 0.5, 'scalars'),
        value('acc', 0.75),
      ]),
    );
    const index = new LogdirIndex(dir);
    await index.refresh();
    expect(index.scalars()).toEqual({
      '.': {
        acc: [
          [1, 1_700_000_000, 0.5],
          [1, 1_700_000_000, 0.75],
        ],
      },
    });
  });

  it('finds runs recursively: the logdir itself, eval, and nested sibling runs', async () => {
    const dir = tempDir();
    const wall = 1_700_000_000_000;
    for (const [run, loss] of [
      ['', 0.9],
      ['eval', 0.8],
      ['lr_0.1', 0.7],
      ['lr_0.1/eval', 0.6],
    ] as const) {
      const w = createFileWriter(join(dir, run), { flushSecs: 0, clock: clockAt(wall) });
      w.scalar('loss', loss, 10);
      await w.close();
    }
    mkdirSync(join(dir, 'empty'));
    const index = new LogdirIndex(dir);
    await index.refresh();
    expect(index.runs()).toEqual(['.', 'eval', 'lr_0.1', 'lr_0.1/eval']);
    const s = index.scalars();
    expect(s['.']!.loss).toEqual([[10, wall / 1000, Math.fround(0.9)]]);
    expect(s['lr_0.1/eval']!.loss).toEqual([[10, wall / 1000, Math.fround(0.6)]]);
  });

  it('reads only the bytes appended since the last refresh and reports only the new points', async () => {
    const dir = tempDir();
    const file = join(dir, 'events.out.tfevents.1700000000.host');
    writeFileSync(file, await eventBytes([['loss', 1, 1]]));
    const index = new LogdirIndex(dir);
    const updates: IndexUpdate[] = [];
    index.onUpdate((u) => updates.push(u));
    await index.refresh();
    // The first read, as the page sees it: the runs found, each file as it is read, then the end of the first read.
    expect(updates.map((u) => [u.runs, Object.keys(u.scalars['.'] ?? {}), u.progress])).toEqual([
      [['.'], [], { files: 1, indexed: 0, done: false }],
      [[], ['loss'], { files: 1, indexed: 1, done: false }],
      [[], [], { files: 1, indexed: 1, done: true }],
    ]);
    const firstSize = statSync(file).size;

    // Damage the bytes already read: a reader that starts again from 0 would now report a CRC mismatch.
    const bytes = readFileSync(file);
    bytes[20] = bytes[20]! ^ 0xff;
    writeFileSync(file, bytes);
    const headLength = (await eventBytes([])).length;
    expect(firstSize).toBeGreaterThan(headLength);
    const more = (
      await eventBytes([
        ['loss', 0.5, 2],
        ['acc', 0.25, 2],
      ])
    ).subarray(headLength); // without file_version
    appendFileSync(file, more);
    await index.refresh();
    expect(updates).toHaveLength(4);
    expect(updates[3]).toEqual({
      runs: [],
      scalars: { '.': { loss: [[2, 1_700_000_000, 0.5]], acc: [[2, 1_700_000_000, 0.25]] } },
      histograms: {},
      images: {},
      texts: {},
      problems: [],
      progress: { files: 1, indexed: 1, done: true },
    });
    expect(index.scalars()['.']!.loss!.map((p) => p[2])).toEqual([1, 0.5]);
    expect(index.problems()).toEqual([]);

    await index.refresh(); // nothing new: no update
    expect(updates).toHaveLength(4);
  });

  it('waits for a record the writer has not finished, and reads it once complete', async () => {
    const dir = tempDir();
    const file = join(dir, 'events.out.tfevents.1700000000.host');
    const head = await eventBytes([]);
    const full = await eventBytes([['loss', 0.75, 3]]);
    const record = full.subarray(head.length);
    writeFileSync(file, full.subarray(0, head.length + 7)); // half a length header
    const tail = new EventFileTail(file);
    expect((await tail.read()).events.map((e) => e.fileVersion)).toEqual(['brain.Event:2']);
    expect(tail.offset).toBe(head.length);
    appendFileSync(file, record.subarray(7, 20));
    expect(await tail.read()).toEqual({ events: [] });
    appendFileSync(file, record.subarray(20));
    const done = await tail.read();
    expect(done.problem).toBeUndefined();
    expect(done.events.map((e) => [e.step, scalarValue(e.summary!.value[0]!)])).toEqual([[3, 0.75]]);
    expect(tail.offset).toBe(full.length);
  });

  it('skips and reports a corrupt tail once, keeps what came before, and never throws', async () => {
    const dir = tempDir();
    const file = join(dir, 'events.out.tfevents.1700000000.host');
    const good = await eventBytes([['loss', 2, 1]]);
    const bad = encodeTFRecord(new Uint8Array([1, 2, 3, 4]));
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0x55; // data CRC no longer matches
    writeFileSync(file, good);
    appendFileSync(file, bad);
    const index = new LogdirIndex(dir);
    await index.refresh();
    expect(index.scalars()['.']!.loss).toEqual([[1, 1_700_000_000, 2]]);
    expect(index.problems()).toEqual([expect.objectContaining({ file, offset: good.length, kind: 'data-crc' })]);
    expect(index.problems()[0]!.message).toMatch(new RegExp(`damaged at byte ${good.length}: a data-crc error`));
    appendFileSync(file, await eventBytes([['loss', 1, 2]]));
    await index.refresh();
    expect(index.problems()).toHaveLength(1);
    expect(index.scalars()['.']!.loss).toHaveLength(1);
  });

  it('coalesces concurrent refreshes into passes that each see the disk as of their call', async () => {
    const dir = tempDir();
    const file = join(dir, 'events.out.tfevents.1700000000.host');
    writeFileSync(file, await eventBytes([['loss', 1, 1]]));
    const index = new LogdirIndex(dir);
    const first = index.refresh();
    const size = statSync(file).size;
    appendFileSync(
      file,
      (
        await eventBytes([
          ['loss', 1, 1],
          ['loss', 3, 2],
        ])
      ).subarray(size),
    );
    const second = index.refresh();
    await Promise.all([first, second]);
    expect(index.scalars()['.']!.loss!.map((p) => p[0])).toEqual([1, 2]);
  });
});
