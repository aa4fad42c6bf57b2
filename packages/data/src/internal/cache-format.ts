/**
 * The `cache(path)` byte format, version 1 (the same bytes in a file or in IndexedDB chunks):
 *
 *   header   "EJSDCACH" (8 bytes) | u32 version
 *   record   u32 length | payload | u32 masked CRC-32C of payload          (one per element)
 *   trailer  u32 0xffffffff | u32 element count
 *
 * A payload is u32 JSON length | JSON structure | tensor bytes. The JSON mirrors the element: arrays as
 * `{a: [...]}`, objects as `{d: {...}}`, tensors as `{t: dtype, s: shape, o: offset, n: bytes}` (string
 * tensors as `{t: 'string', s, b: [base64...]}`), other leaves as `{v: value}`. All integers little-endian.
 * Owns: encoding and decoding. Does not own: where the bytes live (CacheStorage).
 */

import { maskedCrc32c } from '@estimatorjs/io';
import * as tf from '@tensorflow/tfjs-core';
import { DataError } from '../errors.js';
import { isPlainObject } from './structure.js';

export const CACHE_MAGIC = 'EJSDCACH';
export const CACHE_VERSION = 1;
const END = 0xffffffff;

/** The header bytes of a version-1 cache. */
export function cacheHeader(): Uint8Array {
  const out = new Uint8Array(12);
  for (let i = 0; i < 8; i++) out[i] = CACHE_MAGIC.charCodeAt(i);
  new DataView(out.buffer).setUint32(8, CACHE_VERSION, true);
  return out;
}

/** The trailer bytes after `count` elements. */
export function cacheTrailer(count: number): Uint8Array {
  const out = new Uint8Array(8);
  const v = new DataView(out.buffer);
  v.setUint32(0, END, true);
  v.setUint32(4, count, true);
  return out;
}

const b64 = (u: Uint8Array): string => {
  let s = '';
  for (let i = 0; i < u.length; i++) s += String.fromCharCode(u[i]!);
  return btoa(s);
};
const unb64 = (s: string): Uint8Array => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

/** One framed record (length, payload, CRC) for `x`; reads tensor values with `await data()`. */
export async function encodeRecord(x: unknown): Promise<Uint8Array> {
  const blobs: Uint8Array[] = [];
  let offset = 0;
  const walk = async (v: unknown): Promise<unknown> => {
    if (Array.isArray(v)) {
      const a: unknown[] = [];
      for (const e of v) a.push(await walk(e));
      return { a };
    }
    if (isPlainObject(v)) {
      const d: Record<string, unknown> = {};
      for (const k of Object.keys(v)) d[k] = await walk(v[k]);
      return { d };
    }
    if (v instanceof tf.Tensor) {
      if (v.dtype === 'string') {
        const vals = (await v.bytes()) as Uint8Array[];
        return { t: 'string', s: v.shape, b: vals.map(b64) };
      }
      const data = (await v.data()) as tf.TypedArray;
      const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
      blobs.push(bytes);
      const o = offset;
      offset += bytes.length;
      return { t: v.dtype, s: v.shape, o, n: bytes.length };
    }
    return { v };
  };
  const json = new TextEncoder().encode(JSON.stringify(await walk(x)));
  const payloadLen = 4 + json.length + offset;
  const out = new Uint8Array(4 + payloadLen + 4);
  const view = new DataView(out.buffer);
  view.setUint32(0, payloadLen, true);
  view.setUint32(4, json.length, true);
  out.set(json, 8);
  let p = 8 + json.length;
  for (const b of blobs) {
    out.set(b, p);
    p += b.length;
  }
  view.setUint32(p, maskedCrc32c(out.subarray(4, 4 + payloadLen)), true);
  return out;
}

const CTORS: Record<string, new (b: ArrayBuffer) => tf.TypedArray> = {
  float32: Float32Array,
  int32: Int32Array,
  bool: Uint8Array,
  complex64: Float32Array,
};

function decodePayload(payload: Uint8Array): unknown {
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const jsonLen = view.getUint32(0, true);
  const tree = JSON.parse(new TextDecoder().decode(payload.subarray(4, 4 + jsonLen)));
  const base = 4 + jsonLen;
  const made: tf.Tensor[] = [];
  const build = (n: Record<string, unknown>): unknown => {
    if ('a' in n) return (n.a as Record<string, unknown>[]).map(build);
    if ('d' in n) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(n.d as Record<string, Record<string, unknown>>)) out[k] = build(v);
      return out;
    }
    if ('t' in n) {
      const shape = n.s as number[];
      if (n.t === 'string') {
        const t = tf.tensor((n.b as string[]).map(unb64) as unknown as string[], shape, 'string');
        made.push(t);
        return t;
      }
      const start = base + (n.o as number);
      const bytes = payload.slice(start, start + (n.n as number));
      const t = tf.tensor(new CTORS[n.t as string]!(bytes.buffer), shape, n.t as tf.DataType);
      made.push(t);
      return t;
    }
    return n.v;
  };
  try {
    return build(tree);
  } catch (e) {
    tf.dispose(made);
    throw e;
  }
}

/**
 * Decodes a version-1 cache from a stream of byte chunks, yielding fresh elements (owned by the caller).
 * `where` names the cache in errors.
 */
export async function* decodeCache(chunks: AsyncIterable<Uint8Array>, where: string): AsyncGenerator<unknown> {
  const api = 'Dataset.cache()';
  let buf = new Uint8Array(0);
  let pos = 0; // bytes of the stream consumed before buf[0]
  let ended = false;
  const source = chunks[Symbol.asyncIterator]();
  const need = async (n: number): Promise<boolean> => {
    while (buf.length < n) {
      const r = await source.next();
      if (r.done) return false;
      const next = new Uint8Array(buf.length + r.value.length);
      next.set(buf);
      next.set(r.value, buf.length);
      buf = next;
    }
    return true;
  };
  const take = (n: number): Uint8Array => {
    const out = buf.subarray(0, n);
    buf = buf.subarray(n);
    pos += n;
    return out;
  };
  const loss = (what: string) =>
    new DataError(
      'DATA_LOSS',
      `${api}: the cache ${where} is ${what}. Expected a complete version-${CACHE_VERSION} cache; delete it to rebuild it.`,
    );
  try {
    if (!(await need(12))) throw loss('truncated in its header');
    const head = take(12);
    const magic = String.fromCharCode(...head.subarray(0, 8));
    const version = new DataView(head.buffer, head.byteOffset, 12).getUint32(8, true);
    if (magic !== CACHE_MAGIC) throw loss(`not a cache file (magic '${magic}')`);
    if (version !== CACHE_VERSION) {
      throw new DataError(
        'FAILED_PRECONDITION',
        `${api}: the cache ${where} has format version ${version}; this version reads ${CACHE_VERSION}. Delete it to rebuild it.`,
      );
    }
    let count = 0;
    for (;;) {
      const at = pos;
      if (!(await need(4))) throw loss(`truncated after ${count} elements (no end marker at byte offset ${at})`);
      const len = new DataView(buf.buffer, buf.byteOffset, 4).getUint32(0, true);
      if (len === END) {
        if (!(await need(8))) throw loss(`truncated in its end marker at byte offset ${at}`);
        const n = new DataView(buf.buffer, buf.byteOffset, 8).getUint32(4, true);
        if (n !== count) throw loss(`inconsistent: its end marker counts ${n} elements, ${count} were read`);
        ended = true;
        return;
      }
      if (!(await need(8 + len))) throw loss(`truncated in element ${count} at byte offset ${at}`);
      const rec = take(8 + len);
      const payload = rec.subarray(4, 4 + len);
      const crc = new DataView(rec.buffer, rec.byteOffset + 4 + len, 4).getUint32(0, true);
      if (crc !== maskedCrc32c(payload)) throw loss(`corrupted in element ${count} at byte offset ${at}`);
      count++;
      yield decodePayload(payload);
    }
  } finally {
    if (!ended) await source.return?.();
  }
}
