import { join } from 'node:path';
import { createFileWriter } from '@estimatorjs/summary/node';
import { checkEventFiles, tempModelDir, tfEventFixtures } from '@estimatorjs/testing';
import { describe, expect, it } from 'vitest';
import { LogdirIndex } from './logdir-index.js';

const clock = { now: () => 1_700_000_000_000, every: () => () => undefined };

describe('histograms, images and text', () => {
  it('reads the Keras-written histogram and image tensors as the oracle does', async () => {
    const index = new LogdirIndex(join(tfEventFixtures, 'keras_tf2_prefix'));
    await index.refresh();
    const oracle = checkEventFiles(join(tfEventFixtures, 'keras_tf2_prefix')).runs['.']!.tags;
    const histograms = index.histograms()['.']!;
    const images = index.images()['.']!;
    const wantHistograms = Object.keys(oracle).filter((t) => oracle[t]!.kind === 'histogram');
    const wantImages = Object.keys(oracle).filter((t) => oracle[t]!.kind === 'image');
    expect(Object.keys(histograms).sort()).toEqual(wantHistograms.sort());
    expect(Object.keys(images).sort()).toEqual(wantImages.sort());
    expect(wantHistograms).toHaveLength(4);
    for (const tag of wantHistograms) {
      const want = oracle[tag]!.points.map((p) => p.value as { buckets: number; count: number; min: number });
      const got = histograms[tag]!;
      expect(got.map((p) => p[2].length)).toEqual(want.map((w) => w.buckets));
      expect(got.map((p) => p[2].reduce((s, r) => s + r[2], 0))).toEqual(want.map((w) => w.count));
      expect(got.map((p) => p[2][0]![0])).toEqual(want.map((w) => w.min));
    }
    for (const tag of wantImages) {
      const want = oracle[tag]!.points.map((p) => p.value as { images: number; width: number; height: number });
      const got = images[tag]!;
      expect(got.map((p) => [p.count, p.width, p.height])).toEqual(want.map((w) => [w.images, w.width, w.height]));
      const png = index.imageBytes('.', tag, 0, 0)!;
      expect([...png.subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);
    }
    expect(index.imageBytes('.', wantImages[0]!, 0, 99)).toBeUndefined();
  });

  it('reads histograms and text from the summary writer, with counts and edges from the values written', async () => {
    const { dir, cleanup } = tempModelDir('board-values-');
    try {
      const w = createFileWriter(dir, { flushSecs: 0, clock });
      w.histogram('weights', [1, 2, 2, 3, 3, 3], 7, { buckets: 3 });
      w.text('notes', '**lr** = 0.01', 7);
      await w.close();
      const index = new LogdirIndex(dir);
      await index.refresh();
      const [point] = index.histograms()['.']!.weights!;
      expect(point![0]).toBe(7);
      const rows = point![2];
      expect(rows.reduce((s, r) => s + r[2], 0)).toBe(6);
      expect(rows[0]![0]).toBe(1);
      expect(rows.at(-1)![1]).toBe(3);
      expect(index.texts()).toEqual({ '.': { notes: [[7, 1_700_000_000, '**lr** = 0.01']] } });
      expect(index.tags()['.']).toEqual([]); // neither is a scalar
    } finally {
      cleanup();
    }
  });
});
