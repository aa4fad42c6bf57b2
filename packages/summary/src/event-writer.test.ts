import { eventually, ManualClock, nextTurn, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { EventFileCorruptError, SummaryError } from './errors.js';
import type { Event } from './event.js';
import { scalarValue, tensorValues } from './event-decoder.js';
import { EventWriter } from './event-writer.js';
import { decodeGraphDef } from './graph-def.js';
import { MemoryEventSink } from './memory-event-sink.js';
import { readEventRecords } from './read-event-records.js';
import type { EventSink } from './summary-writer.js';

function summaries(events: readonly Event[]) {
  return events.flatMap((e) => (e.summary?.value ?? []).map((v) => ({ step: e.step, wallTime: e.wallTime, v })));
}

describe('EventWriter', () => {
  beforeAll(() => setupTestBackend('cpu'));

  it('starts with brain.Event:2, then scalars as TF2 tensor summaries', async () => {
    const sink = new MemoryEventSink();
    const clock = new ManualClock(1_700_000_000_250);
    const w = new EventWriter(sink, { flushSecs: 0, clock });
    w.scalar('loss', 0.5, 1);
    clock.advance(1500);
    w.scalar('loss', 0.25, 2);
    w.scalar('global_step/sec', 12.5, 2);
    await w.close();
    const events = readEventRecords(sink.bytes());
    expect(events[0]?.fileVersion).toBe('brain.Event:2');
    expect(events[0]?.offset).toBe(0);
    const s = summaries(events);
    expect(s.map((x) => [x.v.tag, x.step, scalarValue(x.v)])).toEqual([
      ['loss', 1, 0.5],
      ['loss', 2, 0.25],
      ['global_step/sec', 2, 12.5],
    ]);
    const v = s[0]!.v;
    expect(v.metadata?.pluginName).toBe('scalars');
    expect(v.metadata?.dataClass).toBe(1);
    expect(v.tensor?.dtypeName).toBe('DT_FLOAT');
    expect(v.tensor?.shape).toEqual([]);
    // wall_time is seconds since the epoch (a double), from the writer's clock.
    expect(events[0]!.wallTime).toBe(1_700_000_000.25);
    expect(s.map((x) => x.wallTime)).toEqual([1_700_000_000.25, 1_700_000_001.75, 1_700_000_001.75]);
    expect(sink.closed).toBe(true);
  });

  it('writes SessionLog START as event.proto field 7 (bytes checked by hand)', async () => {
    const sink = new MemoryEventSink();
    const w = new EventWriter(sink, { flushSecs: 0 });
    w.sessionLog('start', 10, { checkpointPath: 'model.ckpt-10' });
    expect(() => w.sessionLog('bogus' as never, 1)).toThrow(/status must be 'start', 'stop' or 'checkpoint'/);
    await w.close();
    const events = readEventRecords(sink.bytes());
    expect(events[1]).toMatchObject({ step: 10, sessionLog: { status: 1, checkpointPath: 'model.ckpt-10', msg: '' } });
    // Field 7, length 17: status (field 1) = START (1), checkpoint_path (field 2) = 13 bytes.
    const expected = [0x3a, 0x11, 0x08, 0x01, 0x12, 0x0d, ...new TextEncoder().encode('model.ckpt-10')];
    const hexOf = (b: ArrayLike<number>) => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
    expect(hexOf(sink.bytes())).toContain(hexOf(expected));
  });

  it('buffers until flush, keeps order, and close() is idempotent', async () => {
    const sink = new MemoryEventSink();
    const w = new EventWriter(sink, { flushSecs: 0 });
    await w.flush();
    const headerOnly = sink.bytes().length;
    w.scalar('a', 1, 1);
    expect(sink.bytes().length).toBe(headerOnly);
    await w.flush();
    expect(sink.bytes().length).toBeGreaterThan(headerOnly);
    const p1 = w.close();
    const p2 = w.close();
    expect(p1).toBe(p2);
    await p1;
    expect(w.closed).toBe(true);
    expect(() => w.scalar('a', 1, 2)).toThrow(SummaryError);
    try {
      w.scalar('a', 1, 2);
    } catch (e) {
      expect((e as SummaryError).code).toBe('SUMMARY_CLOSED');
    }
  });

  it('flushes on its timer and when maxQueue events are buffered', async () => {
    const sink = new MemoryEventSink();
    const clock = new ManualClock();
    const w = new EventWriter(sink, { flushSecs: 0.05, clock });
    expect(clock.activeTimers).toEqual([50]);
    await w.flush();
    w.scalar('t', 1, 1);
    clock.advance(49);
    await nextTurn();
    expect(summaries(readEventRecords(sink.bytes()))).toHaveLength(0);
    clock.advance(1); // the timer fires: a background flush, with nobody awaiting it
    await eventually(() => summaries(readEventRecords(sink.bytes())).length === 1, 'the timed flush');
    await w.close();
    expect(clock.activeTimers).toEqual([]); // close() stops the timer

    const sink2 = new MemoryEventSink();
    const w2 = new EventWriter(sink2, { flushSecs: 0, maxQueue: 3 });
    for (let i = 0; i < 3; i++) w2.scalar('q', i, i);
    for (let i = 0; i < 10; i++) await Promise.resolve(); // no timer involved: a few microtasks suffice
    expect(summaries(readEventRecords(sink2.bytes()))).toHaveLength(3);
    await w2.close();
  });

  it('rejects bad arguments with the API name and what was received', () => {
    const w = new EventWriter(new MemoryEventSink(), { flushSecs: 0 });
    expect(() => w.scalar('', 1, 1)).toThrow(/EventWriter.scalar\(\): tag must be a non-empty string/);
    expect(() => w.scalar('x', 1, -1)).toThrow(/non-negative integer, received -1/);
    expect(() => w.scalar('x', 1, 1.5)).toThrow(/received 1.5/);
    expect(() => w.scalar('x', '1' as unknown as number, 1)).toThrow(/must be a number, received string/);
    expect(() => new EventWriter(new MemoryEventSink(), { flushSecs: -1 })).toThrow(/flushSecs must be >= 0/);
    void w.close();
  });

  it('reports a failing sink on the next flush and every later one, and stops appending to it', async () => {
    let fail = true;
    const chunks: Uint8Array[] = [];
    const sink: EventSink = {
      name: 'flaky',
      async append(b) {
        if (fail) throw new Error('disk full');
        chunks.push(b);
      },
      async close() {},
    };
    const w = new EventWriter(sink, { flushSecs: 0 });
    w.scalar('x', 1, 1);
    await expect(w.flush()).rejects.toMatchObject({
      code: 'SUMMARY_IO',
      message: expect.stringMatching(/flaky.*disk full/),
    });
    // Appending after a lost (or torn) record would leave a file whose later events are unreadable or headerless.
    fail = false;
    w.scalar('x', 2, 2);
    await expect(w.flush()).rejects.toThrow(/flaky.*disk full/);
    await expect(w.close()).rejects.toThrow(/flaky.*disk full/);
    expect(chunks).toHaveLength(0);
    expect(w.flushSync()).toBe(0);
  });

  it('writes TF2 [k, 3] histograms from arrays and tensors, without leaking', async () => {
    const sink = new MemoryEventSink();
    const w = new EventWriter(sink, { flushSecs: 0 });
    w.histogram('h/array', [1, 2, 2, 3], 1, { buckets: 2 });
    const t = tf.tensor1d([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    const before = tf.memory().numTensors;
    w.histogram('h/tensor', t, 2);
    t.dispose(); // the caller may dispose right away
    await w.flush();
    expect(tf.memory().numTensors).toBe(before - 1);
    await w.close();
    const s = summaries(readEventRecords(sink.bytes()));
    expect(s[0]!.v.metadata?.pluginName).toBe('histograms');
    expect(s[0]!.v.tensor?.dtypeName).toBe('DT_DOUBLE');
    expect(s[0]!.v.tensor?.shape).toEqual([2, 3]);
    expect(tensorValues(s[0]!.v.tensor!)).toEqual([1, 2, 1, 2, 3, 3]);
    expect(s[1]!.v.tensor?.shape).toEqual([30, 3]);
    const vals = tensorValues(s[1]!.v.tensor!) as number[];
    expect(vals.filter((_, i) => i % 3 === 2).reduce((a, b) => a + b, 0)).toBe(10);
    expect(s[1]!.step).toBe(2);
  });

  it('keeps event order when tensor reads finish later than plain writes', async () => {
    const sink = new MemoryEventSink();
    const w = new EventWriter(sink, { flushSecs: 0 });
    const t = tf.ones([4, 4, 1]);
    w.scalar('first', 1, 1);
    w.image('img', t, 1);
    w.histogram('hist', t, 1);
    w.scalar('last', 1, 1);
    t.dispose();
    await w.close();
    expect(summaries(readEventRecords(sink.bytes())).map((x) => x.v.tag)).toEqual([
      'first',
      'img/image',
      'hist',
      'last',
    ]);
  });

  it('writes PNG images: one per tag/image/<i>, at most maxOutputs, without leaking', async () => {
    const sink = new MemoryEventSink();
    const w = new EventWriter(sink, { flushSecs: 0 });
    const batch = tf.tidy(() => tf.div(tf.reshape(tf.range(0, 5 * 2 * 3 * 3), [5, 2, 3, 3]), 90));
    const before = tf.memory().numTensors;
    w.image('inputs', batch, 7, { maxOutputs: 2 });
    await w.flush();
    expect(tf.memory().numTensors).toBe(before);
    batch.dispose();
    await w.close();
    const s = summaries(readEventRecords(sink.bytes()));
    expect(s.map((x) => x.v.tag)).toEqual(['inputs/image/0', 'inputs/image/1']);
    const v = s[0]!.v;
    expect(v.metadata?.pluginName).toBe('images');
    expect(v.metadata?.dataClass).toBe(3);
    expect(v.tensor?.dtypeName).toBe('DT_STRING');
    const [width, height, png] = v.tensor!.stringVal;
    expect(new TextDecoder().decode(width)).toBe('3');
    expect(new TextDecoder().decode(height)).toBe('2');
    expect([...png!.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it('rejects image tensors of the wrong rank or channel count', () => {
    const w = new EventWriter(new MemoryEventSink(), { flushSecs: 0 });
    const t = tf.zeros([2, 2]);
    expect(() => w.image('x', t, 0)).toThrow(/shape \[H, W, C\] or \[N, H, W, C\] with C in 1..4, received \[2, 2\]/);
    t.dispose();
    expect(() => w.image('x', t, 0)).toThrow(/live tfjs Tensor/);
    void w.close();
  });

  it('writes text as a DT_STRING tensor of the text plugin', async () => {
    const sink = new MemoryEventSink();
    const w = new EventWriter(sink, { flushSecs: 0 });
    w.text('notes', '# Run 1\nlr = **0.01** ✓', 3);
    await w.close();
    const [x] = summaries(readEventRecords(sink.bytes()));
    expect(x!.v.metadata?.pluginName).toBe('text');
    expect(x!.v.tensor?.shape).toEqual([]);
    expect(new TextDecoder().decode(x!.v.tensor!.stringVal[0])).toBe('# Run 1\nlr = **0.01** ✓');
  });

  it('writes a GraphDef event that decodes to the same nodes', async () => {
    const sink = new MemoryEventSink();
    const w = new EventWriter(sink, { flushSecs: 0 });
    w.graph([
      { name: 'x', op: 'Placeholder', dtype: 'float32', outputShapes: [[-1, 4]] },
      { name: 'dense/kernel', op: 'VariableV2', dtype: 'float32', outputShapes: [[4, 2]] },
      { name: 'dense/MatMul', op: 'MatMul', inputs: ['x', 'dense/kernel'], dtype: 'float32', outputShapes: [[-1, 2]] },
    ]);
    expect(() => w.graph([{ name: 'a', op: 'Relu', inputs: ['nope'] }])).toThrow(/no node is named 'nope'/);
    await w.close();
    const ev = readEventRecords(sink.bytes()).find((e) => e.graphDef);
    const g = decodeGraphDef(ev!.graphDef!);
    expect(g.nodes.map((n) => n.name)).toEqual(['x', 'dense/kernel', 'dense/MatMul']);
    expect(g.nodes[2]!.inputs).toEqual(['x', 'dense/kernel']);
    expect(g.nodes[2]!.attr.T).toEqual({ type: 'DT_FLOAT' });
    expect(g.nodes[0]!.attr.dtype).toEqual({ type: 'DT_FLOAT' });
    expect(g.nodes[0]!.attr._output_shapes).toEqual({ list: { shape: [[-1, 4]] } });
  });

  it('flushSync() writes buffered records synchronously', async () => {
    const sink = new MemoryEventSink();
    const w = new EventWriter(sink, { flushSecs: 0 });
    await w.flush();
    w.scalar('x', 1, 1);
    expect(w.flushSync()).toBeGreaterThan(0);
    expect(summaries(readEventRecords(sink.bytes()))).toHaveLength(1);
    await w.close();
  });
});

describe('readEventRecords', () => {
  async function sample(): Promise<Uint8Array> {
    const sink = new MemoryEventSink();
    const w = new EventWriter(sink, { flushSecs: 0 });
    w.scalar('a', 1, 1);
    w.scalar('b', 2, 2);
    await w.close();
    return sink.bytes().slice();
  }

  it('names the offset of a flipped payload byte', async () => {
    const bytes = await sample();
    const offsets = readEventRecords(bytes).map((e) => e.offset!);
    bytes[offsets[1]! + 14]! ^= 0xff;
    expect(() => readEventRecords(bytes)).toThrow(EventFileCorruptError);
    try {
      readEventRecords(bytes, { source: 'f' });
    } catch (e) {
      expect(e).toMatchObject({ kind: 'data-crc', offset: offsets[1], code: 'SUMMARY_CORRUPT', source: 'f' });
      expect((e as Error).message).toMatch(new RegExp(`f: corrupted record 1 at byte offset ${offsets[1]}: data CRC`));
    }
  });

  it('detects a corrupt length and a truncated tail; stop mode keeps the whole records', async () => {
    const bytes = await sample();
    const offsets = readEventRecords(bytes).map((e) => e.offset!);
    const badLen = bytes.slice();
    badLen[offsets[2]!]! ^= 1;
    expect(() => readEventRecords(badLen)).toThrow(expect.objectContaining({ kind: 'length-crc', offset: offsets[2] }));
    const cut = bytes.subarray(0, bytes.length - 3);
    expect(() => readEventRecords(cut)).toThrow(expect.objectContaining({ kind: 'truncated', offset: offsets[2] }));
    expect(readEventRecords(cut, { onTruncated: 'stop' })).toHaveLength(2);
    expect(() => readEventRecords(bytes.subarray(0, offsets[1]! + 5))).toThrow(/expected a 12-byte header/);
  });
});
