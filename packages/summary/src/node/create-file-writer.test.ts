import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectEventFiles, itWithTool, ManualClock, setupTestBackend, tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { EventFileCorruptError } from '../errors.js';
import { scalarValue } from '../event-decoder.js';
import { pythonChecker, runChecker } from './checker.test-util.js';
import { createFileWriter } from './create-file-writer.js';
import { readEvents } from './read-events.js';

const dirs: (() => void)[] = [];
function tmp(): string {
  const d = tempModelDir('summary-');
  dirs.push(d.cleanup);
  return d.dir;
}

describe('createFileWriter', () => {
  beforeAll(() => setupTestBackend('cpu'));
  afterEach(() => {
    for (const c of dirs.splice(0)) c();
  });

  it('creates logdir and names the file events.out.tfevents.<secs>.<host>[suffix]', async () => {
    const logdir = join(tmp(), 'a', 'b');
    const w = createFileWriter(logdir, { filenameSuffix: '.v2', clock: new ManualClock(1_700_000_000_900) });
    expect(w.logdir).toBe(logdir);
    await w.close();
    const [name] = readdirSync(logdir);
    const m = /^events\.out\.tfevents\.(\d+)\.(.+)\.v2$/.exec(name!);
    expect(m).not.toBeNull();
    expect(m![1]).toBe('1700000000'); // whole seconds of the writer's clock
  });

  it('gives two writers in the same directory and second distinct files', async () => {
    const logdir = tmp();
    const a = createFileWriter(logdir);
    const b = createFileWriter(logdir);
    a.scalar('a', 1, 1);
    b.scalar('b', 2, 1);
    await Promise.all([a.close(), b.close()]);
    expect(readdirSync(logdir)).toHaveLength(2);
    const tags: string[] = [];
    for await (const ev of readEvents(logdir)) for (const v of ev.summary?.value ?? []) tags.push(v.tag);
    expect(tags.sort()).toEqual(['a', 'b']);
  });

  it('writes the header at once, so a fresh file is already valid', async () => {
    const logdir = tmp();
    const w = createFileWriter(logdir);
    await w.flush();
    const events = [];
    for await (const ev of readEvents(logdir)) events.push(ev);
    expect(events).toHaveLength(1);
    expect(events[0]!.fileVersion).toBe('brain.Event:2');
    await w.close();
  });

  /** Writes one of every kind of summary into `logdir` (training) and `logdir/eval`. */
  async function writeEveryKind(logdir: string): Promise<void> {
    const train = createFileWriter(logdir);
    const evalW = createFileWriter(join(logdir, 'eval'));
    const kernel = tf.randomNormal([8, 4], 0, 1, 'float32', 1);
    const rgb = tf.randomUniform([2, 5, 6, 3], 0, 1, 'float32', 2);
    const gray = tf.randomUniform([7, 9, 1], 0, 255, 'int32', 3);
    const before = tf.memory().numTensors;
    train.graph([
      { name: 'features', op: 'Placeholder', dtype: 'float32', outputShapes: [[-1, 8]] },
      { name: 'dense/kernel', op: 'VariableV2', dtype: 'float32', outputShapes: [[8, 4]] },
      { name: 'dense/MatMul', op: 'MatMul', inputs: ['features', 'dense/kernel'], dtype: 'float32' },
      { name: 'loss', op: 'Mean', inputs: ['dense/MatMul'], dtype: 'float32', outputShapes: [[]] },
    ]);
    for (let step = 1; step <= 3; step++) {
      train.scalar('loss', 1 / step, step);
      train.scalar('global_step/sec', 10 + step, step);
      train.histogram('dense/kernel', kernel, step);
    }
    train.histogram('empty', [], 3);
    train.histogram('constant', [2, 2, 2], 3);
    train.image('inputs', rgb, 3);
    train.image('gray', gray, 3);
    train.text('notes', 'hello **TensorBoard**', 3);
    evalW.scalar('accuracy', 0.9, 3);
    evalW.scalar('loss', 0.4, 3);
    await Promise.all([train.close(), evalW.close()]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([kernel, rgb, gray]);
  }

  const everyKind = [
    './loss@scalar',
    './global_step/sec@scalar',
    './dense/kernel@histogram',
    './inputs/image/0@image',
    './inputs/image/1@image',
    './gray/image@image',
    './notes@text',
    'eval/accuracy@scalar',
    'eval/loss@scalar',
  ];

  it('writes files the independent oracle accepts strictly: scalars, histograms, images, text, graph', async () => {
    const logdir = tmp();
    await writeEveryKind(logdir);
    const report = expectEventFiles(logdir, { strict: true, expect: everyKind });
    expect(report.issues).toEqual([]);
    const run = report.runs['.']!;
    expect(run.graphDefs).toHaveLength(1);
    expect(run.tags['dense/kernel']!.points.at(-1)!.value).toMatchObject({ buckets: 30, count: 32 });
    expect(run.tags.loss!.points.map((p) => [p.step, p.value])).toEqual([
      [1, 1],
      [2, 0.5],
      [3, Math.fround(1 / 3)],
    ]);
    expect(run.tags['inputs/image/0']!.points[0]!.value).toMatchObject({ width: 6, height: 5, format: 'png' });
    expect(run.tags.notes!.points[0]!.value).toBe('hello **TensorBoard**');
    expect(report.runs.eval!.tags.accuracy!.points[0]!.value).toBe(Math.fround(0.9));
  });

  itWithTool({ describe, it }, pythonChecker, 'writes files tfevents_check.py --strict accepts too', async () => {
    const logdir = tmp();
    await writeEveryKind(logdir);
    const r = runChecker(logdir, '--strict', ...everyKind.flatMap((e) => ['--expect', e]));
    expect(r.report.issues).toEqual([]);
    expect(r.status).toBe(0);
    expect(r.report.ok).toBe(true);
    expect(r.report.warnings).toBe(0);
    const run = r.report.runs['.']!;
    expect(run.graph_def_events).toBe(1);
    expect(run.tags['dense/kernel']!.last_value).toMatchObject({ buckets: 30, count: 32 });
    expect(run.tags.loss!.count).toBe(3);
    expect(run.tags['inputs/image/0']!.last_value).toMatchObject({ width: 6, height: 5, format: 'png' });
  });

  it('flushes buffered events when the process exits without close()', async () => {
    const logdir = tmp();
    const entry = new URL('../../dist/node/index.js', import.meta.url).pathname;
    const script = `import { createFileWriter } from ${JSON.stringify(entry)};
      const w = createFileWriter(${JSON.stringify(logdir)}, { flushSecs: 3600 });
      for (let i = 0; i < 5; i++) w.scalar('loss', i, i);
      process.exit(0);`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const steps: number[] = [];
    for await (const ev of readEvents(logdir)) for (const v of ev.summary?.value ?? []) steps.push(scalarValue(v)!);
    expect(steps).toEqual([0, 1, 2, 3, 4]);
  });

  it('lets a process with an open writer exit on its own (the timer is unref-ed)', () => {
    const logdir = tmp();
    const entry = new URL('../../dist/node/index.js', import.meta.url).pathname;
    const script = `import { createFileWriter } from ${JSON.stringify(entry)};
      const w = createFileWriter(${JSON.stringify(logdir)}, { flushSecs: 1 });
      w.scalar('loss', 1, 1);`;
    // A timer that held the process would end in the guard's SIGTERM (status null), not exit status 0.
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
    expect([r.signal, r.status]).toEqual([null, 0]);
    const file = join(logdir, readdirSync(logdir)[0]!);
    expect(readFileSync(file).length).toBeGreaterThan(40); // header + the scalar, flushed on exit
  });

  it('keeps every flushed event, whole, when the process is killed (SIGKILL); loses only what was not flushed', async () => {
    const logdir = tmp();
    const entry = new URL('../../dist/node/index.js', import.meta.url).pathname;
    // No timer flush (flushSecs one hour): the test decides what is flushed and when the process dies.
    const script = `import { createFileWriter } from ${JSON.stringify(entry)};
      const w = createFileWriter(${JSON.stringify(logdir)}, { flushSecs: 3600 });
      for (let step = 0; step < 40; step++) w.scalar('loss', step, step);
      await w.flush();
      for (let step = 40; step < 45; step++) w.scalar('loss', step, step);
      console.log('flushed 40, buffered 5');
      setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const said = await new Promise<string>((resolve) => child.stdout!.once('data', (d) => resolve(String(d))));
    expect(said.trim()).toBe('flushed 40, buffered 5');
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    const written: number[] = [];
    for await (const ev of readEvents(logdir)) for (const v of ev.summary?.value ?? []) written.push(scalarValue(v)!);
    // Everything flushed before the kill, in order, no partial record; the buffered tail is what a crash loses.
    expect(written).toEqual(Array.from({ length: 40 }, (_, i) => i));
  });

  it('readEvents names the file and offset of a damaged record', async () => {
    const logdir = tmp();
    const w = createFileWriter(logdir);
    w.scalar('a', 1, 1);
    w.scalar('b', 2, 2);
    await w.close();
    const file = join(logdir, readdirSync(logdir)[0]!);
    const bytes = readFileSync(file);
    const offsets: number[] = [];
    for await (const ev of readEvents(file)) offsets.push(ev.offset!);
    bytes[offsets[2]! + 20]! ^= 0x40;
    writeFileSync(file, bytes);
    const seen: string[] = [];
    const err = await (async () => {
      try {
        for await (const ev of readEvents(logdir)) seen.push(ev.summary?.value[0]?.tag ?? 'header');
      } catch (e) {
        return e;
      }
    })();
    expect(seen).toEqual(['header', 'a']); // records before the damage are delivered
    expect(err).toBeInstanceOf(EventFileCorruptError);
    expect(err).toMatchObject({ kind: 'data-crc', offset: offsets[2], source: file });
    expect((err as Error).message).toContain(file);
    await expect(readEvents(join(logdir, 'missing')).next()).rejects.toMatchObject({ code: 'SUMMARY_IO' });
  });
});
