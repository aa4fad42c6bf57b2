/** Turns the sources readers accept (bytes, Blob/File, Response, URL) into bytes, naming them for errors. */
import { DataError } from '../errors.js';

/** Where a reader's bytes come from: bytes, a `Blob`/`File`, a fetch `Response`, or a URL string. */
export type ByteSource = Uint8Array | ArrayBuffer | Blob | Response | string | URL;

/** A short name for `src` in error messages. */
export function sourceName(src: ByteSource): string {
  if (typeof src === 'string') return src;
  if (src instanceof URL) return src.href;
  if (typeof Blob !== 'undefined' && src instanceof Blob) return (src as Blob & { name?: string }).name || 'Blob';
  if (typeof Response !== 'undefined' && src instanceof Response) return src.url || 'Response';
  return 'bytes';
}

/** Reads the whole source. */
export async function readBytes(api: string, src: ByteSource): Promise<Uint8Array> {
  if (src instanceof Uint8Array) return src;
  if (src instanceof ArrayBuffer) return new Uint8Array(src);
  if (typeof Blob !== 'undefined' && src instanceof Blob) return new Uint8Array(await src.arrayBuffer());
  let res: Response;
  if (typeof Response !== 'undefined' && src instanceof Response) res = src;
  else if (typeof src === 'string' || src instanceof URL) {
    try {
      res = await fetch(src);
    } catch (e) {
      throw new DataError(
        'UNAVAILABLE',
        `${api}: cannot fetch '${String(src)}': ${(e as Error).message}. Expected a reachable URL (in Node, pass a file with fileSource(path) from '@estimatorjs/data/node').`,
        { cause: e },
      );
    }
  } else {
    throw new DataError(
      'INVALID_ARGUMENT',
      `${api}: expected bytes, a Blob/File, a Response or a URL. Received ${Object.prototype.toString.call(src)}.`,
    );
  }
  if (!res.ok)
    throw new DataError('NOT_FOUND', `${api}: '${res.url || String(src)}' answered HTTP ${res.status}. Expected 200.`);
  return new Uint8Array(await res.arrayBuffer());
}
