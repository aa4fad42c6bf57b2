/** The sources readers accept (bytes, Blob/File, Response, URL): their names in errors, and opening URLs. */
import { DataError } from '../errors.js';

/** Where a reader's bytes come from: bytes, a `Blob`/`File`, a fetch `Response`, or a URL string (in Node, a file path too). */
export type ByteSource = Uint8Array | ArrayBuffer | Blob | Response | string | URL;

/** A short name for `src` in error messages. */
export function sourceName(src: ByteSource): string {
  if (typeof src === 'string') return src;
  if (src instanceof URL) return src.href;
  if (typeof Blob !== 'undefined' && src instanceof Blob) return (src as Blob & { name?: string }).name || 'Blob';
  if (typeof Response !== 'undefined' && src instanceof Response) return src.url || 'Response';
  return 'bytes';
}

/** The successful `Response` behind a Response or URL source (fetching the URL); throws for other sources. */
export async function openResponse(api: string, src: ByteSource): Promise<Response> {
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
  if (!res.ok) {
    // nobody reads this body: release the connection now rather than at garbage collection
    res.body?.cancel().catch(() => {});
    throw new DataError('NOT_FOUND', `${api}: '${res.url || String(src)}' answered HTTP ${res.status}. Expected 200.`);
  }
  return res;
}
