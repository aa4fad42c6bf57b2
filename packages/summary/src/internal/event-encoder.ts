/**
 * Encodes `Event` protos and the `Summary.Value`s this package writes (TF2 tensor-style summaries), framed as
 * TFRecords in one buffer. Field numbers follow TF's event.proto, summary.proto, tensor.proto and tensor_shape.proto.
 */
import { ProtoWriter, sealTFRecord } from '@estimatorjs/io';
import {
  DATA_CLASS_BLOB_SEQUENCE,
  DATA_CLASS_SCALAR,
  DATA_CLASS_TENSOR,
  DT_DOUBLE,
  DT_FLOAT,
  DT_STRING,
} from './dtypes.js';

/** Writes the fields of one `Summary.Value`. */
export type ValueFill = (w: ProtoWriter) => void;

/** The payload of one Event. */
export type EventPayload =
  | { readonly fileVersion: string }
  | { readonly graphDef: Uint8Array }
  | { readonly sessionLog: { readonly status: number; readonly checkpointPath?: string; readonly msg?: string } }
  | { readonly values: readonly ValueFill[] };

/** Serializes an Event and frames it as one TFRecord (length, masked CRCs). */
export function encodeEventRecord(wallTime: number, step: number, payload: EventPayload, sizeHint = 96): Uint8Array {
  const w = new ProtoWriter(sizeHint + 16);
  w.reserve(12);
  w.double(1, wallTime);
  if (step !== 0) w.varint(2, step);
  if ('fileVersion' in payload) w.string(3, payload.fileVersion);
  else if ('graphDef' in payload) w.bytes(4, payload.graphDef);
  else if ('sessionLog' in payload) {
    const sl = payload.sessionLog;
    w.message(7, (m) => {
      m.varint(1, sl.status);
      if (sl.checkpointPath) m.string(2, sl.checkpointPath);
      if (sl.msg) m.string(3, sl.msg);
    });
  } else
    w.message(5, (s) => {
      for (const fill of payload.values) s.message(1, fill);
    });
  w.reserve(4);
  return sealTFRecord(w.finish());
}

const utf8 = new TextEncoder();
const tagCache = new Map<string, Uint8Array>();

/** The `tag` field (1), encoded once per distinct tag. */
function tagField(w: ProtoWriter, tag: string): void {
  let bytes = tagCache.get(tag);
  if (!bytes) {
    bytes = new ProtoWriter(tag.length * 3 + 8).bytes(1, utf8.encode(tag)).finish().slice();
    if (tagCache.size >= 4096) tagCache.clear();
    tagCache.set(tag, bytes);
  }
  w.raw(bytes);
}

const metadataCache = new Map<string, Uint8Array>();

/** The `metadata` field (9) with the plugin name and data class; constant per plugin, so encoded once. */
function metadataField(w: ProtoWriter, plugin: string, dataClass: number): void {
  let bytes = metadataCache.get(plugin);
  if (!bytes) {
    bytes = new ProtoWriter(32)
      .message(9, (m) => {
        m.message(1, (p) => p.string(1, plugin));
        m.varint(4, dataClass);
      })
      .finish()
      .slice();
    metadataCache.set(plugin, bytes);
  }
  w.raw(bytes);
}

function shapeField(w: ProtoWriter, dims: readonly number[]): void {
  w.message(2, (s) => {
    for (const d of dims) s.message(2, (dim) => dim.varint(1, d));
  });
}

/** A rank-0 DT_FLOAT tensor with `scalars` metadata (what `tf.summary.scalar` writes in TF2). */
export function scalarValue(tag: string, x: number): ValueFill {
  return (w) => {
    tagField(w, tag);
    metadataField(w, 'scalars', DATA_CLASS_SCALAR);
    w.message(8, (t) => {
      t.varint(1, DT_FLOAT);
      shapeField(t, []);
      t.packedFloat(5, [x]);
    });
  };
}

/** A DT_DOUBLE `[k, 3]` tensor of (left edge, right edge, count) rows with `histograms` metadata. */
export function histogramValue(tag: string, buckets: Float64Array): ValueFill {
  return (w) => {
    tagField(w, tag);
    metadataField(w, 'histograms', DATA_CLASS_TENSOR);
    w.message(8, (t) => {
      t.varint(1, DT_DOUBLE);
      shapeField(t, [buckets.length / 3, 3]);
      t.bytes(4, littleEndianBytes(buckets));
    });
  };
}

/** A DT_STRING `[2 + n]` tensor (width, height, encoded images…) with `images` metadata. */
export function imageValue(tag: string, width: number, height: number, images: readonly Uint8Array[]): ValueFill {
  return (w) => {
    tagField(w, tag);
    metadataField(w, 'images', DATA_CLASS_BLOB_SEQUENCE);
    w.message(8, (t) => {
      t.varint(1, DT_STRING);
      shapeField(t, [2 + images.length]);
      t.string(8, String(width));
      t.string(8, String(height));
      for (const img of images) t.bytes(8, img);
    });
  };
}

/** A rank-0 DT_STRING tensor with `text` metadata (markdown is rendered by TensorBoard). */
export function textValue(tag: string, s: string): ValueFill {
  return (w) => {
    tagField(w, tag);
    metadataField(w, 'text', DATA_CLASS_TENSOR);
    w.message(8, (t) => {
      t.varint(1, DT_STRING);
      shapeField(t, []);
      t.string(8, s);
    });
  };
}

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function littleEndianBytes(a: Float64Array): Uint8Array {
  if (littleEndian) return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const out = new Uint8Array(a.byteLength);
  const v = new DataView(out.buffer);
  for (let i = 0; i < a.length; i++) v.setFloat64(i * 8, a[i]!, true);
  return out;
}
