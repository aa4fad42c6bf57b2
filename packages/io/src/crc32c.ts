/** CRC-32C (Castagnoli) and the TFRecord CRC mask: the one implementation every package uses. */

let tables: Uint32Array[] | undefined;
const EMPTY_TABLE: Uint32Array = new Uint32Array(256);
let T0 = EMPTY_TABLE;
let T1 = EMPTY_TABLE;
let T2 = EMPTY_TABLE;
let T3 = EMPTY_TABLE;
let T4 = EMPTY_TABLE;
let T5 = EMPTY_TABLE;
let T6 = EMPTY_TABLE;
let T7 = EMPTY_TABLE;

function crcTables(): Uint32Array[] {
  if (tables) return tables;
  const t: Uint32Array[] = [];
  for (let k = 0; k < 8; k++) t.push(new Uint32Array(256));
  const t0 = t[0]!;
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let j = 0; j < 8; j++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t0[i] = c >>> 0;
  }
  for (let i = 0; i < 256; i++) {
    let c = t0[i]!;
    for (let k = 1; k < 8; k++) {
      c = t0[c & 0xff]! ^ (c >>> 8);
      t[k]![i] = c >>> 0;
    }
  }
  tables = t;
  [T0, T1, T2, T3, T4, T5, T6, T7] = t as [
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
    Uint32Array,
  ];
  return t;
}

/**
 * CRC-32C (Castagnoli, reflected polynomial 0x82F63B78) of `data[start, end)`, as an unsigned 32-bit integer.
 * @example
 *   crc32c(new TextEncoder().encode('123456789')) === 0xe3069283
 */
export function crc32c(data: Uint8Array, start = 0, end = data.length): number {
  if (!tables) crcTables();
  // The eight tables are read from module variables, not destructured per call: a TFRecord reader calls this twice
  // per record (an 8-byte length, then the record), where per-call set-up costs as much as the bytes.
  const t0 = T0;
  const t1 = T1;
  const t2 = T2;
  const t3 = T3;
  const t4 = T4;
  const t5 = T5;
  const t6 = T6;
  const t7 = T7;
  let c = 0xffffffff;
  let i = start;
  // Slicing-by-8: eight table look-ups per 8 bytes.
  for (; i + 8 <= end; i += 8) {
    const a = (c ^ (data[i]! | (data[i + 1]! << 8) | (data[i + 2]! << 16) | (data[i + 3]! << 24))) >>> 0;
    c =
      t7[a & 0xff]! ^
      t6[(a >>> 8) & 0xff]! ^
      t5[(a >>> 16) & 0xff]! ^
      t4[a >>> 24]! ^
      t3[data[i + 4]!]! ^
      t2[data[i + 5]!]! ^
      t1[data[i + 6]!]! ^
      t0[data[i + 7]!]!;
  }
  for (; i < end; i++) c = t0[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
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
