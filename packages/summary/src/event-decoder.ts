/** Decodes `Event` protos (and the messages inside them) into plain objects. */
import { type ProtoField, ProtoReader, text, toInt32, toInt64, varints } from '@estimatorjs/io';
import type { Event, HistogramValue, ImageValue, SummaryMetadata, SummaryValue, TensorValue } from './event.js';
import { badProtoAsSummaryError } from './internal/bad-proto.js';
import { dtypeName } from './internal/dtypes.js';

function packedFixed(r: ProtoReader, f: ProtoField, size: 4 | 8): number[] {
  if (f.wireType === 5) return [r.float(f)];
  if (f.wireType === 1) return [r.double(f)];
  const v = new DataView(f.bytes.buffer, f.bytes.byteOffset, f.bytes.byteLength);
  const out: number[] = [];
  for (let i = 0; i + size <= f.bytes.length; i += size)
    out.push(size === 4 ? v.getFloat32(i, true) : v.getFloat64(i, true));
  return out;
}

function decodeShape(bytes: Uint8Array): number[] {
  const dims: number[] = [];
  for (const f of new ProtoReader(bytes, 'TensorShapeProto').fields()) {
    if (f.field !== 2 || f.wireType !== 2) continue;
    let size = 0;
    for (const d of new ProtoReader(f.bytes, 'TensorShapeProto.Dim').fields()) {
      if (d.field === 1 && d.wireType === 0) size = toInt64(d.varint);
    }
    dims.push(size);
  }
  return dims;
}

/**
 * Decodes a serialized `TensorProto`.
 * @example
 *   const t = decodeTensor(bytes); console.log(t.dtypeName, t.shape);
 */
export function decodeTensor(bytes: Uint8Array): TensorValue {
  return badProtoAsSummaryError(() => readTensor(bytes));
}

function readTensor(bytes: Uint8Array): TensorValue {
  const r = new ProtoReader(bytes, 'TensorProto');
  let dtype = 0;
  let shape: number[] = [];
  let tensorContent: Uint8Array | undefined;
  const floatVal: number[] = [];
  const doubleVal: number[] = [];
  const intVal: number[] = [];
  const int64Val: number[] = [];
  const boolVal: boolean[] = [];
  const halfVal: number[] = [];
  const stringVal: Uint8Array[] = [];
  for (const f of r.fields()) {
    switch (f.field) {
      case 1:
        dtype = f.varint;
        break;
      case 2:
        shape = decodeShape(f.bytes);
        break;
      case 4:
        tensorContent = f.bytes;
        break;
      case 5:
        floatVal.push(...packedFixed(r, f, 4));
        break;
      case 6:
        doubleVal.push(...packedFixed(r, f, 8));
        break;
      case 7:
        intVal.push(...varints(f, 'TensorProto.int_val').map(toInt32));
        break;
      case 8:
        stringVal.push(f.bytes);
        break;
      case 10:
        int64Val.push(...varints(f, 'TensorProto.int64_val').map(toInt64));
        break;
      case 11:
        boolVal.push(...varints(f, 'TensorProto.bool_val').map((x) => x !== 0));
        break;
      case 13:
        halfVal.push(...varints(f, 'TensorProto.half_val'));
        break;
    }
  }
  const t: TensorValue = {
    dtype,
    dtypeName: dtypeName(dtype),
    shape,
    floatVal,
    doubleVal,
    intVal,
    int64Val,
    boolVal,
    halfVal,
    stringVal,
  };
  return tensorContent ? { ...t, tensorContent } : t;
}

function halfToFloat(bits: number): number {
  const s = bits & 0x8000 ? -1 : 1;
  const e = (bits >> 10) & 0x1f;
  const m = bits & 0x3ff;
  if (e === 0) return s * m * 2 ** -24;
  if (e === 31) return m ? Number.NaN : s * Number.POSITIVE_INFINITY;
  return s * (1 + m / 1024) * 2 ** (e - 15);
}

/**
 * The elements of a decoded tensor as numbers (numeric dtypes) or byte strings (`DT_STRING`), in row-major order.
 * @example
 *   const [loss] = tensorValues(summaryValue.tensor!) as number[];
 */
export function tensorValues(t: TensorValue): number[] | Uint8Array[] {
  if (t.stringVal.length > 0 || t.dtype === 7) return [...t.stringVal];
  const c = t.tensorContent;
  if (c && c.length > 0) {
    const v = new DataView(c.buffer, c.byteOffset, c.byteLength);
    const read = (size: number, get: (i: number) => number): number[] => {
      const out: number[] = [];
      for (let i = 0; i + size <= c.length; i += size) out.push(get(i));
      return out;
    };
    switch (t.dtype) {
      case 1:
        return read(4, (i) => v.getFloat32(i, true));
      case 2:
        return read(8, (i) => v.getFloat64(i, true));
      case 3:
        return read(4, (i) => v.getInt32(i, true));
      case 4:
        return read(1, (i) => v.getUint8(i));
      case 5:
        return read(2, (i) => v.getInt16(i, true));
      case 6:
        return read(1, (i) => v.getInt8(i));
      case 9:
        return read(8, (i) => Number(v.getBigInt64(i, true)));
      case 10:
        return read(1, (i) => v.getUint8(i));
      case 17:
        return read(2, (i) => v.getUint16(i, true));
      case 19:
        return read(2, (i) => halfToFloat(v.getUint16(i, true)));
      case 22:
        return read(4, (i) => v.getUint32(i, true));
      case 23:
        return read(8, (i) => Number(v.getBigUint64(i, true)));
      default:
        return [];
    }
  }
  if (t.floatVal.length) return [...t.floatVal];
  if (t.doubleVal.length) return [...t.doubleVal];
  if (t.intVal.length) return [...t.intVal];
  if (t.int64Val.length) return [...t.int64Val];
  if (t.boolVal.length) return t.boolVal.map((b) => (b ? 1 : 0));
  if (t.halfVal.length) return t.halfVal.map(halfToFloat);
  return [];
}

/**
 * The number a scalar summary value holds (TF 1.x `simple_value` or a one-element numeric tensor), else undefined.
 * @example
 *   const loss = scalarValue(ev.summary!.value[0]!);
 */
export function scalarValue(v: SummaryValue): number | undefined {
  if (v.simpleValue !== undefined) return v.simpleValue;
  if (!v.tensor || v.tensor.dtype === 7) return undefined;
  const vals = tensorValues(v.tensor) as number[];
  return vals.length === 1 ? vals[0] : undefined;
}

function decodeMetadata(bytes: Uint8Array): SummaryMetadata {
  let pluginName = '';
  let pluginContent: Uint8Array = new Uint8Array(0);
  let displayName = '';
  let summaryDescription = '';
  let dataClass = 0;
  for (const f of new ProtoReader(bytes, 'SummaryMetadata').fields()) {
    if (f.field === 1 && f.wireType === 2) {
      for (const p of new ProtoReader(f.bytes, 'SummaryMetadata.PluginData').fields()) {
        if (p.field === 1 && p.wireType === 2) pluginName = text(p.bytes);
        else if (p.field === 2 && p.wireType === 2) pluginContent = p.bytes;
      }
    } else if (f.field === 2 && f.wireType === 2) displayName = text(f.bytes);
    else if (f.field === 3 && f.wireType === 2) summaryDescription = text(f.bytes);
    else if (f.field === 4 && f.wireType === 0) dataClass = f.varint;
  }
  return { pluginName, pluginContent, displayName, summaryDescription, dataClass };
}

function decodeHisto(bytes: Uint8Array): HistogramValue {
  const r = new ProtoReader(bytes, 'HistogramProto');
  const h = { min: 0, max: 0, num: 0, sum: 0, sumSquares: 0, bucketLimit: [] as number[], bucket: [] as number[] };
  for (const f of r.fields()) {
    if (f.field === 1 && f.wireType === 1) h.min = r.double(f);
    else if (f.field === 2 && f.wireType === 1) h.max = r.double(f);
    else if (f.field === 3 && f.wireType === 1) h.num = r.double(f);
    else if (f.field === 4 && f.wireType === 1) h.sum = r.double(f);
    else if (f.field === 5 && f.wireType === 1) h.sumSquares = r.double(f);
    else if (f.field === 6) h.bucketLimit.push(...packedFixed(r, f, 8));
    else if (f.field === 7) h.bucket.push(...packedFixed(r, f, 8));
  }
  return h;
}

function decodeImage(bytes: Uint8Array): ImageValue {
  const img = { height: 0, width: 0, colorspace: 0, encodedImageString: new Uint8Array(0) as Uint8Array };
  for (const f of new ProtoReader(bytes, 'Summary.Image').fields()) {
    if (f.field === 1 && f.wireType === 0) img.height = f.varint;
    else if (f.field === 2 && f.wireType === 0) img.width = f.varint;
    else if (f.field === 3 && f.wireType === 0) img.colorspace = f.varint;
    else if (f.field === 4 && f.wireType === 2) img.encodedImageString = f.bytes;
  }
  return img;
}

function decodeValue(bytes: Uint8Array): SummaryValue {
  const r = new ProtoReader(bytes, 'Summary.Value');
  const v: {
    tag: string;
    nodeName?: string;
    metadata?: SummaryMetadata;
    simpleValue?: number;
    tensor?: TensorValue;
    histo?: HistogramValue;
    image?: ImageValue;
  } = { tag: '' };
  for (const f of r.fields()) {
    if (f.field === 1 && f.wireType === 2) v.tag = text(f.bytes);
    else if (f.field === 2 && f.wireType === 5) v.simpleValue = r.float(f);
    else if (f.field === 4 && f.wireType === 2) v.image = decodeImage(f.bytes);
    else if (f.field === 5 && f.wireType === 2) v.histo = decodeHisto(f.bytes);
    else if (f.field === 7 && f.wireType === 2) v.nodeName = text(f.bytes);
    else if (f.field === 8 && f.wireType === 2) v.tensor = readTensor(f.bytes);
    else if (f.field === 9 && f.wireType === 2) v.metadata = decodeMetadata(f.bytes);
  }
  if (!v.tag && v.nodeName) v.tag = v.nodeName;
  return v;
}

/**
 * Decodes one serialized `tensorflow.Event` (a TFRecord payload of an event file).
 * Throws `SummaryError` with code `SUMMARY_BAD_PROTO` on malformed bytes.
 * @example
 *   const event = decodeEvent(record); if (event.summary) console.log(event.step, event.summary.value[0]?.tag);
 */
export function decodeEvent(bytes: Uint8Array): Event {
  return badProtoAsSummaryError(() => readEvent(bytes));
}

function readEvent(bytes: Uint8Array): Event {
  const r = new ProtoReader(bytes, 'Event');
  const ev: {
    wallTime: number;
    step: number;
    fileVersion?: string;
    graphDef?: Uint8Array;
    summary?: { value: SummaryValue[] };
    logMessage?: { level: number; message: string };
    sessionLog?: { status: number; checkpointPath: string; msg: string };
  } = { wallTime: 0, step: 0 };
  for (const f of r.fields()) {
    if (f.field === 1 && f.wireType === 1) ev.wallTime = r.double(f);
    else if (f.field === 2 && f.wireType === 0) ev.step = toInt64(f.varint);
    else if (f.field === 3 && f.wireType === 2) ev.fileVersion = text(f.bytes);
    else if (f.field === 4 && f.wireType === 2) ev.graphDef = f.bytes;
    else if (f.field === 5 && f.wireType === 2) {
      const value: SummaryValue[] = [];
      for (const s of new ProtoReader(f.bytes, 'Summary').fields()) {
        if (s.field === 1 && s.wireType === 2) value.push(decodeValue(s.bytes));
      }
      ev.summary = { value };
    } else if (f.field === 6 && f.wireType === 2) {
      const lm = { level: 0, message: '' };
      for (const g of new ProtoReader(f.bytes, 'LogMessage').fields()) {
        if (g.field === 1 && g.wireType === 0) lm.level = toInt32(g.varint);
        else if (g.field === 2 && g.wireType === 2) lm.message = text(g.bytes);
      }
      ev.logMessage = lm;
    } else if (f.field === 7 && f.wireType === 2) {
      const sl = { status: 0, checkpointPath: '', msg: '' };
      for (const g of new ProtoReader(f.bytes, 'SessionLog').fields()) {
        if (g.field === 1 && g.wireType === 0) sl.status = g.varint;
        else if (g.field === 2 && g.wireType === 2) sl.checkpointPath = text(g.bytes);
        else if (g.field === 3 && g.wireType === 2) sl.msg = text(g.bytes);
      }
      ev.sessionLog = sl;
    }
  }
  return ev;
}
