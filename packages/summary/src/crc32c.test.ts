import { describe, expect, it } from 'vitest';
import { crc32c, maskCrc32c } from './crc32c.js';

describe('crc32c', () => {
  it('matches the published CRC-32C check values', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('agrees between the sliced and the bytewise paths on every length and range', () => {
    const data = Uint8Array.from({ length: 41 }, (_, i) => (i * 37 + 11) & 0xff);
    const bytewise = (d: Uint8Array) => {
      let c = 0xffffffff;
      for (const b of d) {
        c ^= b;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    for (let s = 0; s < 9; s++)
      for (let e = s; e <= data.length; e++) expect(crc32c(data, s, e)).toBe(bytewise(data.subarray(s, e)));
  });

  it('masks as TFRecord does', () => {
    const crc = 0x12345678;
    expect(maskCrc32c(crc)).toBe((((crc >>> 15) | (crc << 17)) + 0xa282ead8) >>> 0);
    expect(maskCrc32c(0)).toBe(0xa282ead8);
  });
});
