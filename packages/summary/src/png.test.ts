import { inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { encodePng } from './png.js';

/** Splits a PNG into chunks and returns IHDR fields and the inflated scanlines. */
function parsePng(png: Uint8Array) {
  const v = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect([...png.subarray(0, 8)]).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  let pos = 8;
  const types: string[] = [];
  const idat: Uint8Array[] = [];
  let width = 0;
  let height = 0;
  let colorType = -1;
  while (pos < png.length) {
    const len = v.getUint32(pos);
    const type = String.fromCharCode(...png.subarray(pos + 4, pos + 8));
    types.push(type);
    const data = png.subarray(pos + 8, pos + 8 + len);
    if (type === 'IHDR') {
      width = v.getUint32(pos + 8);
      height = v.getUint32(pos + 12);
      colorType = data[9]!;
    }
    if (type === 'IDAT') idat.push(data);
    pos += 12 + len;
  }
  return { types, width, height, colorType, raw: new Uint8Array(inflateSync(Buffer.concat(idat))) };
}

describe('encodePng', () => {
  for (const compression of ['deflate', 'store'] as const) {
    it(`encodes RGB pixels that zlib inflates back (${compression})`, async () => {
      const w = 5;
      const h = 3;
      const pixels = Uint8Array.from({ length: w * h * 3 }, (_, i) => (i * 7) & 0xff);
      const png = await encodePng(pixels, w, h, 3, { compression });
      const p = parsePng(png);
      expect(p.types).toEqual(['IHDR', 'IDAT', 'IEND']);
      expect([p.width, p.height, p.colorType]).toEqual([5, 3, 2]);
      for (let y = 0; y < h; y++) {
        expect(p.raw[y * (w * 3 + 1)]).toBe(0);
        expect([...p.raw.subarray(y * (w * 3 + 1) + 1, (y + 1) * (w * 3 + 1))]).toEqual([
          ...pixels.subarray(y * w * 3, (y + 1) * w * 3),
        ]);
      }
    });
  }

  it('stores images larger than one 64 KiB deflate block', async () => {
    const pixels = Uint8Array.from({ length: 300 * 300 }, (_, i) => i % 251);
    const p = parsePng(await encodePng(pixels, 300, 300, 1, { compression: 'store' }));
    expect(p.raw.length).toBe(301 * 300);
    expect(p.colorType).toBe(0);
  });

  it('rejects wrong sizes and channel counts', async () => {
    await expect(encodePng(new Uint8Array(3), 2, 2, 1)).rejects.toThrow(/expected 4 bytes for 2x2x1, received 3/);
    await expect(encodePng(new Uint8Array(4), 2, 2, 5 as 1)).rejects.toThrow(/channels must be 1, 2, 3 or 4/);
  });
});
