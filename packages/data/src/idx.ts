/**
 * The IDX format of MNIST and Fashion-MNIST: magic `00 00 <type> <rank>`, `rank` big-endian uint32
 * dimensions, then the values big-endian. Optionally gzip-compressed (`decodeIdx`).
 */
import { DataError } from './errors.js';
import { type GunzipLimit, gunzip, isGzip } from './internal/gunzip.js';

/** The dtype of an IDX file's values (type byte 08, 09, 0B, 0C, 0D, 0E). */
export type IdxDtype = 'uint8' | 'int8' | 'int16' | 'int32' | 'float32' | 'float64';

/** A decoded IDX file: its shape, value type and the values in row-major order. */
export interface IdxData {
  readonly shape: number[];
  readonly dtype: IdxDtype;
  readonly data: Uint8Array | Int8Array | Int16Array | Int32Array | Float32Array | Float64Array;
}

const TYPES: Record<number, { dtype: IdxDtype; bytes: number }> = {
  8: { dtype: 'uint8', bytes: 1 },
  9: { dtype: 'int8', bytes: 1 },
  11: { dtype: 'int16', bytes: 2 },
  12: { dtype: 'int32', bytes: 4 },
  13: { dtype: 'float32', bytes: 4 },
  14: { dtype: 'float64', bytes: 8 },
};

const hex = (b: Uint8Array, n: number) =>
  Array.from(b.subarray(0, n), (v) => v.toString(16).padStart(2, '0')).join(' ');

/**
 * Parses an uncompressed IDX buffer. Errors name the expected vs received magic number and, for a
 * truncated body, the expected vs actual byte counts.
 * @example
 *   const { shape, data } = parseIdx(bytes); // shape [60000, 28, 28], data Uint8Array
 */
export function parseIdx(bytes: Uint8Array, what = 'input'): IdxData {
  const api = 'parseIdx()';
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || !TYPES[bytes[2]!] || bytes[3] === 0) {
    const gz = isGzip(bytes) ? ' It looks gzip-compressed: use decodeIdx() or readIdxFile().' : '';
    throw new DataError(
      'INVALID_ARGUMENT',
      `${api}: ${what} is not an IDX file. Expected magic 00 00 <type 08|09|0b|0c|0d|0e> <rank >= 1>; received ${bytes.length ? hex(bytes, 4) : 'an empty buffer'}.${gz}`,
    );
  }
  const type = TYPES[bytes[2]!]!;
  const rank = bytes[3]!;
  const headerBytes = 4 + 4 * rank;
  if (bytes.length < headerBytes) {
    throw new DataError(
      'DATA_LOSS',
      `${api}: ${what} is truncated in its header: expected ${headerBytes} bytes for ${rank} dimensions, got ${bytes.length}.`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const shape: number[] = [];
  let count = 1;
  for (let i = 0; i < rank; i++) {
    const d = view.getUint32(4 + 4 * i, false);
    shape.push(d);
    count *= d;
  }
  const bodyBytes = count * type.bytes;
  if (bytes.length < headerBytes + bodyBytes) {
    throw new DataError(
      'DATA_LOSS',
      `${api}: ${what} is truncated: shape [${shape.join(', ')}] of ${type.dtype} needs ${headerBytes + bodyBytes} bytes, got ${bytes.length}.`,
    );
  }
  if (bytes.length > headerBytes + bodyBytes) {
    throw new DataError(
      'INVALID_ARGUMENT',
      `${api}: ${what} has ${bytes.length - headerBytes - bodyBytes} bytes after its data: shape [${shape.join(', ')}] of ${type.dtype} needs exactly ${headerBytes + bodyBytes} bytes, got ${bytes.length}. Expected one IDX file, not several concatenated or a damaged one.`,
    );
  }
  let data: IdxData['data'];
  const off = headerBytes;
  switch (type.dtype) {
    case 'uint8':
      data = bytes.slice(off, off + count);
      break;
    case 'int8':
      data = new Int8Array(bytes.slice(off, off + count).buffer);
      break;
    case 'int16': {
      const a = new Int16Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getInt16(off + 2 * i, false);
      data = a;
      break;
    }
    case 'int32': {
      const a = new Int32Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getInt32(off + 4 * i, false);
      data = a;
      break;
    }
    case 'float32': {
      const a = new Float32Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getFloat32(off + 4 * i, false);
      data = a;
      break;
    }
    default: {
      const a = new Float64Array(count);
      for (let i = 0; i < count; i++) a[i] = view.getFloat64(off + 8 * i, false);
      data = a;
    }
  }
  return { shape, dtype: type.dtype, data };
}

/**
 * Decodes an IDX buffer that may be gzip-compressed (magic 1f 8b), e.g. `train-images-idx3-ubyte.gz`.
 * @example
 *   const images = await decodeIdx(new Uint8Array(await (await fetch(url)).arrayBuffer()));
 */
export async function decodeIdx(bytes: Uint8Array, what = 'input'): Promise<IdxData> {
  const raw = isGzip(bytes) ? await gunzip(bytes, 'decodeIdx()', what, idxSizeLimit) : bytes;
  return parseIdx(raw, what);
}

/**
 * The size an IDX stream declares in its header, as a decompression cap. Past it the file is wrong (trailing
 * bytes) or a gzip bomb. A stream that is not IDX stops at its magic so parseIdx() can say what it is.
 */
function idxSizeLimit(head: Uint8Array, done: boolean): GunzipLimit | null {
  if (head.length < 4) return null;
  const type = TYPES[head[2]!];
  const rank = head[3]!;
  if (head[0] !== 0 || head[1] !== 0 || !type || rank === 0) return { maxBytes: 4, declaredBy: '', truncate: true };
  const headerBytes = 4 + 4 * rank;
  if (head.length < headerBytes) return done ? { maxBytes: head.length, declaredBy: '', truncate: true } : null;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  let count = 1;
  for (let i = 0; i < rank; i++) count *= view.getUint32(4 + 4 * i, false);
  return { maxBytes: headerBytes + count * type.bytes, declaredBy: `its IDX header (${type.dtype}, rank ${rank})` };
}
