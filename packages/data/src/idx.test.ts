import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describeWithTool, fashionMnistTool, tempModelDir } from '@estimatorjs/testing';
import { describe, expect, it } from 'vitest';
import { DataError } from './errors.js';
import { decodeIdx, parseIdx } from './idx.js';
import { readIdxFile } from './node/read-idx-file.js';

/** Builds an IDX buffer: ubyte (0x08) or big-endian float32 (0x0d) / int32 (0x0c) values. */
function idx(type: number, shape: number[], values: number[]): Uint8Array {
  const size = type === 0x08 ? 1 : 4;
  const out = new Uint8Array(4 + 4 * shape.length + values.length * size);
  const view = new DataView(out.buffer);
  out[2] = type;
  out[3] = shape.length;
  shape.forEach((d, i) => {
    view.setUint32(4 + 4 * i, d, false);
  });
  const off = 4 + 4 * shape.length;
  values.forEach((v, i) => {
    if (type === 0x08) out[off + i] = v;
    else if (type === 0x0d) view.setFloat32(off + 4 * i, v, false);
    else view.setInt32(off + 4 * i, v, false);
  });
  return out;
}

describe('parseIdx', () => {
  it('reads ubyte, int32 and float32 files', () => {
    expect(parseIdx(idx(0x08, [2, 3], [1, 2, 3, 4, 5, 255]))).toEqual({
      shape: [2, 3],
      dtype: 'uint8',
      data: new Uint8Array([1, 2, 3, 4, 5, 255]),
    });
    const f = parseIdx(idx(0x0d, [3], [1.5, -2, 3]));
    expect(f.dtype).toBe('float32');
    expect(Array.from(f.data)).toEqual([1.5, -2, 3]);
    expect(Array.from(parseIdx(idx(0x0c, [2], [-7, 70000])).data)).toEqual([-7, 70000]);
  });

  it('names expected vs received magic', () => {
    expect(() => parseIdx(new Uint8Array([1, 2, 3, 4, 5]))).toThrow(/Expected magic 00 00 .* received 01 02 03 04/);
    expect(() => parseIdx(gzipSync(idx(0x08, [1], [1])))).toThrow(/use decodeIdx/);
  });

  it('reports a truncated body with expected vs actual bytes', () => {
    const full = idx(0x08, [4, 4], new Array(16).fill(1));
    let err: unknown;
    try {
      parseIdx(full.subarray(0, full.length - 3));
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DataError);
    expect((err as DataError).code).toBe('DATA_LOSS');
    expect((err as Error).message).toMatch(/needs 28 bytes, got 25/);
  });
});

describe('decodeIdx', () => {
  it('decodes gzip', async () => {
    const raw = idx(0x08, [3], [9, 8, 7]);
    const d = await decodeIdx(gzipSync(raw));
    expect(d.shape).toEqual([3]);
    expect(Array.from(d.data)).toEqual([9, 8, 7]);
  });

  it('a truncated gzip is a DataError', async () => {
    const gz = gzipSync(
      idx(
        0x08,
        [1000],
        new Array(1000).fill(3).map((v, i) => (v * i) % 251),
      ),
    );
    await expect(decodeIdx(gz.subarray(0, gz.length - 10))).rejects.toThrow(/not a valid gzip stream/);
  });
});

describe('readIdxFile', () => {
  it('reads plain and .gz files, and names a missing path', async () => {
    const { dir, cleanup } = tempModelDir('idx-');
    try {
      const raw = idx(0x08, [2, 2], [1, 2, 3, 4]);
      await writeFile(join(dir, 'a-idx2-ubyte'), raw);
      await writeFile(join(dir, 'a-idx2-ubyte.gz'), gzipSync(raw));
      expect((await readIdxFile(join(dir, 'a-idx2-ubyte'))).shape).toEqual([2, 2]);
      expect(Array.from((await readIdxFile(join(dir, 'a-idx2-ubyte.gz'))).data)).toEqual([1, 2, 3, 4]);
      const missing = join(dir, 'nope.gz');
      await expect(readIdxFile(missing)).rejects.toThrow(new RegExp(`cannot read '${missing}' \\(ENOENT\\)`));
      await expect(readIdxFile(missing)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    } finally {
      cleanup();
    }
  });
});

const fashion = fashionMnistTool();
const FASHION = fashion.dir;

describeWithTool({ describe, it }, fashion, "Debian's dataset-fashion-mnist", () => {
  it('reads the real Fashion-MNIST files', async () => {
    const labels = await readIdxFile(join(FASHION!, 't10k-labels-idx1-ubyte.gz'));
    expect(labels.shape).toEqual([10000]);
    expect(Math.max(...labels.data)).toBe(9);
    const images = await readIdxFile(join(FASHION!, 't10k-images-idx3-ubyte.gz'));
    expect(images.shape).toEqual([10000, 28, 28]);
  });
});
