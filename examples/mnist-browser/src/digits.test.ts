import { describe, expect, it } from 'vitest';
import { DigitsError, unpackDigits } from './digits.js';

function pack(labels: number[], trainCount: number): Uint8Array {
  const n = labels.length;
  const out = new Uint8Array(12 + n * 785);
  out.set([0x4d, 0x4e, 0x44, 0x47]);
  new DataView(out.buffer).setUint32(4, n, true);
  new DataView(out.buffer).setUint32(8, trainCount, true);
  labels.forEach((l, i) => {
    out[12 + i] = l;
    out.fill(l * 25, 12 + n + i * 784, 12 + n + (i + 1) * 784);
  });
  return out;
}

describe('unpackDigits', () => {
  it('splits the packed digits into train and eval sets of floats in [0, 1]', () => {
    const d = unpackDigits(pack([3, 1, 4, 1, 5], 3));
    expect(d.train.count).toBe(3);
    expect(Array.from(d.train.labels)).toEqual([3, 1, 4]);
    expect(Array.from(d.eval.labels)).toEqual([1, 5]);
    expect(d.train.images.length).toBe(3 * 784);
    expect(d.train.images[0]).toBeCloseTo(75 / 255);
    expect(d.eval.images[784]).toBeCloseTo(125 / 255);
  });

  it('rejects a file that is not a digits file or is cut short', () => {
    expect(() => unpackDigits(new TextEncoder().encode('<!doctype html>'))).toThrow(DigitsError);
    expect(() => unpackDigits(pack([1, 2], 1).subarray(0, 100))).toThrow(/needs 1582 bytes; received 100/);
  });
});
