/**
 * `writeOnnx(graph)`: a traced PREDICT graph as the bytes of a `model.onnx` (opset 13, IR version 7) with the
 * batch dimension symbolic (`batch`), inputs named by the receiver keys and outputs by the signature's keys.
 * Owns: which nodes are written (those the signature's outputs need), graph inputs/outputs, model metadata.
 * Does not own: per-kernel mappings (ops/*.ts), the wire format (onnx-proto.ts), files on disk (the exporter).
 */
import { DEFAULT_SERVING_SIGNATURE_KEY, type TracedGraph, type TracedNode } from '@estimatorjs/estimator';
import { ExportError } from '../export-error.js';
import { checkOptionKeys, KNOWN_OPTIONS } from '../internal/known-options.js';
import { OnnxGraphBuilder, OpContext, onnxDataType, unsupported } from './onnx-graph-builder.js';
import { encodeOnnxModel, type OnnxModel, type OnnxValueInfo } from './onnx-proto.js';
import { elementwiseMappers } from './ops/elementwise.js';
import { extraMappers } from './ops/extra.js';
import { nnMappers } from './ops/nn.js';
import type { OpMapper } from './ops/op-mapper.js';
import { reduceMappers } from './ops/reduce.js';
import { shapeMappers } from './ops/shape.js';

/** The ONNX opset written: 13 is the oldest with per-axis Softmax and Slice/Unsqueeze/ReduceSum inputs. */
export const ONNX_OPSET = 13;
/** The IR version that goes with opset 13 (ONNX 1.8). */
export const ONNX_IR_VERSION = 7;
/** The symbolic name of the dynamic batch dimension. */
export const ONNX_BATCH_DIM = 'batch';

const mappers: Readonly<Record<string, OpMapper>> = {
  ...elementwiseMappers,
  ...nnMappers,
  ...shapeMappers,
  ...reduceMappers,
  ...extraMappers,
};

/** Options of {@link writeOnnx}. */
export interface WriteOnnxOptions {
  /** The signature whose outputs become the model's outputs; default `serving_default`, else the only one. */
  readonly signature?: string;
  /** Recorded as the model's producer_version. */
  readonly producerVersion?: string;
}

function pickSignature(graph: TracedGraph, requested: string | undefined): string {
  const keys = Object.keys(graph.signatures);
  const key =
    requested ??
    (keys.includes(DEFAULT_SERVING_SIGNATURE_KEY)
      ? DEFAULT_SERVING_SIGNATURE_KEY
      : keys.length === 1
        ? keys[0]
        : undefined);
  if (key === undefined || !keys.includes(key)) {
    throw new ExportError(
      'EXPORT_INVALID_SIGNATURE',
      `writeOnnx(): signature ${JSON.stringify(requested ?? DEFAULT_SERVING_SIGNATURE_KEY)} not found; the graph has [${keys.join(', ')}]. Pass { signature } naming one of them.`,
    );
  }
  return key;
}

/** The nodes the given tensors depend on, in execution order (an ONNX model holds only what it computes). */
function neededNodes(graph: TracedGraph, targets: readonly number[]): TracedNode[] {
  const producer = new Map<number, TracedNode>();
  for (const node of graph.nodes) for (const o of node.outputs) producer.set(o, node);
  const needed = new Set<TracedNode>();
  const stack = [...targets];
  while (stack.length > 0) {
    const node = producer.get(stack.pop()!);
    if (!node || needed.has(node)) continue;
    needed.add(node);
    stack.push(...node.inputs);
  }
  return graph.nodes.filter((n) => needed.has(n));
}

/** Builds the ONNX model (plain objects) of a traced graph; `writeOnnx` encodes it. */
export function buildOnnxModel(graph: TracedGraph, options: WriteOnnxOptions = {}): OnnxModel {
  checkOptionKeys('buildOnnxModel()', options, KNOWN_OPTIONS.writeOnnx);
  const key = pickSignature(graph, options.signature);
  const signature = graph.signatures[key]!;
  const builder = new OnnxGraphBuilder(graph);
  const valueInfo = (name: string, id: number): OnnxValueInfo => {
    const t = builder.tensor(id);
    return { name, elemType: onnxDataType(t.dtype), dims: t.shape.map((d) => (d < 0 ? ONNX_BATCH_DIM : d)) };
  };

  const inputs: OnnxValueInfo[] = [];
  for (const input of graph.inputs) {
    if (builder.tensor(input.tensor).dtype === 'string') {
      throw new ExportError(
        'EXPORT_UNSUPPORTED_INPUT',
        `writeOnnx(): input "${input.name}" holds strings (serialized tf.Example from a parsing serving input receiver); ONNX Runtime cannot parse tf.Example. Export ONNX with buildRawServingInputReceiverFn, or export the graph_model format only.`,
      );
    }
    inputs.push(valueInfo(builder.bind(input.tensor, input.name), input.tensor));
  }
  // Output names are the signature keys exactly; reserve them before any node takes one.
  const outputKeys = Object.keys(signature.outputs);
  for (const k of outputKeys) {
    if (builder.fresh(k) !== k) {
      throw new ExportError(
        'EXPORT_INVALID_SIGNATURE',
        `writeOnnx(): output "${k}" of signature "${key}" has the name of an input; rename one.`,
      );
    }
  }

  for (const node of neededNodes(graph, Object.values(signature.outputs))) {
    const mapper = mappers[node.kernel];
    if (!mapper) throw unsupported(node);
    mapper(new OpContext(builder, node));
  }

  const outputs: OnnxValueInfo[] = [];
  for (const k of outputKeys) {
    const id = signature.outputs[k]!;
    if (builder.tensor(id).dtype === 'string') {
      throw new ExportError(
        'EXPORT_UNSUPPORTED_INPUT',
        `writeOnnx(): output "${k}" holds strings; ONNX export takes numeric outputs only.`,
      );
    }
    builder.addNode({
      name: `${k}/Identity`,
      opType: 'Identity',
      inputs: [builder.valueName(id)],
      outputs: [k],
      attributes: [],
    });
    outputs.push(valueInfo(k, id));
  }

  return {
    irVersion: ONNX_IR_VERSION,
    opsetVersion: ONNX_OPSET,
    producerName: 'estimator-js',
    producerVersion: options.producerVersion ?? '',
    docString: `Exported from a PREDICT-mode model_fn, signature "${key}" (${signature.methodName}).`,
    metadata: {
      signature: key,
      method_name: signature.methodName,
      global_step: String(graph.globalStep),
      checkpoint_path: graph.checkpointPath,
    },
    graph: { name: 'estimator-js', nodes: builder.nodes, initializers: builder.initializers, inputs, outputs },
  };
}

/**
 * Writes a traced graph as ONNX: the bytes of `model.onnx`, loadable by onnxruntime-node and onnxruntime-web.
 * Throws `ExportError` `EXPORT_UNSUPPORTED_OP` naming the first kernel (and its layer scope) it cannot map, and
 * `EXPORT_UNSUPPORTED_INPUT` for string inputs (a parsing serving input receiver).
 * @example
 *   import { writeFile } from 'node:fs/promises';
 *   const graph = await estimator.traceForExport(servingInputReceiverFn);
 *   await writeFile('model.onnx', writeOnnx(graph));
 */
export function writeOnnx(graph: TracedGraph, options: WriteOnnxOptions = {}): Uint8Array {
  checkOptionKeys('writeOnnx()', options, KNOWN_OPTIONS.writeOnnx);
  return encodeOnnxModel(buildOnnxModel(graph, options));
}
