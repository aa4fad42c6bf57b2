import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fashionMnistTool, itWithTool } from '@estimatorjs/testing';
import { describe, expect, it } from 'vitest';
import { embeddedDigits, loadMnist, readIdxDir } from './mnist-data.js';

const fashion = fashionMnistTool();

function idx(type: number, dims: number[], body: Uint8Array): Uint8Array {
  const header = new Uint8Array(4 + dims.length * 4);
  const view = new DataView(header.buffer);
  header[2] = type;
  header[3] = dims.length;
  for (const [i, d] of dims.entries()) view.setUint32(4 + i * 4, d);
  const out = new Uint8Array(header.length + body.length);
  out.set(header);
  out.set(body, header.length);
  return out;
}

describe('MNIST data', () => {
  it('splits the embedded digits 8,000 / 2,000 the same way every time', () => {
    const a = embeddedDigits();
    expect([a.train.count, a.eval.count]).toEqual([8000, 2000]);
    expect(a.train.images.length).toBe(8000 * 784);
    const counts = new Array(10).fill(0);
    for (const l of a.train.labels) counts[l]++;
    for (const c of counts) expect(c).toBeGreaterThan(600);
    const b = embeddedDigits();
    expect(b.eval.labels).toEqual(a.eval.labels);
    expect(Math.max(...a.train.images.subarray(0, 784))).toBeLessThanOrEqual(1);
  });

  it('reads IDX files from --data_dir, scaled to [0, 1]', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idx-'));
    try {
      const pixels = new Uint8Array(3 * 784).map((_, i) => i % 256);
      writeFileSync(join(dir, 'train-images-idx3-ubyte'), idx(8, [3, 28, 28], pixels));
      writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idx(8, [3], new Uint8Array([1, 2, 3])));
      writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idx(8, [3, 28, 28], pixels));
      writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idx(8, [3], new Uint8Array([4, 5, 12])));
      await expect(readIdxDir(dir)).rejects.toThrow('eval label #2 is 12; expected a digit 0..9.');
      writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idx(8, [3], new Uint8Array([4, 5, 6])));
      const d = await loadMnist(dir);
      expect(d.source).toContain(dir);
      expect(Array.from(d.train.labels)).toEqual([1, 2, 3]);
      expect(d.train.images[255]).toBeCloseTo(1, 6);
      rmSync(join(dir, 't10k-labels-idx1-ubyte'));
      await expect(loadMnist(dir)).rejects.toThrow(/holds some MNIST IDX files but not t10k-labels-idx1-ubyte/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('falls back to the embedded digits when --data_dir has no IDX files', async () => {
    const d = await loadMnist('/nonexistent/dir');
    expect(d.source).toMatch(/embedded/);
  });

  itWithTool({ describe, it }, fashion, 'reads Debian’s gzipped Fashion-MNIST IDX files', async () => {
    const d = await loadMnist(fashion.dir!);
    expect([d.train.count, d.eval.count]).toEqual([60000, 10000]);
    expect(Array.from(d.train.labels.subarray(0, 5))).toEqual([9, 0, 0, 3, 0]);
  });
});
