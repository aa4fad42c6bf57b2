/**
 * Test oracle: decodes `tensorflow.Event` records the way TensorBoard's loaders see them, from the field numbers
 * published in tensorboard/compat/proto/{event,summary,tensor,tensor_shape,histogram}.proto.
 *
 * Owns: Event, Summary, Summary.Value, SummaryMetadata, TensorProto (numeric and string values), HistogramProto,
 * Summary.Image/Audio. Does not own: file framing (check-event-files.ts) or TensorBoard's run/tag rules.
 * Independent of @estimatorjs/summary on purpose: it is what the summary writer's output is checked against.
 */
import { WireMessage } from './oracle-wire.js';

export const DT_FLOAT = 1;
export const DT_DOUBLE = 2;
export const DT_INT32 = 3;
export const DT_STRING = 7;
export const DT_INT64 = 9;

/** A TensorProto as far as the summary plugins need it. */
export interface OracleTensor {
  readonly dtype: number;
  /** null for an unknown rank. */
  readonly shape: readonly number[] | null;
  /** Numeric values (from tensor_content or the typed field), or null for other dtypes. */
  readonly numbers: readonly number[] | null;
  readonly strings: readonly Uint8Array[];
  /** How many values came from the typed repeated field (TensorBoard's fast loader reads only those for scalars). */
  readonly typedCount: number;
  readonly contentBytes: number;
}

export interface OracleHistogram {
  readonly min: number;
  readonly max: number;
  readonly num: number;
  readonly sum: number;
  readonly bucketLimit: readonly number[];
  readonly bucket: readonly number[];
}

export interface OracleImage {
  readonly height: number;
  readonly width: number;
  readonly colorspace: number;
  readonly encoded: Uint8Array;
}

export type OracleValueData =
  | { readonly kind: 'simple_value'; readonly simpleValue: number }
  | { readonly kind: 'tensor'; readonly tensor: OracleTensor }
  | { readonly kind: 'histo'; readonly histo: OracleHistogram }
  | { readonly kind: 'image'; readonly image: OracleImage }
  | { readonly kind: 'audio'; readonly bytes: number }
  | { readonly kind: 'none' };

export interface OracleValue {
  readonly tag: string;
  readonly metadata: { readonly pluginName: string; readonly dataClass: number } | null;
  readonly data: OracleValueData;
}

export type OracleEventWhat =
  | { readonly what: 'file_version'; readonly fileVersion: string }
  | { readonly what: 'graph_def'; readonly graphDef: Uint8Array }
  | { readonly what: 'summary'; readonly values: readonly OracleValue[] }
  | { readonly what: 'other'; readonly field: number }
  | { readonly what: 'none' };

export type OracleEvent = {
  /** Seconds since the epoch; undefined when the field is absent. */
  readonly wallTime: number | undefined;
  readonly step: number;
  /** Wire-type mismatches and other things a real protobuf parser would not read as intended. */
  readonly problems: readonly string[];
} & OracleEventWhat;

function decodeShape(bytes: Uint8Array | undefined, problems: string[]): number[] | null {
  if (bytes === undefined) return [];
  const m = new WireMessage(bytes, 'TensorShapeProto');
  const dims = m.repeatedBytes(2).map((d) => {
    const dim = new WireMessage(d, 'TensorShapeProto.Dim');
    problems.push(...dim.problems);
    return dim.int64(1);
  });
  const unknownRank = m.int32(3) !== 0;
  problems.push(...m.problems);
  return unknownRank ? null : dims;
}

function decodeTensor(bytes: Uint8Array, problems: string[]): OracleTensor {
  const m = new WireMessage(bytes, 'TensorProto');
  const dtype = m.int32(1);
  const shape = decodeShape(m.message(2), problems);
  const content = m.bytes(4) ?? new Uint8Array(0);
  const view = new DataView(content.buffer, content.byteOffset, content.byteLength);
  let numbers: number[] | null = null;
  let typed: number[] = [];
  const fromContent = (width: number, read: (at: number) => number) => {
    if (content.length % width) problems.push(`tensor_content of ${content.length} bytes for dtype ${dtype}`);
    const out: number[] = [];
    for (let at = 0; at + width <= content.length; at += width) out.push(read(at));
    return out;
  };
  if (dtype === DT_FLOAT) {
    typed = m.repeatedNumbers(5, 'float');
    numbers = content.length ? fromContent(4, (at) => view.getFloat32(at, true)) : typed;
  } else if (dtype === DT_DOUBLE) {
    typed = m.repeatedNumbers(6, 'double');
    numbers = content.length ? fromContent(8, (at) => view.getFloat64(at, true)) : typed;
  } else if (dtype === DT_INT32) {
    typed = m.repeatedNumbers(7, 'int32');
    numbers = content.length ? fromContent(4, (at) => view.getInt32(at, true)) : typed;
  } else if (dtype === DT_INT64) {
    typed = m.repeatedNumbers(10, 'int64');
    numbers = content.length ? fromContent(8, (at) => Number(view.getBigInt64(at, true))) : typed;
  }
  const strings = dtype === DT_STRING ? m.repeatedBytes(8) : [];
  problems.push(...m.problems);
  return { dtype, shape, numbers, strings, typedCount: typed.length, contentBytes: content.length };
}

function decodeValue(bytes: Uint8Array, problems: string[]): OracleValue {
  const m = new WireMessage(bytes, 'Summary.Value');
  const tag = m.string(1);
  let metadata: OracleValue['metadata'] = null;
  const md = m.message(9);
  if (md !== undefined) {
    const mm = new WireMessage(md, 'SummaryMetadata');
    const pd = mm.message(1);
    const pluginName = pd === undefined ? '' : new WireMessage(pd, 'PluginData').string(1);
    metadata = { pluginName, dataClass: mm.int32(4) };
    problems.push(...mm.problems);
  }
  // `value` is a oneof: the member last on the wire wins.
  const member = [...m.fields].reverse().find((f) => [2, 4, 5, 6, 8].includes(f.field))?.field;
  let data: OracleValueData = { kind: 'none' };
  if (member === 2) data = { kind: 'simple_value', simpleValue: m.float(2) ?? 0 };
  else if (member === 8) data = { kind: 'tensor', tensor: decodeTensor(m.message(8)!, problems) };
  else if (member === 5) {
    const h = new WireMessage(m.message(5)!, 'HistogramProto');
    data = {
      kind: 'histo',
      histo: {
        min: h.double(1) ?? 0,
        max: h.double(2) ?? 0,
        num: h.double(3) ?? 0,
        sum: h.double(4) ?? 0,
        bucketLimit: h.repeatedNumbers(6, 'double'),
        bucket: h.repeatedNumbers(7, 'double'),
      },
    };
    problems.push(...h.problems);
  } else if (member === 4) {
    const im = new WireMessage(m.message(4)!, 'Summary.Image');
    const image = { height: im.int32(1), width: im.int32(2), colorspace: im.int32(3), encoded: im.bytes(4)! };
    data = { kind: 'image', image: { ...image, encoded: image.encoded ?? new Uint8Array(0) } };
    problems.push(...im.problems);
  } else if (member === 6) data = { kind: 'audio', bytes: m.message(6)!.length };
  problems.push(...m.problems);
  return { tag, metadata, data };
}

/** Decodes one Event payload. Throws WireError when the bytes are not a protobuf message at all. */
export function decodeOracleEvent(payload: Uint8Array): OracleEvent {
  const m = new WireMessage(payload, 'Event');
  const problems: string[] = [];
  const wallTime = m.double(1);
  const step = m.int64(2);
  const whatField = [...m.fields].reverse().find((f) => f.field >= 3 && f.field <= 9)?.field;
  let what: OracleEventWhat;
  if (whatField === 3) what = { what: 'file_version', fileVersion: m.string(3) };
  else if (whatField === 4) what = { what: 'graph_def', graphDef: m.bytes(4)! };
  else if (whatField === 5) {
    const s = new WireMessage(m.message(5)!, 'Summary');
    what = { what: 'summary', values: s.repeatedBytes(1).map((v) => decodeValue(v, problems)) };
    problems.push(...s.problems);
  } else if (whatField !== undefined) what = { what: 'other', field: whatField };
  else what = { what: 'none' };
  problems.push(...m.problems);
  return { wallTime, step, problems, ...what };
}
