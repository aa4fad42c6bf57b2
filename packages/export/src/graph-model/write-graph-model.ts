/**
 * Writes a {@link TracedGraph} as a tfjs GraphModel: the `model.json` artifacts (`format: "graph-model"`, a TF
 * GraphDef in `modelTopology`, the default `signature`) plus the weight bytes, as tfjs-converter 4.22 reads them.
 * Owns: node naming, Placeholder and Const nodes, the weights manifest and shards. Does not own: per-kernel
 * mappings (kernel-to-tf.ts) or files (the exporter writes the returned artifacts).
 */
import {
  DEFAULT_SERVING_SIGNATURE_KEY,
  type TracedDType,
  type TracedGraph,
  type TracedNode,
  type TracedTensor,
} from '@estimatorjs/estimator';
import { ExportError, unsupportedOp } from '../export-error.js';
import { checkOptionKeys, KNOWN_OPTIONS } from '../internal/known-options.js';
import { KERNEL_TO_TF } from './kernel-to-tf.js';
import type { EmitContext, NodeDef } from './node-def.js';
import { type AttrValue, attr, shapeProto, TF_DTYPE } from './tf-attrs.js';

/** One entry of model.json's `weightsManifest[].weights`. */
export interface WeightSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32' | 'bool';
}

/** model.json's `signature` entry for one tensor. */
export interface TensorInfo {
  readonly name: string;
  readonly dtype: string;
  readonly tensorShape: { dim?: { size: string }[] };
}

/** The contents of model.json, less the paths of the weight shards. */
export interface GraphModelJson {
  readonly format: 'graph-model';
  readonly generatedBy: string;
  readonly convertedBy: string;
  readonly modelTopology: { readonly node: readonly NodeDef[]; readonly library: object; readonly versions: object };
  readonly signature: { readonly inputs: Record<string, TensorInfo>; readonly outputs: Record<string, TensorInfo> };
  readonly userDefinedMetadata: Record<string, unknown>;
}

/** A GraphModel in memory: model.json without `weightsManifest`, the weight specs and their concatenated bytes. */
export interface GraphModelArtifacts {
  readonly modelJson: GraphModelJson;
  readonly weightSpecs: readonly WeightSpec[];
  readonly weightData: Uint8Array;
}

/** Options of {@link writeGraphModel}. */
export interface WriteGraphModelOptions {
  /** The signature written as model.json's `signature` (default `serving_default`). */
  readonly signatureKey?: string;
}

const FORMAT = 'tfjs GraphModel';

function valuesBytes(dtype: TracedDType, values: ArrayLike<number>): Uint8Array {
  if (dtype === 'float32') return new Uint8Array(Float32Array.from(values).buffer);
  if (dtype === 'int32') return new Uint8Array(Int32Array.from(values).buffer);
  return Uint8Array.from(values, (v) => (v ? 1 : 0));
}

/**
 * Maps every node, then assembles model.json and the weights. Throws `EXPORT_UNSUPPORTED_OP` (naming the kernel and
 * its layer scope) for a kernel with no mapping, before anything is written.
 * @example
 *   const { modelJson, weightSpecs, weightData } = writeGraphModel(await estimator.traceForExport(servingInputReceiverFn));
 */
export function writeGraphModel(graph: TracedGraph, options: WriteGraphModelOptions = {}): GraphModelArtifacts {
  checkOptionKeys('writeGraphModel()', options, KNOWN_OPTIONS.writeGraphModel);
  const key = options.signatureKey ?? DEFAULT_SERVING_SIGNATURE_KEY;
  const signature = graph.signatures[key];
  if (!signature) {
    throw new ExportError(
      'EXPORT_NO_SIGNATURE',
      `exportSavedModel(): the model has no signature ${JSON.stringify(key)}. Its signatures: ${Object.keys(graph.signatures).join(', ')}.`,
    );
  }
  for (const n of graph.nodes) {
    if (!KERNEL_TO_TF[n.kernel]) throw unsupportedOp(FORMAT, n.kernel, n.scope);
  }
  const used = new Set<string>();
  const unique = (base: string): string => {
    let n = base;
    for (let i = 1; used.has(n); i++) n = `${base}_${i}`;
    used.add(n);
    return n;
  };
  const nodes: NodeDef[] = [];
  const weightSpecs: WeightSpec[] = [];
  const chunks: Uint8Array[] = [];
  const refOf = new Map<number, string>();
  const tensorOf = (id: number): TracedTensor => {
    const t = graph.tensors.get(id);
    if (!t) throw new ExportError('EXPORT_INVALID_GRAPH', `exportSavedModel(): the traced graph has no tensor ${id}.`);
    return t;
  };
  const addConst = (base: string, dtype: TracedDType, shape: readonly number[], values: ArrayLike<number>): string => {
    if (dtype === 'string') {
      throw new ExportError(
        'EXPORT_UNSUPPORTED_OP',
        `exportSavedModel(): string constant ${base} cannot be exported as a GraphModel weight.`,
      );
    }
    const name = unique(base);
    nodes.push({ name, op: 'Const', input: [], attr: { dtype: attr.type(dtype), value: attr.tensor(dtype, shape) } });
    weightSpecs.push({ name, shape: [...shape], dtype });
    chunks.push(valuesBytes(dtype, values));
    return name;
  };

  // Inputs keep the receiver's names where they can: they are what a TF user sees in the SignatureDef.
  for (const input of graph.inputs) {
    const t = tensorOf(input.tensor);
    const name = unique(input.name);
    nodes.push({ name, op: 'Placeholder', input: [], attr: { dtype: attr.type(t.dtype), shape: attr.shape(t.shape) } });
    refOf.set(input.tensor, name);
  }
  for (const c of graph.constants) {
    const t = tensorOf(c.tensor);
    refOf.set(c.tensor, addConst(c.name, t.dtype, t.shape, c.values as ArrayLike<number>));
  }
  for (const node of graph.nodes) {
    // Reserve the traced name (uniquified against inputs) for the node that carries the kernel's outputs.
    const ownName = unique(node.name);
    used.delete(ownName);
    const ctx = emitContext(node, refOf, tensorOf, addConst, unique, nodes, ownName);
    const outName = KERNEL_TO_TF[node.kernel]!(ctx);
    for (const [i, id] of node.outputs.entries()) refOf.set(id, i === 0 ? outName : `${outName}:${i}`);
  }
  const info = (id: number): TensorInfo => {
    const t = tensorOf(id);
    const ref = refOf.get(id)!;
    return { name: ref.includes(':') ? ref : `${ref}:0`, dtype: TF_DTYPE[t.dtype], tensorShape: shapeProto(t.shape) };
  };
  const sigInputs: Record<string, TensorInfo> = {};
  for (const [k, id] of Object.entries(signature.inputs)) sigInputs[k] = info(id);
  const sigOutputs: Record<string, TensorInfo> = {};
  for (const [k, id] of Object.entries(signature.outputs)) sigOutputs[k] = info(id);
  const total = chunks.reduce((a, c) => a + c.length, 0);
  const weightData = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    weightData.set(c, at);
    at += c.length;
  }
  return {
    modelJson: {
      format: 'graph-model',
      generatedBy: 'estimator-js',
      convertedBy: '@estimatorjs/export',
      modelTopology: { node: nodes, library: {}, versions: { producer: 1 } },
      signature: { inputs: sigInputs, outputs: sigOutputs },
      userDefinedMetadata: { signatureKey: key, methodName: signature.methodName, globalStep: graph.globalStep },
    },
    weightSpecs,
    weightData,
  };
}

function emitContext(
  node: TracedNode,
  refOf: Map<number, string>,
  tensorOf: (id: number) => TracedTensor,
  addConst: (base: string, dtype: TracedDType, shape: readonly number[], values: ArrayLike<number>) => string,
  unique: (base: string) => string,
  nodes: NodeDef[],
  ownName: string,
): EmitContext {
  const idOf = (inputName: string): number => {
    const i = node.inputNames.indexOf(inputName);
    if (i < 0) throw unsupportedOp(FORMAT, node.kernel, node.scope, `it has no input ${inputName}`);
    return node.inputs[i]!;
  };
  return {
    node,
    has: (n) => node.inputNames.includes(n),
    input: (n) => {
      const ref = refOf.get(idOf(n));
      if (ref === undefined) {
        throw new ExportError(
          'EXPORT_INVALID_GRAPH',
          `exportSavedModel(): ${node.name} reads a tensor no earlier node makes.`,
        );
      }
      return ref;
    },
    inputTensor: (n) => tensorOf(idOf(n)),
    output: (i = 0) => tensorOf(node.outputs[i]!),
    constant: (suffix, dtype, shape, values) => addConst(`${node.name}/${suffix}`, dtype, shape, values),
    emit: (op: string, input: readonly string[], attrs: Record<string, AttrValue>, name?: string) => {
      const n = name === ownName ? unique(ownName) : unique(name ?? `${node.name}/${op}`);
      nodes.push({ name: n, op, input: [...input], attr: attrs });
      return n;
    },
    unsupported: (why) => {
      throw unsupportedOp(FORMAT, node.kernel, node.scope, why);
    },
  };
}
