/** gzip decoding through the platform's `DecompressionStream` (Node >= 18, all current browsers). */
import { DataError } from '../errors.js';

/** True when `bytes` starts with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Throws unless this platform can decompress gzip; `api` and `what` name the caller and the input. */
export function checkGunzip(api: string, what: string): void {
  if (typeof DecompressionStream === 'undefined') {
    throw new DataError(
      'UNIMPLEMENTED',
      `${api}: ${what} is gzip-compressed but this platform has no DecompressionStream. Expected Node >= 18 or a current browser; decompress the file first.`,
    );
  }
}

/** The error for a gzip stream that failed after `compressed` input and `total` output bytes. */
export function gzipError(api: string, what: string, compressed: number, total: number, cause: unknown): DataError {
  return new DataError(
    'DATA_LOSS',
    `${api}: ${what} is not a valid gzip stream (${compressed} compressed bytes; truncated or corrupted after ${total} decompressed bytes). Expected a complete .gz file. Cause: ${(cause as Error).message}`,
    { cause },
  );
}

/** Decompresses a whole gzip buffer; `api` and `what` name the caller and the input in errors. */
export async function gunzip(bytes: Uint8Array, api: string, what = 'input'): Promise<Uint8Array> {
  checkGunzip(api, what);
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      total += value.length;
    }
  } catch (e) {
    throw gzipError(api, what, bytes.length, total, e);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
