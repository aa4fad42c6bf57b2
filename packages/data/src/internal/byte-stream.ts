/**
 * Reads a `ByteSource` as a sequence of chunks, gunzipping on the fly, so a reader never holds a whole file.
 * Owns: opening each kind of source, chunk sizes (with one chunk read ahead), gzip detection and decoding, and
 * releasing the source when the consumer stops early. Does not own: what the bytes mean (tfrecord.ts, csv.ts).
 */
import { openLocalSource } from '#data-platform';
import { DataError } from '../errors.js';
import { type ByteSource, openResponse, sourceName } from './bytes.js';
import { checkGunzip, gzipError, isGzip } from './gunzip.js';

/**
 * How the bytes are compressed: `'auto'` gunzips when the data starts with the gzip magic; `'gzip'` and `'zlib'`
 * (RFC 1950, TF's `ZLIB`) insist on that format; `'none'` reads the bytes as they are.
 */
export type Compression = 'auto' | 'gzip' | 'zlib' | 'none';

/**
 * Bytes per read of a `Blob`/`File` (Node's `fileSource` files included): large enough that per-chunk costs vanish,
 * small enough that a reader holds a few MiB at most.
 */
const BLOB_CHUNK = 1 << 20;

let testChunkSize = 0;

/**
 * @internal Test-only: cuts every chunk (read and decompressed) into pieces of at most `n` bytes, so chunk
 * boundaries fall inside records, quoted fields and multi-byte characters; `0` restores the normal sizes.
 */
export function setChunkSizeForTesting(n: number): void {
  testChunkSize = n;
}

/** A pull source of chunks: `read()` gives undefined at the end; `cancel()` releases it (idempotent). */
interface Pull {
  read(): Promise<Uint8Array | undefined>;
  cancel(): Promise<void>;
}

const noop = (): void => {};

function bytesPull(bytes: Uint8Array): Pull {
  let done = false;
  return {
    read: async () => {
      if (done) return undefined;
      done = true;
      return bytes;
    },
    cancel: async () => {
      done = true;
    },
  };
}

/** Reads `blob` by slices, one slice ahead; every slice read completes, so no file handle outlives a read. */
function blobPull(api: string, name: string, blob: Blob): Pull {
  // (Node's blob.stream() keeps its file descriptor open after cancel() until garbage collection)
  const size = blob.size;
  const step = testChunkSize || BLOB_CHUNK;
  const start = (at: number): Promise<Uint8Array> => {
    const p = blob
      .slice(at, Math.min(size, at + step))
      .arrayBuffer()
      .then(
        (b) => new Uint8Array(b),
        (e) => {
          throw new DataError(
            'UNAVAILABLE',
            `${api}: cannot read '${name}' at byte ${at}: ${(e as Error).message}. Expected the file to exist and stay unchanged while it is read.`,
            { cause: e },
          );
        },
      );
    p.catch(noop); // a read ahead that nobody awaits (after cancel) must not become an unhandled rejection
    return p;
  };
  let next: Promise<Uint8Array> | null = size > 0 ? start(0) : null;
  let at = 0;
  return {
    read: async () => {
      const cur = next;
      if (cur === null) return undefined;
      at += step;
      next = at < size ? start(at) : null;
      return cur;
    },
    cancel: async () => {
      const pending = next;
      next = null;
      await pending?.catch(noop);
    },
  };
}

function streamPull(api: string, name: string, stream: ReadableStream<Uint8Array>): Pull {
  const reader = stream.getReader();
  let total = 0;
  let cancelling: Promise<void> | null = null;
  return {
    read: async () => {
      let r: ReadableStreamReadResult<Uint8Array>;
      try {
        r = await reader.read();
      } catch (e) {
        throw new DataError(
          'UNAVAILABLE',
          `${api}: reading '${name}' failed after ${total} bytes: ${(e as Error).message}. Expected a complete response.`,
          { cause: e },
        );
      }
      if (r.done) return undefined;
      total += r.value.length;
      return r.value;
    },
    cancel: () => {
      cancelling ??= reader.cancel().then(
        () => reader.releaseLock(),
        () => reader.releaseLock(),
      );
      return cancelling;
    },
  };
}

/** `head`, then the rest of `p`. */
function unshift(head: Uint8Array | undefined, p: Pull): Pull {
  let first = head;
  return {
    read: () => {
      if (first === undefined) return p.read();
      const c = first;
      first = undefined;
      return Promise.resolve(c);
    },
    cancel: () => p.cancel(),
  };
}

/** Cuts `p`'s chunks into views of at most `n` bytes. */
function recut(p: Pull, n: number): Pull {
  let cur: Uint8Array | undefined;
  let pos = 0;
  return {
    read: async () => {
      while (cur === undefined || pos >= cur.length) {
        cur = await p.read();
        pos = 0;
        if (cur === undefined) return undefined;
      }
      const piece = cur.subarray(pos, pos + n);
      pos += piece.length;
      return piece;
    },
    cancel: () => p.cancel(),
  };
}

const WROTE = Symbol('wrote');

/**
 * `p` decompressed through `DecompressionStream(format)` (`'deflate'` is the zlib format); errors say how far the
 * data went. One compressed chunk
 * is written at a time, the next only once the decompressor has taken it in: Node's DecompressionStream accepts
 * 16384 writes before it pushes back (its writable side counts chunks, not bytes), so piping a file into it
 * would buffer the whole compressed file. The decompressor produces output only as it is read.
 */
function gunzipPull(api: string, name: string, p: Pull, format: 'gzip' | 'deflate'): Pull {
  checkGunzip(api, name, format);
  const ds = new DecompressionStream(format);
  const writer = ds.writable.getWriter();
  const reader = ds.readable.getReader();
  let compressed = 0;
  let total = 0;
  let sourceError: unknown = null;
  let inputDone = false;
  let writing: Promise<typeof WROTE> | null = null;
  let pending: Promise<ReadableStreamReadResult<Uint8Array>> | null = null;
  const feed = async (): Promise<typeof WROTE> => {
    let chunk: Uint8Array | undefined;
    try {
      chunk = await p.read();
    } catch (e) {
      sourceError = e;
      throw e;
    }
    if (chunk === undefined) {
      inputDone = true;
      await writer.close();
    } else {
      compressed += chunk.length;
      await writer.write(chunk as Uint8Array<ArrayBuffer>);
    }
    return WROTE;
  };
  let cancelling: Promise<void> | null = null;
  return {
    read: async () => {
      try {
        pending ??= reader.read();
        for (;;) {
          if (writing === null && !inputDone) {
            writing = feed();
            writing.catch(noop);
          }
          const got = writing === null ? await pending : await Promise.race([pending, writing]);
          if (got === WROTE) {
            writing = null;
            continue;
          }
          pending = null;
          if (got.done) return undefined;
          total += got.value.length;
          return got.value;
        }
      } catch (e) {
        pending?.catch(noop);
        throw sourceError ?? gzipError(api, name, compressed, total, e, format);
      }
    },
    cancel: () => {
      cancelling ??= (async () => {
        await reader.cancel().catch(noop);
        reader.releaseLock();
        writer.releaseLock();
        await p.cancel();
      })();
      return cancelling;
    },
  };
}

async function open(api: string, name: string, src: ByteSource): Promise<Pull> {
  if (src instanceof Uint8Array) return bytesPull(src);
  if (src instanceof ArrayBuffer) return bytesPull(new Uint8Array(src));
  if (typeof Blob !== 'undefined' && src instanceof Blob) return blobPull(api, name, src);
  if (typeof src === 'string' || src instanceof URL) {
    // in Node a path (or file: URL) is a file; elsewhere, and for other URLs, it is fetched
    const file = await openLocalSource(api, src);
    if (file) return blobPull(api, name, file);
  }
  const res = await openResponse(api, src);
  return res.body ? streamPull(api, name, res.body) : bytesPull(new Uint8Array(0));
}

/**
 * The bytes of `src` as chunks, in order, decompressed per `compression`. Chunks are never reused, so views
 * into them stay valid. Leaving the loop early (break, throw) releases the source: a pending read ahead settles,
 * a stream is cancelled and unlocked.
 */
export async function* byteChunks(
  api: string,
  src: ByteSource,
  compression: Compression = 'auto',
): AsyncGenerator<Uint8Array> {
  const name = sourceName(src);
  let p = await open(api, name, src);
  if (testChunkSize > 0) p = recut(p, testChunkSize);
  try {
    let head: Uint8Array | undefined;
    if (compression === 'zlib') {
      p = gunzipPull(api, name, recut(p, testChunkSize || BLOB_CHUNK), 'deflate');
      if (testChunkSize > 0) p = recut(p, testChunkSize);
    } else if (compression !== 'none') {
      head = await p.read();
      while (head !== undefined && head.length < 2) {
        // the magic may straddle chunks (only with tiny chunks or an empty first chunk)
        const more = await p.read();
        if (more === undefined) break;
        const joined = new Uint8Array(head.length + more.length);
        joined.set(head);
        joined.set(more, head.length);
        head = joined;
      }
      if (compression === 'gzip' || (head !== undefined && isGzip(head))) {
        // bounded writes: Node's DecompressionStream copies each chunk written to it
        p = gunzipPull(api, name, recut(unshift(head, p), testChunkSize || BLOB_CHUNK), 'gzip');
        if (testChunkSize > 0) p = recut(p, testChunkSize);
        head = undefined;
      }
    }
    if (head !== undefined && head.length > 0) yield head;
    for (let c = await p.read(); c !== undefined; c = await p.read()) if (c.length > 0) yield c;
  } finally {
    await p.cancel();
  }
}
