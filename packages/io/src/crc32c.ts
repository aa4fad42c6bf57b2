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

/** From this many bytes on, a DataView pays for itself (below, making it costs more than the word reads save). */
const VIEW_FROM = 256;

/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) of `data[start, end)`, as an unsigned 32-bit integer.
 * @example
 *   crc32c(new TextEncoder().encode('123456789')) === 0xe3069283
 */
export function crc32c(data: Uint8Array, start = 0, end = data.length): number {
  const view = end - start >= VIEW_FROM ? new DataView(data.buffer, data.byteOffset, data.byteLength) : undefined;
  return crc32cOf(data, view, start, end);
}

/**
 * {@link crc32c} of `data[start, end)`; `view`, when given, is a DataView over the same bytes as `data` (the
 * TFRecord framer keeps one a chunk): reading 4 bytes at once through it, rather than one at a time, saves about a
 * third of the time. Not exported from the package.
 */
export function crc32cOf(data: Uint8Array, view: DataView | undefined, start: number, end: number): number {
  const t = T;
  // The CRC is kept as a signed int32 (`~` and `^` stay in int32 arithmetic); `>>> 0` only at the end.
  let c = -1;
  let i = start;
  // Slicing-by-16: sixteen independent table look-ups per 16 bytes (the first four fold in the running CRC).
  for (; i + 16 <= end; i += 16) {
    c ^= word(data, view, i);
    const b = word(data, view, i + 4);
    const d = word(data, view, i + 8);
    const e = word(data, view, i + 12);
    c =
      t[3840 + (c & 0xff)]! ^
      t[3584 + ((c >>> 8) & 0xff)]! ^
      t[3328 + ((c >>> 16) & 0xff)]! ^
      t[3072 + (c >>> 24)]! ^
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
      t[e >>> 24]!;
  }
  // Slicing-by-8 for an 8-byte remainder (a TFRecord length is exactly that).
  if (i + 8 <= end) {
    c ^= word(data, view, i);
    const b = word(data, view, i + 4);
    c =
      t[1792 + (c & 0xff)]! ^
      t[1536 + ((c >>> 8) & 0xff)]! ^
      t[1280 + ((c >>> 16) & 0xff)]! ^
      t[1024 + (c >>> 24)]! ^
      t[768 + (b & 0xff)]! ^
      t[512 + ((b >>> 8) & 0xff)]! ^
      t[256 + ((b >>> 16) & 0xff)]! ^
      t[b >>> 24]!;
    i += 8;
  }
  for (; i < end; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** The little-endian int32 at `data[i]`: through `view` when there is one. */
function word(data: Uint8Array, view: DataView | undefined, i: number): number {
  if (view !== undefined) return view.getInt32(i, true);
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
