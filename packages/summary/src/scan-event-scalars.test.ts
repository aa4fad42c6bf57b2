import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { encodeTFRecords, ProtoWriter } from '@estimatorjs/io';
import { tfEventFixtures } from '@estimatorjs/testing';
import { describe, expect, it } from 'vitest';
import { EventFileCorruptError } from './errors.js';
import type { Event } from './event.js';
import { scalarValue } from './event-decoder.js';
import { EventWriter } from './event-writer.js';
import { MemoryEventSink } from './memory-event-sink.js';
import { readEventRecords } from './read-event-records.js';
import { scanEventScalars } from './scan-event-scalars.js';

type Hit = [tag: string, step: number, wallTime: number, value: number];

/** The fast path's scalars and the offsets of the records it decoded in full. */
function scan(bytes: Uint8Array, options = {}) {
  const scalars: Hit[] = [];
  const events: Event[] = [];
  const consumed = scanEventScalars(
    bytes,
    { scalar: (tag, step, w, v) => scalars.push([tag, step, w, v]), event: (e) => events.push(e) },
    options,
  );
  return { scalars, events, consumed };
}

/** The reference: every record decoded in full, and every value `scalarValue` reads as a number. */
function reference(bytes: Uint8Array): Hit[] {
  const out: Hit[] = [];
  for (const ev of readEventRecords(bytes))
    for (const v of ev.summary?.value ?? []) {
      const x = scalarValue(v);
      if (x !== undefined && !v.histo && !v.image) out.push([v.tag, ev.step, ev.wallTime, x]);
    }
  return out;
}

/** One event record, `summary` filled by hand (field numbers from tensorflow/core/util/event.proto). */
function event(step: number, fill: (summary: ProtoWriter) => void): Uint8Array {
  return new ProtoWriter().double(1, 1700000000.25).varint(2, step).message(5, fill).finish();
}

describe('scanEventScalars', () => {
  for (const dir of ['tf2_summary_scalar', 'tf1_estimator_simple_value', 'keras_tf2_prefix']) {
    it(`finds the same scalars as the full decoder in TF's ${dir} file`, () => {
      const name = readdirSync(join(tfEventFixtures, dir))[0]!;
      const bytes = new Uint8Array(readFileSync(join(tfEventFixtures, dir, name)));
      const fast = scan(bytes);
      const want = reference(bytes);
      expect(want.length).toBeGreaterThan(0);
      expect(fast.scalars.concat(fast.events.flatMap((e) => reference1(e)))).toEqual(expect.arrayContaining(want));
      expect(fast.scalars.length + fast.events.flatMap((e) => reference1(e)).length).toBe(want.length);
      expect(fast.consumed).toBe(bytes.length);
      // TF's scalar records all take the fast path
      expect(fast.scalars).toHaveLength(want.length);
      // file_version always goes the general way
      expect(fast.events[0]!.fileVersion).toBe('brain.Event:2');
    });
  }

  it('reads what EventWriter writes (tensor scalars with metadata) on the fast path', async () => {
    const sink = new MemoryEventSink();
    const w = new EventWriter(sink, { flushSecs: 0 });
    w.scalar('loss', 0.75, 1);
    w.scalar('loss', -2.5, 2);
    w.text('notes', 'hello', 2);
    await w.close();
    const fast = scan(sink.bytes());
    expect(fast.scalars.map(([t, s, , v]) => [t, s, v])).toEqual([
      ['loss', 1, 0.75],
      ['loss', 2, -2.5],
    ]);
    expect(fast.events.map((e) => e.fileVersion ?? e.summary?.value[0]?.tag)).toEqual(['brain.Event:2', 'notes']);
  });

  it('reads simple_value, float_val, double_val and tensor_content by hand-built records', () => {
    const bytes = encodeTFRecords([
      event(1, (s) => s.message(1, (v) => v.string(1, 'a').float(2, 0.5))),
      event(2, (s) =>
        s.message(1, (v) =>
          v
            .string(1, 'b')
            .message(9, (m) => m.message(1, (p) => p.string(1, 'scalars')).string(2, 'B'))
            .message(8, (t) =>
              t
                .varint(1, 1)
                .message(2, () => undefined)
                .packedFloat(5, [2.5]),
            ),
        ),
      ),
      event(3, (s) => s.message(1, (v) => v.string(1, 'c').message(8, (t) => t.varint(1, 2).double(6, 1 / 3)))),
      event(4, (s) => {
        const content = new Uint8Array(new Float64Array([Math.PI]).buffer);
        s.message(1, (v) => v.string(1, 'd').message(8, (t) => t.varint(1, 2).bytes(4, content)));
        s.message(1, (v) => v.string(1, 'e').float(2, 7));
      }),
      // int32 tensor_content: the general path
      event(5, (s) =>
        s.message(1, (v) => v.string(1, 'f').message(8, (t) => t.varint(1, 3).bytes(4, new Uint8Array([9, 0, 0, 0])))),
      ),
      // two elements: not a scalar at all
      event(6, (s) => s.message(1, (v) => v.string(1, 'g').message(8, (t) => t.varint(1, 1).packedFloat(5, [1, 2])))),
      // a scalar and a histogram in one summary: the whole record goes the general way
      event(7, (s) => {
        s.message(1, (v) => v.string(1, 'h').float(2, 1));
        s.message(1, (v) => v.string(1, 'i').message(5, (hh) => hh.double(1, 0).double(2, 1)));
      }),
    ]);
    const fast = scan(bytes);
    const w = 1700000000.25;
    expect(fast.scalars).toEqual([
      ['a', 1, w, 0.5],
      ['b', 2, w, 2.5],
      ['c', 3, w, 1 / 3],
      ['d', 4, w, Math.PI],
      ['e', 4, w, 7],
    ]);
    expect(fast.events.map((e) => e.step)).toEqual([5, 6, 7]);
    expect(reference(bytes)).toEqual([...fast.scalars, ['f', 5, w, 9], ['h', 7, w, 1]]);
  });

  it('reads a repeated tag from its last layout only while the bytes before the value are the same', () => {
    // The fast path reuses a tag's layout (metadata, tensor header) when the bytes match; every change of layout
    // must be read afresh. The reference decodes every record in full.
    const tensorScalar = (plugin: string, x: number) => (v: ProtoWriter) =>
      v
        .string(1, 'loss')
        .message(9, (m) => m.message(1, (p) => p.string(1, plugin)))
        .message(8, (t) =>
          t
            .varint(1, 1)
            .message(2, () => undefined)
            .packedFloat(5, [x]),
        );
    const bytes = encodeTFRecords([
      event(1, (s) => s.message(1, tensorScalar('scalars', 0.5))),
      event(2, (s) => s.message(1, tensorScalar('scalars', -2))),
      // same length, another plugin: not a scalar (the general path)
      event(3, (s) => s.message(1, tensorScalar('scalarz', 9))),
      event(4, (s) => s.message(1, (v) => v.string(1, 'loss').float(2, 0.25))),
      event(5, (s) => s.message(1, (v) => v.string(1, 'loss').float(2, 0.125))),
      // a double instead of a float: eight value bytes
      event(6, (s) => s.message(1, (v) => v.string(1, 'loss').message(8, (t) => t.varint(1, 2).double(6, 1 / 3)))),
      event(7, (s) => s.message(1, (v) => v.string(1, 'loss').message(8, (t) => t.varint(1, 2).double(6, 1 / 7)))),
      // the value before the metadata: the value is not last, read in full every time
      event(8, (s) =>
        s.message(1, (v) =>
          v
            .string(1, 'loss')
            .float(2, 3)
            .message(9, (m) => m.string(2, 'd')),
        ),
      ),
      event(9, (s) =>
        s.message(1, (v) =>
          v
            .string(1, 'loss')
            .float(2, 4)
            .message(9, (m) => m.string(2, 'd')),
        ),
      ),
      event(10, (s) => s.message(1, tensorScalar('scalars', 1.5))),
    ]);
    const fast = scan(bytes);
    const w = 1700000000.25;
    expect(fast.scalars).toEqual([
      ['loss', 1, w, 0.5],
      ['loss', 2, w, -2],
      ['loss', 4, w, 0.25],
      ['loss', 5, w, 0.125],
      ['loss', 6, w, 1 / 3],
      ['loss', 7, w, 1 / 7],
      ['loss', 8, w, 3],
      ['loss', 9, w, 4],
      ['loss', 10, w, 1.5],
    ]);
    expect(fast.events.map((e) => e.step)).toEqual([3]);
    expect(reference(bytes).filter(([, step]) => step !== 3)).toEqual(fast.scalars);
  });

  it('stops at a record being written and reports damage with its offset', () => {
    const one = event(1, (s) => s.message(1, (v) => v.string(1, 'a').float(2, 1)));
    const bytes = encodeTFRecords([one, one]);
    const cut = bytes.subarray(0, bytes.length - 3);
    expect(scan(cut, { onTruncated: 'stop' })).toMatchObject({ consumed: one.length + 16 });
    const bad = bytes.slice();
    const at = one.length + 16 + 14; // a data byte of the second record
    bad[at] = bad[at]! ^ 0xff;
    const seen: Hit[] = [];
    let error: unknown;
    try {
      scanEventScalars(bad, { scalar: (t, s, w, v) => seen.push([t, s, w, v]), event: () => undefined });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(EventFileCorruptError);
    expect((error as EventFileCorruptError).offset).toBe(one.length + 16);
    expect(seen).toHaveLength(1);
  });
});

function reference1(e: Event): Hit[] {
  return (e.summary?.value ?? []).flatMap((v) => {
    const x = scalarValue(v);
    return x !== undefined && !v.histo && !v.image ? [[v.tag, e.step, e.wallTime, x] as Hit] : [];
  });
}
