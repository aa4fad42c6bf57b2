import { describe, expect, it } from 'vitest';
import { crc32c, crc32cOf, maskCrc32c, maskedCrc32c } from './crc32c.js';

describe('crc32c', () => {
  // RFC 3720 (iSCSI) appendix B.4 and the CRC catalogue's CRC-32/ISCSI check value.
  it('matches the published CRC-32C check values', () => {
    expect(crc32c(new TextEncoder().encode('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa);
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
    expect(crc32c(Uint8Array.from({ length: 32 }, (_, i) => i))).toBe(0x46dd794e);
    expect(crc32c(new Uint8Array(0))).toBe(0);
  });

  it('agrees between the sliced (16, then 8 bytes) and the bytewise paths on every length and range', () => {
    const data = Uint8Array.from({ length: 57 }, (_, i) => (i * 37 + 11) & 0xff);
    const bytewise = (d: Uint8Array) => {
      let c = 0xffffffff;
      for (const b of d) {
        c ^= b;
        for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
      }
      return (c ^ 0xffffffff) >>> 0;
    };
    // The framer's reader takes words through a DataView; a view that starts inside its buffer must be honoured.
    const padded = new Uint8Array(data.length + 3);
    padded.set(data, 3);
    const inner = padded.subarray(3);
    const view = new DataView(inner.buffer, inner.byteOffset, inner.byteLength);
    for (let s = 0; s < 17; s++)
      for (let e = s; e <= data.length; e++) {
        const want = bytewise(data.subarray(s, e));
        expect(crc32c(data, s, e)).toBe(want);
        expect(crc32cOf(inner, view, s, e)).toBe(want);
      }
  });

  it('masks as TFRecord does (tensorflow/core/lib/hash/crc32c.h: rotate right by 15, add 0xa282ead8)', () => {
    // By hand for 0xe3069283 (the CRC of "123456789"): 0xe3069283 >>> 15 = 0x0001c60d; its low 15 bits
    // 0x1283 << 17 = 0x25060000; rotated = 0x2507c60d; + 0xa282ead8 = 0xc78ab0e5 (mod 2^32).
    expect(maskCrc32c(0xe3069283)).toBe(0xc78ab0e5);
    expect(maskedCrc32c(new TextEncoder().encode('123456789'))).toBe(0xc78ab0e5);
    // 0 rotates to 0: the mask is the constant alone.
    expect(maskCrc32c(0)).toBe(0xa282ead8);
    // 0xffffffff rotates to itself; 0xffffffff + 0xa282ead8 = 0x1a282ead7, which wraps to 0xa282ead7.
    expect(maskCrc32c(0xffffffff)).toBe(0xa282ead7);
    // 0x00008000 (bit 15) rotates right by 15 to bit 0: 1 + 0xa282ead8.
    expect(maskCrc32c(0x8000)).toBe(0xa282ead9);
  });

  it('computes over a range without copying', () => {
    const bytes = new TextEncoder().encode('xx123456789yy');
    expect(crc32c(bytes, 2, 11)).toBe(0xe3069283);
    expect(maskedCrc32c(bytes, 2, 11)).toBe(0xc78ab0e5);
    // A view that starts inside its buffer (the word reads go through a DataView, which must honour byteOffset).
    const long = new TextEncoder().encode(`xyz${'123456789'.repeat(4)}`);
    const inner = long.subarray(3);
    expect(inner.byteOffset).toBe(3);
    expect(crc32c(inner)).toBe(crc32c(new TextEncoder().encode('123456789'.repeat(4))));
    expect(crc32c(inner, 0, 9)).toBe(0xe3069283);
    expect(crc32c(inner, 27, 36)).toBe(0xe3069283);
  });
});
