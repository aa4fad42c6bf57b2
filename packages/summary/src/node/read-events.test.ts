import { join } from 'node:path';
import { tfEventFixtures as testdataDir } from '@estimatorjs/testing';
import { describe, expect, it } from 'vitest';
import type { Event } from '../event.js';
import { scalarValue, tensorValues } from '../event-decoder.js';
import { decodeGraphDef } from '../graph-def.js';
import { readEvents } from './read-events.js';

async function all(path: string): Promise<Event[]> {
  const out: Event[] = [];
  for await (const ev of readEvents(path)) out.push(ev);
  return out;
}

describe('readEvents on real TF-written files (@estimatorjs/testing testdata)', () => {
  it('reads TF2 tf.summary.scalar files', async () => {
    const events = await all(join(testdataDir, 'tf2_summary_scalar'));
    expect(events).toHaveLength(101);
    expect(events[0]!.fileVersion).toBe('brain.Event:2');
    expect(events[0]!.wallTime).toBe(1585499054);
    const values = events.slice(1).map((e) => [e.step, e.summary!.value[0]!.tag, scalarValue(e.summary!.value[0]!)]);
    expect(values[0]).toEqual([0, 'my_metric', 0]);
    expect(values[99]).toEqual([99, 'my_metric', 49.5]);
    expect(events[5]!.summary!.value[0]!.metadata?.pluginName).toBe('scalars');
    expect(events[5]!.offset).toBe(306); // as tfevents_check.py --dump reports it
  });

  it('reads TF1 simple_value files', async () => {
    const events = await all(join(testdataDir, 'tf1_estimator_simple_value', 'end_2_end.tfevents'));
    expect(events).toHaveLength(25);
    const v = events[1]!.summary!.value[0]!;
    expect(v.tag).toBe('train_begin');
    expect(v.simpleValue).toBe(0);
    expect(scalarValue(v)).toBe(0);
  });

  it('reads a Keras TF2 file: graph, scalars, [30, 3] DT_DOUBLE histograms and PNG images', async () => {
    const events = await all(join(testdataDir, 'keras_tf2_prefix'));
    expect(events).toHaveLength(13);
    const graph = events.find((e) => e.graphDef);
    const { nodes } = decodeGraphDef(graph!.graphDef!);
    expect(nodes.length).toBeGreaterThan(10);
    expect(nodes.every((n) => n.name && n.op)).toBe(true);
    expect(nodes.some((n) => n.name.startsWith('sequential/') || n.name.includes('dense'))).toBe(true);
    const values = events.flatMap((e) => e.summary?.value ?? []);
    const loss = values.find((v) => v.tag === 'epoch_loss')!;
    expect(scalarValue(loss)).toBeCloseTo(0.703149, 5);
    const hist = values.find((v) => v.tag === 'dense/bias_0/histogram')!;
    expect(hist.tensor?.dtypeName).toBe('DT_DOUBLE');
    expect(hist.tensor?.shape).toEqual([30, 3]);
    const rows = tensorValues(hist.tensor!) as number[];
    expect(rows.filter((_, i) => i % 3 === 2).reduce((a, b) => a + b, 0)).toBe(512);
    const img = values.find((v) => v.tag === 'dense/kernel_0/image')!;
    expect(img.metadata?.pluginName).toBe('images');
    const strings = tensorValues(img.tensor!) as Uint8Array[];
    expect(strings).toHaveLength(3);
    expect([...strings[2]!.subarray(1, 4)]).toEqual([0x50, 0x4e, 0x47]); // "PNG"
  });
});
