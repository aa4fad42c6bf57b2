/**
 * Encodes `Event` protos and the `Summary.Value`s this package writes (TF2 tensor-style summaries).
 * Field numbers follow tensorflow/core/util/event.proto, framework/summary.proto, tensor.proto, tensor_shape.proto.
 */
import {
  DATA_CLASS_BLOB_SEQUENCE,
  DATA_CLASS_SCALAR,
  DATA_CLASS_TENSOR,
  DT_DOUBLE,
  DT_FLOAT,
  DT_STRING,
} from './dtypes.js';
import { ProtoWriter } from './proto-writer.js';

/** A `Summary.Value` already encoded. */
export type EncodedValue = Uint8Array;

/** The payload of one Event. */
export type EventPayload =
  | { readonly fileVersion: string }
  | { readonly graphDef: Uint8Array }
  | { readonly values: readonly EncodedValue[] };

/** Serializes an Event (unframed). */
export function encodeEvent(wallTime: number, step: number, payload: EventPayload): Uint8Array {
  const w = new ProtoWriter(64);
  w.double(1, wallTime);
  if (step !== 0) w.varint(2, step);
  if ('fileVersion' in payload) w.string(3, payload.fileVersion);
  else if ('graphDef' in payload) w.bytes(4, payload.graphDef);
  else
    w.message(5, (s) => {
      for (const v of payload.values) s.bytes(1, v);
    });
  return w.finish();
}

function shape(w: ProtoWriter, dims: readonly number[]): void {
  w.message(2, (s) => {
    for (const d of dims) s.message(2, (dim) => dim.varint(1, d));
  });
}

function metadata(w: ProtoWriter, plugin: string, dataClass: number, content?: Uint8Array): void {
  w.message(9, (m) => {
    m.message(1, (p) => {
      p.string(1, plugin);
      if (content?.length) p.bytes(2, content);
    });
    m.varint(4, dataClass);
  });
}

/** A rank-0 DT_FLOAT tensor with `scalars` metadata (what `tf.summary.scalar` writes in TF2). */
export function scalarValue(tag: string, x: number): EncodedValue {
  const w = new ProtoWriter(48 + tag.length);
  w.string(1, tag);
  metadata(w, 'scalars', DATA_CLASS_SCALAR);
  w.message(8, (t) => {
    t.varint(1, DT_FLOAT);
    shape(t, []);
    t.packedFloat(5, [x]);
  });
  return w.finish();
}

/** A DT_DOUBLE `[k, 3]` tensor of (left edge, right edge, count) rows with `histograms` metadata. */
export function histogramValue(tag: string, buckets: Float64Array): EncodedValue {
  const k = buckets.length / 3;
  const w = new ProtoWriter(64 + tag.length + buckets.byteLength);
  w.string(1, tag);
  metadata(w, 'histograms', DATA_CLASS_TENSOR);
  w.message(8, (t) => {
    t.varint(1, DT_DOUBLE);
    shape(t, [k, 3]);
    t.bytes(4, littleEndianBytes(buckets));
  });
  return w.finish();
}

/** A DT_STRING `[2 + n]` tensor (width, height, encoded images…) with `images` metadata. */
export function imageValue(tag: string, width: number, height: number, images: readonly Uint8Array[]): EncodedValue {
  const utf8 = new TextEncoder();
  const w = new ProtoWriter(64 + images.reduce((n, b) => n + b.length + 4, 0));
  w.string(1, tag);
  metadata(w, 'images', DATA_CLASS_BLOB_SEQUENCE);
  w.message(8, (t) => {
    t.varint(1, DT_STRING);
    shape(t, [2 + images.length]);
    t.bytes(8, utf8.encode(String(width)));
    t.bytes(8, utf8.encode(String(height)));
    for (const img of images) t.bytes(8, img);
  });
  return w.finish();
}

/** A rank-0 DT_STRING tensor with `text` metadata (markdown is rendered by TensorBoard). */
export function textValue(tag: string, s: string): EncodedValue {
  const w = new ProtoWriter(64 + s.length * 3);
  w.string(1, tag);
  metadata(w, 'text', DATA_CLASS_TENSOR);
  w.message(8, (t) => {
    t.varint(1, DT_STRING);
    shape(t, []);
    t.string(8, s);
  });
  return w.finish();
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function littleEndianBytes(a: Float64Array): Uint8Array {
  if (littleEndian) return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const out = new Uint8Array(a.byteLength);
  const v = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) v.setFloat64(i * 8, a[i]!, true);
  return out;
}
