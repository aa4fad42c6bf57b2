/**
 * The ONNX protobuf messages this exporter writes (a subset of onnx.proto: ModelProto, GraphProto, NodeProto,
 * AttributeProto, TensorProto, ValueInfoProto, OperatorSetIdProto), as plain objects and their wire encoding.
 * Owns: field numbers and enum values. Does not own: which nodes a graph holds (see the op mappers).
 */
import { ProtoWriter } from '@estimatorjs/io';

/** onnx.proto's `TensorProto.DataType` values used here. */
export const OnnxDataType = {
  FLOAT: 1,
  UINT8: 2,
  INT8: 3,
  INT32: 6,
  INT64: 7,
  STRING: 8,
  BOOL: 9,
  DOUBLE: 11,
} as const;
export type OnnxDataType = (typeof OnnxDataType)[keyof typeof OnnxDataType];

/** A node attribute; the kind picks the AttributeProto field. */
export type OnnxAttribute =
  | { readonly name: string; readonly kind: 'int'; readonly value: number }
  | { readonly name: string; readonly kind: 'float'; readonly value: number }
  | { readonly name: string; readonly kind: 'string'; readonly value: string }
  | { readonly name: string; readonly kind: 'ints'; readonly value: readonly number[] }
  | { readonly name: string; readonly kind: 'floats'; readonly value: readonly number[] };

export interface OnnxNode {
  readonly name: string;
  readonly opType: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly attributes: readonly OnnxAttribute[];
  /** Where it came from (the traced node and its scope), kept as the node's doc_string. */
  readonly docString?: string;
}

/** An initializer: little-endian raw bytes of `dataType` (never STRING: the builder refuses string constants). */
export interface OnnxInitializer {
  readonly name: string;
  readonly dataType: OnnxDataType;
  readonly dims: readonly number[];
  readonly raw: Uint8Array;
}

/** A graph input or output: element type and dims (a string dim is symbolic, e.g. `batch`). */
export interface OnnxValueInfo {
  readonly name: string;
  readonly elemType: OnnxDataType;
  readonly dims: readonly (number | string)[];
}

export interface OnnxGraph {
  readonly name: string;
  readonly nodes: readonly OnnxNode[];
  readonly initializers: readonly OnnxInitializer[];
  readonly inputs: readonly OnnxValueInfo[];
  readonly outputs: readonly OnnxValueInfo[];
}

export interface OnnxModel {
  readonly irVersion: number;
  readonly opsetVersion: number;
  readonly producerName: string;
  readonly producerVersion: string;
  readonly docString?: string;
  readonly metadata?: Readonly<Record<string, string>>;
  readonly graph: OnnxGraph;
}

// AttributeProto.AttributeType
const ATTR_FLOAT = 1;
const ATTR_INT = 2;
const ATTR_STRING = 3;
const ATTR_FLOATS = 6;
const ATTR_INTS = 7;

function writeAttribute(w: ProtoWriter, a: OnnxAttribute): void {
  w.string(1, a.name);
  switch (a.kind) {
    case 'float':
      w.float(2, a.value).varint(20, ATTR_FLOAT);
      break;
    case 'int':
      w.varint(3, a.value).varint(20, ATTR_INT);
      break;
    case 'string':
      w.string(4, a.value).varint(20, ATTR_STRING);
      break;
    case 'floats':
      // onnx.proto declares these repeated fields without [packed=true]: one tag per element.
      for (const v of a.value) w.float(7, v);
      w.varint(20, ATTR_FLOATS);
      break;
    case 'ints':
      for (const v of a.value) w.varint(8, v);
      w.varint(20, ATTR_INTS);
      break;
  }
}

function writeNode(w: ProtoWriter, n: OnnxNode): void {
  for (const i of n.inputs) w.string(1, i);
  for (const o of n.outputs) w.string(2, o);
  w.string(3, n.name).string(4, n.opType);
  for (const a of n.attributes) w.message(5, (aw) => writeAttribute(aw, a));
  if (n.docString) w.string(6, n.docString);
}

function writeTensor(w: ProtoWriter, t: OnnxInitializer): void {
  for (const d of t.dims) w.varint(1, d);
  w.varint(2, t.dataType).string(8, t.name).bytes(9, t.raw);
}

function writeValueInfo(w: ProtoWriter, v: OnnxValueInfo): void {
  w.string(1, v.name);
  // TypeProto.tensor_type (1) → TypeProto.Tensor { elem_type = 1, shape = 2 } → TensorShapeProto.dim (1)
  w.message(2, (type) =>
    type.message(1, (tensor) => {
      tensor.varint(1, v.elemType);
      tensor.message(2, (shape) => {
        for (const d of v.dims) {
          shape.message(1, (dim) => (typeof d === 'string' ? dim.string(2, d) : dim.varint(1, d)));
        }
      });
    }),
  );
}

function writeGraph(w: ProtoWriter, g: OnnxGraph): void {
  for (const n of g.nodes) w.message(1, (nw) => writeNode(nw, n));
  w.string(2, g.name);
  for (const t of g.initializers) w.message(5, (tw) => writeTensor(tw, t));
  for (const i of g.inputs) w.message(11, (vw) => writeValueInfo(vw, i));
  for (const o of g.outputs) w.message(12, (vw) => writeValueInfo(vw, o));
}

/** Encodes a model as the bytes of a `.onnx` file (a serialized ModelProto). */
export function encodeOnnxModel(m: OnnxModel): Uint8Array {
  const w = new ProtoWriter();
  w.varint(1, m.irVersion).string(2, m.producerName).string(3, m.producerVersion);
  if (m.docString) w.string(6, m.docString);
  w.message(7, (gw) => writeGraph(gw, m.graph));
  // OperatorSetIdProto { domain = 1 ('' is the default ai.onnx domain), version = 2 }
  w.message(8, (ow) => ow.string(1, '').varint(2, m.opsetVersion));
  for (const [key, value] of Object.entries(m.metadata ?? {})) {
    w.message(14, (ew) => ew.string(1, key).string(2, value));
  }
  return w.finish();
}
