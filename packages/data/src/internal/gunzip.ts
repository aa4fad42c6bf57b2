/** gzip decoding through the platform's `DecompressionStream` (Node >= 18, all current browsers). */
import { DataError } from '../errors.js';

/** True when `bytes` starts with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** Decompresses a whole gzip buffer; `api` and `what` name the caller and the input in errors. */
export async function gunzip(bytes: Uint8Array, api: string, what = 'input'): Promise<Uint8Array> {
  if (typeof DecompressionStream === 'undefined') {
    throw new DataError(
      'UNIMPLEMENTED',
      `${api}: ${what} is gzip-compressed but this platform has no DecompressionStream. Expected Node >= 18 or a current browser; decompress the file first.`,
    );
  }
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
    throw new DataError(
      'DATA_LOSS',
      `${api}: ${what} is not a valid gzip stream (${bytes.length} compressed bytes; truncated or corrupted after ${total} decompressed bytes). Expected a complete .gz file. Cause: ${(e as Error).message}`,
      { cause: e },
    );
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
