/**
 * Accumulates the ONNX graph while the op mappers translate traced nodes: unique value names, initializers
 * (emitted only when a node reads them, so a constant folded into another one does not ship twice), nodes.
 * Owns: naming and constants. Does not own: what a kernel becomes (ops/*.ts) or the wire format (onnx-proto.ts).
 */
import type { TracedConstant, TracedDType, TracedGraph, TracedNode, TracedTensor } from '@estimatorjs/estimator';
import { ExportError, unsupportedOp } from '../export-error.js';
import { type OnnxAttribute, OnnxDataType, type OnnxInitializer, type OnnxNode } from './onnx-proto.js';

/** The ONNX element type of a tfjs dtype. */
export function onnxDataType(dtype: TracedDType): OnnxDataType {
  switch (dtype) {
    case 'float32':
      return OnnxDataType.FLOAT;
    case 'int32':
      return OnnxDataType.INT32;
    case 'bool':
      return OnnxDataType.BOOL;
    case 'string':
      return OnnxDataType.STRING;
  }
}

function bytesOf(values: Float32Array | Int32Array | Uint8Array | BigInt64Array): Uint8Array {
  // Typed arrays are little-endian on every platform tfjs runs on; ONNX raw_data is little-endian too.
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
}

export class OnnxGraphBuilder {
  readonly nodes: OnnxNode[] = [];
  readonly initializers: OnnxInitializer[] = [];
  private readonly used = new Set<string>();
  private readonly names = new Map<number, string>();
  private readonly constants = new Map<number, TracedConstant>();

  constructor(readonly graph: TracedGraph) {
    for (const c of graph.constants) this.constants.set(c.tensor, c);
  }

  /** A name not used yet, derived from `base`. */
  fresh(base: string): string {
    let name = base;
    for (let k = 1; this.used.has(name); k++) name = `${base}_${k}`;
    this.used.add(name);
    return name;
  }

  /** Binds a traced tensor to an ONNX value name (graph inputs, node outputs); idempotent. */
  bind(id: number, base: string): string {
    const bound = this.names.get(id);
    if (bound !== undefined) return bound;
    const name = this.fresh(base);
    this.names.set(id, name);
    return name;
  }

  tensor(id: number): TracedTensor {
    const t = this.graph.tensors.get(id);
    if (!t)
      throw new ExportError('EXPORT_INVALID_GRAPH', `writeOnnx(): tensor ${id} is not in the traced graph's tensors.`);
    return t;
  }

  /** The frozen values of a traced tensor, when it is a constant. */
  constantOf(id: number): TracedConstant | undefined {
    return this.constants.get(id);
  }

  /** The ONNX value name of a traced tensor; a constant becomes an initializer the first time it is read. */
  valueName(id: number): string {
    const bound = this.names.get(id);
    if (bound !== undefined) return bound;
    const c = this.constants.get(id);
    if (!c) {
      throw new ExportError('EXPORT_INVALID_GRAPH', `writeOnnx(): tensor ${id} is read before any node produces it.`);
    }
    const name = this.bind(id, c.name);
    this.emitConstant(id, name);
    return name;
  }

  private emitConstant(id: number, name: string): void {
    const c = this.constants.get(id)!;
    const t = this.tensor(id);
    if (
      t.dtype === 'string' ||
      !(c.values instanceof Float32Array || c.values instanceof Int32Array || c.values instanceof Uint8Array)
    ) {
      throw new ExportError(
        'EXPORT_UNSUPPORTED_OP',
        `writeOnnx(): the string constant "${c.name}" is read by the graph; ONNX export takes numeric constants only.`,
      );
    }
    this.initializers.push({
      name,
      dataType: onnxDataType(t.dtype),
      dims: t.shape,
      raw: bytesOf(c.values),
    });
  }

  /** Adds an initializer for values computed at export time (folded weights, shapes, scalars). */
  addInitializer(
    base: string,
    dims: readonly number[],
    values: Float32Array | Int32Array | Uint8Array | BigInt64Array,
    dataType?: OnnxDataType,
  ): string {
    const name = this.fresh(base);
    const type =
      dataType ??
      (values instanceof Float32Array
        ? OnnxDataType.FLOAT
        : values instanceof Int32Array
          ? OnnxDataType.INT32
          : values instanceof BigInt64Array
            ? OnnxDataType.INT64
            : OnnxDataType.BOOL);
    this.initializers.push({ name, dataType: type, dims, raw: bytesOf(values) });
    return name;
  }

  /** A 1-D int64 initializer (shapes, axes, slice bounds). */
  int64s(base: string, values: readonly (number | bigint)[]): string {
    return this.addInitializer(
      base,
      [values.length],
      BigInt64Array.from(values, (v) => BigInt(v)),
    );
  }

  /** A scalar initializer of the given tfjs dtype. */
  scalar(base: string, value: number, dtype: TracedDType): string {
    if (dtype === 'int32') return this.addInitializer(base, [], Int32Array.of(value));
    if (dtype === 'bool') return this.addInitializer(base, [], Uint8Array.of(value ? 1 : 0));
    return this.addInitializer(base, [], Float32Array.of(value));
  }

  addNode(node: OnnxNode): void {
    this.nodes.push(node);
  }
}

/** Attribute constructors, so mappers read like the ONNX operator docs. */
export const attr = {
  int: (name: string, value: number): OnnxAttribute => ({ name, kind: 'int', value }),
  float: (name: string, value: number): OnnxAttribute => ({ name, kind: 'float', value }),
  string: (name: string, value: string): OnnxAttribute => ({ name, kind: 'string', value }),
  ints: (name: string, value: readonly number[]): OnnxAttribute => ({ name, kind: 'ints', value }),
};

/**
 * What one op mapper sees: the traced node, its inputs/outputs as ONNX names and traced tensors, and `emit` to
 * add ONNX nodes. The last emit of a mapper usually writes `output(0)`.
 */
export class OpContext {
  private count = 0;

  constructor(
    readonly builder: OnnxGraphBuilder,
    readonly node: TracedNode,
  ) {}

  get inputCount(): number {
    return this.node.inputs.length;
  }

  /** The ONNX name of input `i`. */
  input(i: number): string {
    return this.builder.valueName(this.inputId(i));
  }

  /** The position of the input tfjs calls `name` (`bias`, `scale`, ...), or undefined when the op left it out. */
  named(name: string): number | undefined {
    const i = this.node.inputNames.indexOf(name);
    return i < 0 ? undefined : i;
  }

  inputId(i: number): number {
    const id = this.node.inputs[i];
    if (id === undefined) this.refuse(`it has ${this.node.inputs.length} inputs, input ${i} was expected`);
    return id;
  }

  inTensor(i: number): TracedTensor {
    return this.builder.tensor(this.inputId(i));
  }

  /** The frozen values of input `i`, when it is a constant (weights can then be rearranged at export time). */
  constantInput(i: number): Float32Array | Int32Array | Uint8Array | undefined {
    const c = this.builder.constantOf(this.inputId(i));
    if (!c || Array.isArray(c.values)) return undefined;
    return c.values as Float32Array | Int32Array | Uint8Array;
  }

  outTensor(i = 0): TracedTensor {
    const id = this.node.outputs[i];
    if (id === undefined) this.refuse(`it has no output ${i}`);
    return this.builder.tensor(id);
  }

  /** The ONNX name of output `i` (bound on first use to `<node name>:<i>`, TF's tensor naming). */
  output(i = 0): string {
    const id = this.node.outputs[i];
    if (id === undefined) this.refuse(`it has no output ${i}`);
    return this.builder.bind(id, `${this.node.name}:${i}`);
  }

  /** A fresh name for an intermediate value of this node. */
  temp(suffix: string): string {
    return this.builder.fresh(`${this.node.name}/${suffix}`);
  }

  attr(name: string): unknown {
    return this.node.attrs[name];
  }

  /** A numeric attr as a list (tfjs passes `number | number[]` for axes, begins, sizes). */
  numbers(name: string): number[] {
    const v = this.node.attrs[name];
    if (typeof v === 'number') return [v];
    if (Array.isArray(v) && v.every((x) => typeof x === 'number')) return v as number[];
    return this.refuse(`attribute ${name}=${JSON.stringify(v)} is not a number or a list of numbers`);
  }

  /** Adds an ONNX node; returns its first output name (a fresh one unless `outputs` is given). */
  emit(
    opType: string,
    inputs: readonly string[],
    attributes: readonly OnnxAttribute[] = [],
    outputs?: readonly string[],
  ): string {
    const outs = outputs ?? [this.temp(opType)];
    const name = this.builder.fresh(this.count++ === 0 ? this.node.name : `${this.node.name}/${opType}`);
    this.builder.addNode({
      name,
      opType,
      inputs,
      outputs: outs,
      attributes,
      docString: `${this.node.kernel} (scope "${this.node.scope}")`,
    });
    return outs[0]!;
  }

  /** Fails the export: this node cannot be written as ONNX (`EXPORT_UNSUPPORTED_OP`, naming op and scope). */
  refuse(reason: string): never {
    throw unsupported(this.node, reason);
  }
}

/** `EXPORT_UNSUPPORTED_OP` for a traced node (the op, its layer scope and why), as every writer words it. */
export function unsupported(node: TracedNode, reason?: string): ExportError {
  return unsupportedOp('onnx', node.kernel, node.scope, reason ?? 'no ONNX mapping exists for this kernel');
}
