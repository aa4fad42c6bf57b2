/** A small PNG encoder: 8-bit grayscale, gray+alpha, RGB or RGBA, no filtering, zlib via CompressionStream. */
import { SummaryError } from './errors.js';
import { adler32, crc32 } from './internal/crc32.js';
import { checkOptionKeys, KNOWN_OPTIONS } from './internal/known-options.js';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
const COLOR_TYPE: Record<number, number> = { 1: 0, 2: 4, 3: 2, 4: 6 };

/** Options of {@link encodePng}. */
export interface EncodePngOptions {
  /** `'deflate'` (default): compress with `CompressionStream` where it exists; `'store'`: uncompressed blocks. */
  readonly compression?: 'deflate' | 'store';
}

/**
 * Encodes 8-bit pixels (row-major, `channels` bytes per pixel: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA) as a PNG file.
 * @example
 *   const png = await encodePng(new Uint8Array([0, 255, 255, 0]), 2, 2, 1); // a 2x2 checkerboard
 */
export async function encodePng(
  pixels: Uint8Array,
  width: number,
  height: number,
  channels: number,
  options: EncodePngOptions = {},
): Promise<Uint8Array> {
  checkOptionKeys('encodePng()', options, KNOWN_OPTIONS.encodePng);
  const colorType = COLOR_TYPE[channels];
  if (colorType === undefined) {
    throw new SummaryError('SUMMARY_ARGUMENT', `encodePng(): channels must be 1, 2, 3 or 4, received ${channels}.`);
  }
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new SummaryError(
      'SUMMARY_ARGUMENT',
      `encodePng(): width and height must be positive integers, received ${width}x${height}.`,
    );
  }
  const stride = width * channels;
  if (pixels.length !== stride * height) {
    throw new SummaryError(
      'SUMMARY_ARGUMENT',
      `encodePng(): expected ${stride * height} bytes for ${width}x${height}x${channels}, received ${pixels.length}.`,
    );
  }
  // Each scanline is prefixed by its filter type (0 = none).
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
  const idat = await zlib(raw, options.compression ?? 'deflate');
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, width);
  v.setUint32(4, height);
  ihdr[8] = 8; // bit depth
  ihdr[9] = colorType;
  return concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', idat), chunk('IEND', new Uint8Array(0))]);
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const v = new DataView(out.buffer);
  v.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  v.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

async function zlib(data: Uint8Array, mode: 'deflate' | 'store'): Promise<Uint8Array> {
  if (mode === 'deflate' && typeof CompressionStream === 'function') {
    const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new CompressionStream('deflate'));
    return new Uint8Array(await new Response(stream).arrayBuffer());
  }
  return storedZlib(data);
}

/** A zlib stream of uncompressed deflate blocks (at most 65535 bytes each). */
function storedZlib(data: Uint8Array): Uint8Array {
  const blocks = Math.max(1, Math.ceil(data.length / 65535));
  const out = new Uint8Array(2 + blocks * 5 + data.length + 4);
  out[0] = 0x78;
  out[1] = 0x01;
  let pos = 2;
  for (let b = 0; b < blocks; b++) {
    const start = b * 65535;
    const len = Math.min(65535, data.length - start);
    out[pos++] = b === blocks - 1 ? 1 : 0;
    out[pos++] = len & 0xff;
    out[pos++] = len >>> 8;
    out[pos++] = ~len & 0xff;
    out[pos++] = (~len >>> 8) & 0xff;
    out.set(data.subarray(start, start + len), pos);
    pos += len;
  }
  new DataView(out.buffer).setUint32(pos, adler32(data));
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let pos = 0;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.length;
  }
  return out;
}
