/** gzip and zlib decoding through the platform's `DecompressionStream` (Node >= 18, all current browsers). */
import { DataError } from '../errors.js';

/** True when `bytes` starts with the gzip magic 1f 8b. */
export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/** The format's name in messages: `DecompressionStream`'s `'deflate'` is the zlib format (RFC 1950). */
function formatName(format: 'gzip' | 'deflate'): string {
  return format === 'gzip' ? 'gzip' : 'zlib';
}

/** Throws unless this platform can decompress `format`; `api` and `what` name the caller and the input. */
export function checkGunzip(api: string, what: string, format: 'gzip' | 'deflate' = 'gzip'): void {
  if (typeof DecompressionStream === 'undefined') {
    throw new DataError(
      'UNIMPLEMENTED',
      `${api}: ${what} is ${formatName(format)}-compressed but this platform has no DecompressionStream. Expected Node >= 18 or a current browser; decompress the file first.`,
    );
  }
}

/** The error for a gzip (or zlib) stream that failed after `compressed` input and `total` output bytes. */
export function gzipError(
  api: string,
  what: string,
  compressed: number,
  total: number,
  cause: unknown,
  format: 'gzip' | 'deflate' = 'gzip',
): DataError {
  const name = formatName(format);
  return new DataError(
    'DATA_LOSS',
    `${api}: ${what} is not a valid ${name} stream (${compressed} compressed bytes; truncated or corrupted after ${total} decompressed bytes). Expected a complete ${format === 'gzip' ? '.gz file' : 'zlib-compressed file'}. Cause: ${(cause as Error).message}`,
    { cause },
  );
}

/**
 * How much a gzip stream may decompress to, decided from its first decompressed bytes (a format header that
 * declares its size): a byte count and what declared it, or null to see more bytes first.
 */
export type GunzipCap = (head: Uint8Array, done: boolean) => GunzipLimit | null;

/** A decompression limit. `truncate`: past it, stop and return the first `maxBytes` (the parser reports why). */
export interface GunzipLimit {
  readonly maxBytes: number;
  readonly declaredBy: string;
  readonly truncate?: boolean;
}

/**
 * Decompresses a whole gzip buffer; `api` and `what` name the caller and the input in errors. With `cap`,
 * decompression stops with an error as soon as the output passes what the data's own header declares, so a
 * gzip bomb costs no more memory than the file it claims to be.
 */
export async function gunzip(bytes: Uint8Array, api: string, what = 'input', cap?: GunzipCap): Promise<Uint8Array> {
  checkGunzip(api, what);
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream('gzip'));
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  let limit: GunzipLimit | null = null;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (!done) {
        chunks.push(value);
        total += value.length;
      }
      if (cap && limit === null) limit = cap(chunks.length === 1 ? chunks[0]! : joinChunks(chunks, total), done);
      if (limit !== null && total > limit.maxBytes) {
        await reader.cancel().catch(() => {});
        if (limit.truncate) return joinChunks(chunks, total).slice(0, limit.maxBytes);
        throw new DataError(
          'INVALID_ARGUMENT',
          `${api}: ${what} decompresses to more than the ${limit.maxBytes} bytes ${limit.declaredBy} declares; decompression stopped there. Expected a gzip file holding exactly what its header describes (is it a gzip bomb, or were files concatenated?).`,
        );
      }
      if (done) break;
    }
  } catch (e) {
    if (e instanceof DataError) throw e;
    throw gzipError(api, what, bytes.length, total, e);
  }
  return chunks.length === 1 ? chunks[0]! : joinChunks(chunks, total);
}

function joinChunks(chunks: readonly Uint8Array[], total: number): Uint8Array {
  const out = new Uint8Array(total);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}
