/** CRC-32C (Castagnoli) and the TFRecord CRC mask: the one implementation every package uses. */

/**
 * Slicing-by-16 tables, flat: table k (k = 0..15) at `[256 k, 256 k + 256)` maps a byte to its CRC contribution
 * when 15 - k more bytes follow it in the 16-byte block. One array rather than sixteen: one bounds check base and
 * one module variable to load per call (a TFRecord reader calls this twice a record, for 8 and for ~50 bytes).
 */
const T: Uint32Array = crcTable();

function crcTable(): Uint32Array {
  const t = new Uint32Array(16 * 256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let j = 0; j < 8; j++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  for (let i = 0; i < 256; i++) {
    let c = t[i]!;
    for (let k = 1; k < 16; k++) {
      c = t[c & 0xff]! ^ (c >>> 8);
      t[k * 256 + i] = c >>> 0;
    }
  }
  return t;
}

/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) of `data[start, end)`, as an unsigned 32-bit integer.
 * @example
 *   crc32c(new TextEncoder().encode('123456789')) === 0xe3069283
 */
export function crc32c(data: Uint8Array, start = 0, end = data.length): number {
  // Words assembled from bytes: a DataView of its own would cost a record-sized input twice the time.
  let c = -1;
  let i = start;
  for (; i + 16 <= end; i += 16)
    c = fold16(c ^ le32(data, i), le32(data, i + 4), le32(data, i + 8), le32(data, i + 12));
  if (i + 8 <= end) {
    c = fold8(c ^ le32(data, i), le32(data, i + 4));
    i += 8;
  }
  return tail(data, c, i, end);
}

/**
 * {@link crc32c} of `data[start, end)`, where `view` is a DataView over the same bytes as `data` (the TFRecord
 * framer keeps one a chunk): one read a word rather than four saves about a third of the time. Not exported
 * from the package.
 */
export function crc32cOf(data: Uint8Array, view: DataView, start: number, end: number): number {
  let c = -1;
  let i = start;
  for (; i + 16 <= end; i += 16)
    c = fold16(
      c ^ view.getInt32(i, true),
      view.getInt32(i + 4, true),
      view.getInt32(i + 8, true),
      view.getInt32(i + 12, true),
    );
  if (i + 8 <= end) {
    c = fold8(c ^ view.getInt32(i, true), view.getInt32(i + 4, true));
    i += 8;
  }
  return tail(data, c, i, end);
}

/** Slicing-by-16: the CRC after 16 bytes, given as 4 little-endian words, the first already xored with the CRC. */
function fold16(a: number, b: number, d: number, e: number): number {
  const t = T;
  return (
    t[3840 + (a & 0xff)]! ^
    t[3584 + ((a >>> 8) & 0xff)]! ^
    t[3328 + ((a >>> 16) & 0xff)]! ^
    t[3072 + (a >>> 24)]! ^
    t[2816 + (b & 0xff)]! ^
    t[2560 + ((b >>> 8) & 0xff)]! ^
    t[2304 + ((b >>> 16) & 0xff)]! ^
    t[2048 + (b >>> 24)]! ^
    t[1792 + (d & 0xff)]! ^
    t[1536 + ((d >>> 8) & 0xff)]! ^
    t[1280 + ((d >>> 16) & 0xff)]! ^
    t[1024 + (d >>> 24)]! ^
    t[768 + (e & 0xff)]! ^
    t[512 + ((e >>> 8) & 0xff)]! ^
    t[256 + ((e >>> 16) & 0xff)]! ^
    t[e >>> 24]!
  );
}

/** Slicing-by-8, for an 8-byte remainder (a TFRecord length is exactly that). */
function fold8(a: number, b: number): number {
  const t = T;
  return (
    t[1792 + (a & 0xff)]! ^
    t[1536 + ((a >>> 8) & 0xff)]! ^
    t[1280 + ((a >>> 16) & 0xff)]! ^
    t[1024 + (a >>> 24)]! ^
    t[768 + (b & 0xff)]! ^
    t[512 + ((b >>> 8) & 0xff)]! ^
    t[256 + ((b >>> 16) & 0xff)]! ^
    t[b >>> 24]!
  );
}

/** The last bytes one at a time, and the final inversion (the CRC is kept as an int32 until then). */
function tail(data: Uint8Array, crc: number, start: number, end: number): number {
  const t = T;
  let c = crc;
  for (let i = start; i < end; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** The little-endian int32 at `data[i]`. */
function le32(data: Uint8Array, i: number): number {
  return data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24);
}

/**
 * The masked CRC TFRecord stores: `((crc >>> 15) | (crc << 17)) + 0xa282ead8`, modulo 2^32.
 * @example
 *   maskCrc32c(crc32c(bytes))
 */
export function maskCrc32c(crc: number): number {
  return ((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/**
 * The masked CRC-32C of `data[start, end)`, as TFRecord headers and footers store it.
 * @example
 *   view.setUint32(8, maskedCrc32c(record, 0, 8), true);
 */
export function maskedCrc32c(data: Uint8Array, start = 0, end = data.length): number {
  return maskCrc32c(crc32c(data, start, end));
}
