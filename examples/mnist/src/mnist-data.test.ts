import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
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

  it('holds each embedded digit once: the images are the JSON pixels in float32, and no parsed file stays cached', () => {
    const require = createRequire(import.meta.url);
    const isDigitFile = (k: string) => /mnist[\\/]src[\\/]digits[\\/]\d\.json$/.test(k);
    const { train, eval: held } = embeddedDigits();
    expect(Object.keys(require.cache).filter(isDigitFile)).toEqual([]);
    // Independent reference: every image of the package's files, rounded to float32, keyed by its bytes.
    const expected = new Map<string, number>();
    for (let d = 0; d < 10; d++) {
      const raw = (
        JSON.parse(readFileSync(require.resolve(`mnist/src/digits/${d}.json`), 'utf8')) as { data: number[] }
      ).data;
      for (let off = 0; off + 784 <= raw.length; off += 784) {
        const pixels = new Float32Array(raw.slice(off, off + 784));
        expected.set(createHash('sha1').update(new Uint8Array(pixels.buffer)).digest('hex'), d);
      }
    }
    let found = 0;
    for (const set of [train, held]) {
      for (let i = 0; i < set.count; i++) {
        const bytes = new Uint8Array(set.images.buffer, set.images.byteOffset + i * 784 * 4, 784 * 4);
        const label = expected.get(createHash('sha1').update(bytes).digest('hex'));
        expect(label).toBe(set.labels[i]);
        found++;
      }
    }
    expect(found).toBe(10000);
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

  it('falls back to the embedded digits only when the default --data_dir has no IDX files', async () => {
    const d = await loadMnist('/nonexistent/dir');
    expect(d.source).toMatch(/embedded/);
    // A --data_dir the user named must hold the files.
    await expect(loadMnist('/nonexistent/dir', { explicit: true })).rejects.toThrow(
      '--data_dir /nonexistent/dir does not exist. Expected a directory with the MNIST IDX files, or leave --data_dir out to use the embedded digits.',
    );
    const empty = mkdtempSync(join(tmpdir(), 'idx-'));
    try {
      await expect(loadMnist(empty, { explicit: true })).rejects.toThrow(/holds none of the MNIST IDX files/);
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('rejects float images outside [0, 255] and IDX files with trailing bytes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'idx-'));
    try {
      const floats = new Float32Array(2 * 784).fill(128);
      floats[784 + 5] = 300;
      const bigEndian = new Uint8Array(floats.length * 4);
      const view = new DataView(bigEndian.buffer);
      for (const [i, v] of floats.entries()) view.setFloat32(i * 4, v);
      const pixels = new Uint8Array(2 * 784);
      writeFileSync(join(dir, 'train-images-idx3-ubyte'), idx(0x0d, [2, 28, 28], bigEndian));
      writeFileSync(join(dir, 'train-labels-idx1-ubyte'), idx(8, [2], new Uint8Array([1, 2])));
      writeFileSync(join(dir, 't10k-images-idx3-ubyte'), idx(8, [2, 28, 28], pixels));
      writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idx(8, [2], new Uint8Array([4, 5])));
      await expect(readIdxDir(dir)).rejects.toThrow(
        'train images hold 300 at value #789 (image #1); expected pixels in [0, 255] (the IDX file is float32).',
      );
      floats[784 + 5] = 255;
      for (const [i, v] of floats.entries()) view.setFloat32(i * 4, v);
      writeFileSync(join(dir, 'train-images-idx3-ubyte'), idx(0x0d, [2, 28, 28], bigEndian));
      expect((await readIdxDir(dir))?.train.images[789]).toBe(1);
      writeFileSync(join(dir, 't10k-labels-idx1-ubyte'), idx(8, [2], new Uint8Array([4, 5, 6])));
      await expect(readIdxDir(dir)).rejects.toThrow(/has 1 bytes after its data/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  itWithTool({ describe, it }, fashion, 'reads Debian’s gzipped Fashion-MNIST IDX files', async () => {
    const d = await loadMnist(fashion.dir!);
    expect([d.train.count, d.eval.count]).toEqual([60000, 10000]);
    expect(Array.from(d.train.labels.subarray(0, 5))).toEqual([9, 0, 0, 3, 0]);
  });
});
