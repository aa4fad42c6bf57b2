/** A `GraphDef` (the model graph TensorBoard's Graphs tab draws) from a plain list of nodes, and back. */
import { ProtoReader, ProtoWriter, text, toInt64, varints } from '@estimatorjs/io';
import { SummaryError } from './errors.js';
import { badProtoAsSummaryError } from './internal/bad-proto.js';
import { dtypeName } from './internal/dtypes.js';

/**
 * The value of a node attribute (TF's `AttrValue`). Types take tfjs names (`'float32'`) or TF names
 * (`'DT_FLOAT'`); shapes use -1 for an unknown dimension.
 */
export type GraphAttr =
  | { readonly s: string }
  | { readonly i: number }
  | { readonly f: number }
  | { readonly b: boolean }
  | { readonly type: string }
  | { readonly shape: readonly number[] }
  | {
      readonly list: {
        readonly s?: readonly string[];
        readonly i?: readonly number[];
        readonly f?: readonly number[];
        readonly type?: readonly string[];
        readonly shape?: readonly (readonly number[])[];
      };
    };

/**
 * One node of a graph: an op (kernel) or a variable, named by scope (`dense_1/MatMul`) so TensorBoard groups it.
 * @example
 *   const nodes: GraphNode[] = [
 *     { name: 'x', op: 'Placeholder', dtype: 'float32', outputShapes: [[-1, 784]] },
 *     { name: 'dense/kernel', op: 'VariableV2', dtype: 'float32', outputShapes: [[784, 10]] },
 *     { name: 'dense/MatMul', op: 'MatMul', inputs: ['x', 'dense/kernel'], dtype: 'float32', outputShapes: [[-1, 10]] },
 *   ];
 */
export interface GraphNode {
  /** Unique name; `/` separates scopes. */
  readonly name: string;
  /** Op type, e.g. `MatMul`, `Relu`, `VariableV2`, `Placeholder`. */
  readonly op: string;
  /** Names of the nodes feeding this one (`name:1` for a second output, `^name` for a control input). */
  readonly inputs?: readonly string[];
  readonly device?: string;
  /** Element type; written as attr `T` (or `dtype` for variables, placeholders and constants). */
  readonly dtype?: string;
  /** Shapes of the outputs; written as attr `_output_shapes`, which TensorBoard shows on edges. */
  readonly outputShapes?: readonly (readonly number[])[];
  /** Further attributes. */
  readonly attr?: Readonly<Record<string, GraphAttr>>;
}

/** A decoded `GraphDef`: nodes with every attribute under `attr`. */
export interface DecodedGraph {
  readonly nodes: readonly {
    readonly name: string;
    readonly op: string;
    readonly inputs: readonly string[];
    readonly device: string;
    readonly attr: Readonly<Record<string, GraphAttr>>;
  }[];
}

const TFJS_TO_DT: Record<string, number> = { float32: 1, int32: 3, bool: 10, complex64: 8, string: 7 };
const SOURCE_OPS = new Set(['VariableV2', 'Variable', 'VarHandleOp', 'Placeholder', 'Const']);

function dtypeEnum(name: string): number {
  const n = TFJS_TO_DT[name];
  if (n !== undefined) return n;
  for (let i = 1; i < 30; i++) if (dtypeName(i) === name) return i;
  throw new SummaryError(
    'SUMMARY_ARGUMENT',
    `graph(): unknown dtype '${name}'; use a tfjs dtype (float32, int32, bool, complex64, string) or a TF name such as DT_FLOAT.`,
  );
}

function writeShape(w: ProtoWriter, field: number, dims: readonly number[]): void {
  w.message(field, (s) => {
    for (const d of dims) s.message(2, (dim) => dim.varint(1, d));
  });
}

function writeAttr(w: ProtoWriter, a: GraphAttr): void {
  if ('s' in a) w.string(2, a.s);
  else if ('i' in a) w.varint(3, a.i);
  else if ('f' in a) w.float(4, a.f);
  else if ('b' in a) w.varint(5, a.b ? 1 : 0);
  else if ('type' in a) w.varint(6, dtypeEnum(a.type));
  else if ('shape' in a) writeShape(w, 7, a.shape);
  else
    w.message(1, (l) => {
      for (const s of a.list.s ?? []) l.string(2, s);
      if (a.list.i?.length) l.packedVarint(3, a.list.i);
      if (a.list.f?.length) l.packedFloat(4, a.list.f);
      if (a.list.type?.length) l.packedVarint(6, a.list.type.map(dtypeEnum));
      for (const s of a.list.shape ?? []) writeShape(l, 7, s);
    });
}

/**
 * Serializes `nodes` as a `GraphDef` (what {@link SummaryWriter.graph} writes into an Event).
 * Throws `SummaryError` (`SUMMARY_ARGUMENT`) for duplicate names or inputs that name no node.
 * @example
 *   const bytes = encodeGraphDef([{ name: 'x', op: 'Placeholder' }, { name: 'y', op: 'Relu', inputs: ['x'] }]);
 */
export function encodeGraphDef(nodes: readonly GraphNode[]): Uint8Array {
  const names = new Set<string>();
  for (const n of nodes) {
    if (!n.name || !n.op) {
      throw new SummaryError(
        'SUMMARY_ARGUMENT',
        `graph(): every node needs a name and an op, received ${JSON.stringify({ name: n.name, op: n.op })}.`,
      );
    }
    if (names.has(n.name)) {
      throw new SummaryError('SUMMARY_ARGUMENT', `graph(): node name '${n.name}' appears twice; names must be unique.`);
    }
    names.add(n.name);
  }
  for (const n of nodes) {
    for (const input of n.inputs ?? []) {
      const src = input.replace(/^\^/, '').replace(/:\d+$/, '');
      if (!names.has(src)) {
        throw new SummaryError(
          'SUMMARY_ARGUMENT',
          `graph(): node '${n.name}' has input '${input}', but no node is named '${src}'. Add that node or drop the input.`,
        );
      }
    }
  }
  const w = new ProtoWriter(256);
  for (const n of nodes) {
    w.message(1, (nd) => {
      nd.string(1, n.name);
      nd.string(2, n.op);
      for (const input of n.inputs ?? []) nd.string(3, input);
      if (n.device) nd.string(4, n.device);
      const attrs: [string, GraphAttr][] = [];
      if (n.dtype) attrs.push([SOURCE_OPS.has(n.op) ? 'dtype' : 'T', { type: n.dtype }]);
      if (n.outputShapes) attrs.push(['_output_shapes', { list: { shape: n.outputShapes } }]);
      for (const [k, v] of Object.entries(n.attr ?? {})) attrs.push([k, v]);
      for (const [k, v] of attrs) {
        nd.message(5, (entry) => {
          entry.string(1, k);
          entry.message(2, (av) => writeAttr(av, v));
        });
      }
    });
  }
  return w.finish();
}

function readShape(bytes: Uint8Array): number[] {
  const dims: number[] = [];
  for (const f of new ProtoReader(bytes, 'TensorShapeProto').fields()) {
    if (f.field !== 2 || f.wireType !== 2) continue;
    let size = 0;
    for (const d of new ProtoReader(f.bytes, 'Dim').fields()) if (d.field === 1) size = toInt64(d.varint);
    dims.push(size);
  }
  return dims;
}

function readAttr(bytes: Uint8Array): GraphAttr {
  const r = new ProtoReader(bytes, 'AttrValue');
  let out: GraphAttr = { list: {} };
  for (const f of r.fields()) {
    if (f.field === 2 && f.wireType === 2) out = { s: text(f.bytes) };
    else if (f.field === 3 && f.wireType === 0) out = { i: toInt64(f.varint) };
    else if (f.field === 4 && f.wireType === 5) out = { f: r.float(f) };
    else if (f.field === 5 && f.wireType === 0) out = { b: f.varint !== 0 };
    else if (f.field === 6 && f.wireType === 0) out = { type: dtypeName(f.varint) };
    else if (f.field === 7 && f.wireType === 2) out = { shape: readShape(f.bytes) };
    else if (f.field === 1 && f.wireType === 2) {
      const s: string[] = [];
      const i: number[] = [];
      const fl: number[] = [];
      const type: string[] = [];
      const shape: number[][] = [];
      const lr = new ProtoReader(f.bytes, 'AttrValue.ListValue');
      for (const g of lr.fields()) {
        if (g.field === 2 && g.wireType === 2) s.push(text(g.bytes));
        else if (g.field === 3) i.push(...varints(g, 'ListValue.i').map(toInt64));
        else if (g.field === 4 && g.wireType === 5) fl.push(lr.float(g));
        else if (g.field === 4 && g.wireType === 2) {
          const v = new DataView(g.bytes.buffer, g.bytes.byteOffset, g.bytes.byteLength);
          for (let k = 0; k + 4 <= g.bytes.length; k += 4) fl.push(v.getFloat32(k, true));
        } else if (g.field === 6) type.push(...varints(g, 'ListValue.type').map(dtypeName));
        else if (g.field === 7 && g.wireType === 2) shape.push(readShape(g.bytes));
      }
      const list: { s?: string[]; i?: number[]; f?: number[]; type?: string[]; shape?: number[][] } = {};
      if (s.length) list.s = s;
      if (i.length) list.i = i;
      if (fl.length) list.f = fl;
      if (type.length) list.type = type;
      if (shape.length) list.shape = shape;
      out = { list };
    }
  }
  return out;
}

/**
 * Decodes a serialized `GraphDef` (e.g. `event.graphDef`) into its nodes. Function libraries are skipped.
 * @example
 *   const { nodes } = decodeGraphDef(ev.graphDef!); console.log(nodes.map((n) => n.name));
 */
export function decodeGraphDef(bytes: Uint8Array): DecodedGraph {
  return badProtoAsSummaryError(() => readGraphDef(bytes));
}

function readGraphDef(bytes: Uint8Array): DecodedGraph {
  const nodes: DecodedGraph['nodes'][number][] = [];
  for (const f of new ProtoReader(bytes, 'GraphDef').fields()) {
    if (f.field !== 1 || f.wireType !== 2) continue;
    let name = '';
    let op = '';
    let device = '';
    const inputs: string[] = [];
    const attr: Record<string, GraphAttr> = {};
    for (const g of new ProtoReader(f.bytes, 'NodeDef').fields()) {
      if (g.wireType !== 2) continue;
      if (g.field === 1) name = text(g.bytes);
      else if (g.field === 2) op = text(g.bytes);
      else if (g.field === 3) inputs.push(text(g.bytes));
      else if (g.field === 4) device = text(g.bytes);
      else if (g.field === 5) {
        let key = '';
        let value: GraphAttr = { list: {} };
        for (const e of new ProtoReader(g.bytes, 'NodeDef.AttrEntry').fields()) {
          if (e.field === 1 && e.wireType === 2) key = text(e.bytes);
          else if (e.field === 2 && e.wireType === 2) value = readAttr(e.bytes);
        }
        attr[key] = value;
      }
    }
    nodes.push({ name, op, inputs, device, attr });
  }
  return { nodes };
}
