/**
 * Traces a PREDICT-mode model_fn into a {@link TracedGraph} (DESIGN "Export").
 * Owns: the warm-up call, tracing twice at two batch sizes and merging the traces (dims and attrs that differ
 * become -1), checking the receiver, the signatures, and pruning what no signature output needs.
 * Does not own: recording kernels (record-kernels.ts), restoring the checkpoint (the Estimator), writing files.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describe } from '../errors.js';
import { type EstimatorSpec, validateSpec } from '../estimator-spec.js';
import type { Features } from '../internal/input.js';
import { ExportError } from './export-error.js';
import { ExportOutput } from './export-outputs.js';
import { withPlaceholderScope } from './placeholder.js';
import { type Recording, recordKernels } from './record-kernels.js';
import type { ServingInputReceiver, ServingInputReceiverFn } from './serving-input-receiver.js';
import {
  DEFAULT_SERVING_SIGNATURE_KEY,
  type TracedAttrValue,
  type TracedGraph,
  type TracedInput,
  type TracedSignature,
  type TracedTensor,
} from './traced-graph.js';

/** True while a trace runs: two traces in one process would record each other's kernels. */
let tracing = false;

/** Throws EXPORT_BUSY when a trace is running (checked before any await, so a nested call fails at once). */
export function assertNotTracing(): void {
  if (tracing) {
    throw new ExportError(
      'EXPORT_BUSY',
      'exportSavedModel(): another export is tracing in this process; run exports one after another (await each).',
    );
  }
}

/** The two batch sizes traced: any dim or attr that differs between them depends on the batch. */
export const TRACE_BATCH_SIZES = [3, 5] as const;

/** What the tracer needs from the Estimator. */
export interface TraceDeps {
  /** The model's variables by name (read after the warm-up call, which creates any not created yet). */
  variables(): ReadonlyMap<string, tf.Variable>;
  /** Calls the model_fn in PREDICT mode inside a model_fn context. */
  callModelFn(features: Features): Promise<unknown>;
  readonly globalStep: number;
  readonly checkpointPath: string;
}

const API = 'exportSavedModel()';

function isTensor(x: unknown): x is tf.Tensor {
  return x instanceof tf.Tensor;
}

function checkReceiver(r: unknown): ServingInputReceiver {
  const ok =
    typeof r === 'object' &&
    r !== null &&
    'features' in r &&
    'receiverTensors' in r &&
    (isTensor(r.receiverTensors) ||
      (typeof r.receiverTensors === 'object' &&
        r.receiverTensors !== null &&
        Object.keys(r.receiverTensors).length > 0 &&
        Object.values(r.receiverTensors).every(isTensor)));
  if (!ok) {
    throw new ExportError(
      'EXPORT_INVALID_RECEIVER',
      `${API}: the serving input receiver fn must return { features, receiverTensors } with receiverTensors a placeholder() or an object of them. Received ${describe(r)}.`,
    );
  }
  return r as ServingInputReceiver;
}

/** Signature key → method and output tensors, from `exportOutputs` or else the predictions (TF's rules). */
function signatureOutputs(
  spec: EstimatorSpec,
): Record<string, { methodName: TracedSignature['methodName']; outputs: Record<string, tf.Tensor> }> {
  const asOutputs = (p: unknown): Record<string, tf.Tensor> =>
    isTensor(p) ? { output: p } : { ...(p as Record<string, tf.Tensor>) };
  const out: Record<string, { methodName: TracedSignature['methodName']; outputs: Record<string, tf.Tensor> }> = {};
  const eo = spec.exportOutputs;
  if (eo && Object.keys(eo).length > 0) {
    for (const [key, o] of Object.entries(eo)) {
      out[key] =
        o instanceof ExportOutput
          ? { methodName: o.methodName, outputs: { ...o.asSignatureOutputs() } }
          : { methodName: 'tensorflow/serving/predict', outputs: asOutputs(o) };
    }
    const keys = Object.keys(out);
    // TF: a single export output is also the default signature.
    if (!(DEFAULT_SERVING_SIGNATURE_KEY in out) && keys.length === 1) {
      out[DEFAULT_SERVING_SIGNATURE_KEY] = out[keys[0]!]!;
    }
    return out;
  }
  out[DEFAULT_SERVING_SIGNATURE_KEY] = {
    methodName: 'tensorflow/serving/predict',
    outputs: asOutputs(spec.predictions),
  };
  return out;
}

interface OneTrace {
  rec: Recording;
  inputs: TracedInput[];
  signatures: Record<string, TracedSignature>;
}

async function traceOnce(deps: TraceDeps, receiverFn: ServingInputReceiverFn, batchSize: number): Promise<OneTrace> {
  const scope = { batchSize, placeholders: [] as tf.Tensor[] };
  tf.engine().startScope();
  try {
    let receiver: ServingInputReceiver | undefined;
    let spec: EstimatorSpec | undefined;
    const rec = await recordKernels(deps.variables(), scope.placeholders, async () => {
      receiver = checkReceiver(withPlaceholderScope(scope, receiverFn));
      spec = validateSpec(await deps.callModelFn(receiver.features), 'infer');
    });
    const r = receiver as ServingInputReceiver;
    const named = isTensor(r.receiverTensors) ? { input: r.receiverTensors } : r.receiverTensors;
    const inputs: TracedInput[] = Object.entries(named).map(([name, t]) => {
      if (!scope.placeholders.includes(t)) {
        throw new ExportError(
          'EXPORT_INVALID_RECEIVER',
          `${API}: receiverTensors.${name} must be made by placeholder() in the receiver fn. Received ${describe(t)} computed some other way.`,
        );
      }
      return { name, tensor: rec.idOf(t) };
    });
    const inputIds = new Set(inputs.map((i) => i.tensor));
    for (const id of rec.placeholders.values()) {
      if (!inputIds.has(id)) {
        throw new ExportError(
          'EXPORT_INVALID_RECEIVER',
          `${API}: the model uses a placeholder that is not in receiverTensors; return every placeholder the features use in receiverTensors.`,
        );
      }
    }
    const signatures: Record<string, TracedSignature> = {};
    for (const [key, s] of Object.entries(signatureOutputs(spec as EstimatorSpec))) {
      const outputs: Record<string, number> = {};
      for (const [k, t] of Object.entries(s.outputs)) outputs[k] = rec.idOf(t);
      signatures[key] = {
        inputs: Object.fromEntries(inputs.map((i) => [i.name, i.tensor])),
        outputs,
        methodName: s.methodName,
      };
    }
    return { rec, inputs, signatures };
  } finally {
    tf.engine().endScope();
  }
}

function differ(what: string): ExportError {
  return new ExportError(
    'EXPORT_NONDETERMINISTIC_GRAPH',
    `${API}: the model_fn ran different kernels for two batch sizes (${TRACE_BATCH_SIZES.join(' and ')}): ${what}. An exported graph must not depend on input values or the batch size beyond its shapes.`,
  );
}

function mergeAttr(where: string, a: TracedAttrValue, b: TracedAttrValue): TracedAttrValue {
  if (typeof a === 'number' && typeof b === 'number') return a === b ? a : -1;
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.map((x, i) => mergeAttr(where, x as TracedAttrValue, b[i] as TracedAttrValue)) as TracedAttrValue;
  }
  if (a === b) return a;
  throw differ(`${where} is ${JSON.stringify(a)} in one trace and ${JSON.stringify(b)} in the other`);
}

function sameValues(a: ArrayLike<unknown>, b: ArrayLike<unknown>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i] && !(Number.isNaN(a[i]) && Number.isNaN(b[i]))) return false;
  return true;
}

/** Merges two traces: equal structure required; differing dims and attr numbers become -1. */
function merge(a: OneTrace, b: OneTrace): Omit<TracedGraph, 'globalStep' | 'checkpointPath'> {
  const na = a.rec.nodes;
  const nb = b.rec.nodes;
  for (let i = 0; i < Math.max(na.length, nb.length); i++) {
    const x = na[i];
    const y = nb[i];
    if (!x || !y || x.kernel !== y.kernel || x.name !== y.name || !sameValues(x.inputs, y.inputs)) {
      throw differ(`kernel #${i} is ${x?.name ?? 'missing'} in one trace and ${y?.name ?? 'missing'} in the other`);
    }
  }
  const tensors = new Map<number, TracedTensor>();
  for (const [id, t] of a.rec.tensors) {
    const u = b.rec.tensors.get(id);
    if (!u || u.dtype !== t.dtype || u.shape.length !== t.shape.length)
      throw differ(`tensor ${id} changes dtype or rank`);
    tensors.set(id, { id, dtype: t.dtype, shape: t.shape.map((d, i) => (d === u.shape[i] ? d : -1)) });
  }
  if (a.rec.constants.length !== b.rec.constants.length) throw differ('the number of constants differs');
  const constants = a.rec.constants.map((c, i) => {
    const d = b.rec.constants[i]!;
    const shape = tensors.get(c.tensor)!.shape;
    if (d.name !== c.name || d.tensor !== c.tensor) throw differ(`constant ${c.name} does not match`);
    if (!shape.includes(-1) && !sameValues(c.values, d.values)) {
      throw new ExportError(
        'EXPORT_RANDOM_OP',
        `${API}: constant ${c.name} in scope "${c.scope}" has different values in two traces: a random op (dropout, noise) or a value read from the input ran in PREDICT mode. Make the PREDICT path deterministic.`,
      );
    }
    if (shape.includes(-1)) {
      throw new ExportError(
        'EXPORT_BATCH_DEPENDENT_CONSTANT',
        `${API}: a constant in scope "${c.scope}" has a shape that depends on the batch size: a seeded dropout or random mask running in PREDICT mode, or tf.zeros/tf.fill/tf.tensor with a batch-sized shape. Turn dropout off unless mode is TRAIN, and derive fills from the input (tf.zerosLike, tf.onesLike).`,
      );
    }
    return { name: c.name, tensor: c.tensor, values: c.values, isVariable: c.isVariable };
  });
  const nodes = na.map((x, i) => {
    const y = nb[i]!;
    const attrs: Record<string, TracedAttrValue> = {};
    for (const k of new Set([...Object.keys(x.attrs), ...Object.keys(y.attrs)])) {
      attrs[k] = mergeAttr(`attribute ${k} of ${x.name}`, x.attrs[k] ?? null, y.attrs[k] ?? null);
    }
    return {
      name: x.name,
      kernel: x.kernel,
      inputNames: x.inputNames,
      inputs: x.inputs,
      outputs: x.outputs,
      attrs,
      scope: x.scope,
    };
  });
  if (JSON.stringify(a.signatures) !== JSON.stringify(b.signatures)) throw differ('the signatures differ');
  return { tensors, inputs: a.inputs, constants, nodes, signatures: a.signatures };
}

/** Drops nodes and constants that no signature output depends on (e.g. tensors named only for hooks). */
function prune(
  g: Omit<TracedGraph, 'globalStep' | 'checkpointPath'>,
): Omit<TracedGraph, 'globalStep' | 'checkpointPath'> {
  const needed = new Set<number>();
  for (const s of Object.values(g.signatures)) for (const id of Object.values(s.outputs)) needed.add(id);
  const kept: boolean[] = new Array(g.nodes.length).fill(false);
  for (let i = g.nodes.length - 1; i >= 0; i--) {
    const n = g.nodes[i]!;
    if (n.outputs.some((o) => needed.has(o))) {
      kept[i] = true;
      for (const id of n.inputs) needed.add(id);
    }
  }
  for (const i of g.inputs) needed.add(i.tensor);
  const tensors = new Map([...g.tensors].filter(([id]) => needed.has(id)));
  // Outputs of kept nodes stay even when unused (a kernel's second output), so every node output has a tensor.
  const nodes = g.nodes.filter((_, i) => kept[i]);
  for (const n of nodes) for (const o of n.outputs) tensors.set(o, g.tensors.get(o)!);
  return { ...g, tensors, nodes, constants: g.constants.filter((c) => needed.has(c.tensor)) };
}

/**
 * Traces `receiverFn` + the model_fn into a graph. The model must already hold the checkpoint's values.
 * Runs the model_fn once untraced first, so variables and tfjs-layers layers exist before the traces.
 */
export async function traceModelFn(deps: TraceDeps, receiverFn: ServingInputReceiverFn): Promise<TracedGraph> {
  if (typeof receiverFn !== 'function') {
    throw new ExportError(
      'EXPORT_INVALID_RECEIVER',
      `${API}: servingInputReceiverFn must be a function returning { features, receiverTensors } (see buildRawServingInputReceiverFn). Received ${describe(receiverFn)}.`,
    );
  }
  assertNotTracing();
  tracing = true;
  try {
    return await traceLocked(deps, receiverFn);
  } finally {
    tracing = false;
  }
}

async function traceLocked(deps: TraceDeps, receiverFn: ServingInputReceiverFn): Promise<TracedGraph> {
  tf.engine().startScope();
  try {
    const scope = { batchSize: 1, placeholders: [] as tf.Tensor[] };
    const receiver = checkReceiver(withPlaceholderScope(scope, receiverFn));
    validateSpec(await deps.callModelFn(receiver.features), 'infer');
  } finally {
    tf.engine().endScope();
  }
  const first = await traceOnce(deps, receiverFn, TRACE_BATCH_SIZES[0]);
  const second = await traceOnce(deps, receiverFn, TRACE_BATCH_SIZES[1]);
  let merged: ReturnType<typeof merge>;
  try {
    merged = merge(first, second);
  } catch (e) {
    // A batch-sized constant is either random (a mask) or a deterministic fill: a third trace at the first batch
    // size tells them apart, so the error names the real cause.
    if (!(e instanceof ExportError) || e.code !== 'EXPORT_BATCH_DEPENDENT_CONSTANT') throw e;
    merge(first, await traceOnce(deps, receiverFn, TRACE_BATCH_SIZES[0]));
    throw e;
  }
  return { ...prune(merged), globalStep: deps.globalStep, checkpointPath: deps.checkpointPath };
}
