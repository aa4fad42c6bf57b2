/**
 * Records the kernels one PREDICT-mode model_fn call runs (one trace at one batch size).
 * Owns: intercepting `engine.runKernel` (restored in `finally`), naming tensors by object identity, turning
 * variables into frozen constants and unknown tensors into literal constants, placeholders into inputs.
 * Does not own: merging two traces into a dynamic-batch graph (trace-model-fn.ts), mapping kernels to TF/ONNX ops.
 *
 * Why the engine and not the backend's kernel registry: every op reaches a kernel through `engine.runKernel`, so
 * one instance patch sees them all, on any backend; kernels that call other kernels (a nested `runKernel`) are
 * recorded once, at the outer call. Tensors are keyed by object, not dataId: tfjs shares dataIds between a tensor
 * and its reshape or identity.
 */
import * as tf from '@tensorflow/tfjs-core';
import { maybeActiveContext } from '../model-fn-context.js';
import { ExportError } from './export-error.js';
import type { TracedAttrValue, TracedDType, TracedTensor, TracedValues } from './traced-graph.js';

/** Kernels that draw random numbers: never allowed in an export (dropout must be off in PREDICT mode). */
const RANDOM_KERNELS = new Set([
  'RandomUniform',
  'RandomUniformInt',
  'RandomStandardNormal',
  'RandomNormal',
  'TruncatedNormal',
  'RandomGamma',
  'Multinomial',
]);

/** A node as recorded, before the two traces are merged. */
export interface RecordedNode {
  name: string;
  kernel: string;
  inputNames: string[];
  inputs: number[];
  outputs: number[];
  attrs: Record<string, TracedAttrValue>;
  scope: string;
}

/** A constant as recorded. */
export interface RecordedConstant {
  name: string;
  tensor: number;
  values: TracedValues;
  isVariable: boolean;
  scope: string;
}

/** One trace at one batch size. */
export interface Recording {
  tensors: Map<number, TracedTensor>;
  /** Placeholder tensors in creation order → tensor id. */
  placeholders: Map<tf.Tensor, number>;
  constants: RecordedConstant[];
  nodes: RecordedNode[];
  /** Looks a tensor up (or records it as a constant) after the trace, for signature outputs. */
  idOf(t: tf.Tensor): number;
}

/** Plain JSON-like copies of kernel attrs: typed arrays to arrays, undefined entries dropped. */
function cleanAttrs(
  kernel: string,
  scope: string,
  attrs: tf.NamedAttrMap | undefined,
): Record<string, TracedAttrValue> {
  const out: Record<string, TracedAttrValue> = {};
  for (const [k, v] of Object.entries(attrs ?? {})) {
    if (v === undefined) continue;
    const plain = ArrayBuffer.isView(v) ? Array.from(v as unknown as ArrayLike<number>) : v;
    if (!isAttrValue(plain)) {
      throw new ExportError(
        'EXPORT_UNSUPPORTED_OP',
        `exportSavedModel(): kernel ${kernel} in scope "${scope}" has an attribute ${k} that is not plain data (${typeof v}); it cannot be exported.`,
      );
    }
    out[k] = plain;
  }
  return out;
}

function isAttrValue(v: unknown): v is TracedAttrValue {
  if (v === null || ['number', 'string', 'boolean'].includes(typeof v)) return true;
  return Array.isArray(v) && v.every((x) => ['number', 'string', 'boolean'].includes(typeof x) || isAttrValue(x));
}

function dtypeOf(t: tf.Tensor): TracedDType {
  if (t.dtype === 'complex64') {
    throw new ExportError('EXPORT_UNSUPPORTED_OP', 'exportSavedModel(): complex64 tensors cannot be exported.');
  }
  return t.dtype;
}

function copyValues(t: tf.Tensor): TracedValues {
  const v = t.dataSync() as unknown;
  if (t.dtype === 'string') {
    return (v as Uint8Array[] | string[]).map((s) => (typeof s === 'string' ? s : new TextDecoder().decode(s)));
  }
  if (t.dtype === 'bool') return Uint8Array.from(v as ArrayLike<number>);
  if (t.dtype === 'int32') return Int32Array.from(v as ArrayLike<number>);
  return Float32Array.from(v as ArrayLike<number>);
}

/**
 * Runs `fn` while recording every top-level kernel it runs. `variables` names the model's variables;
 * `placeholders` is filled by `placeholder()` during `fn` (the receiver fn runs inside it).
 */
export async function recordKernels(
  variables: ReadonlyMap<string, tf.Variable>,
  placeholders: readonly tf.Tensor[],
  fn: () => Promise<void>,
): Promise<Recording> {
  const tensors = new Map<number, TracedTensor>();
  const ids = new Map<tf.Tensor, number>();
  const byDataId = new Map<object, number[]>();
  const placeholderIds = new Map<tf.Tensor, number>();
  const constants: RecordedConstant[] = [];
  const nodes: RecordedNode[] = [];
  const usedNames = new Set<string>(variables.keys());
  const varByObject = new Map<tf.Tensor, string>();
  const varByDataId = new Map<object, { name: string; v: tf.Variable }>();
  for (const [name, v] of variables) {
    varByObject.set(v, name);
    varByDataId.set(v.dataId, { name, v });
  }
  const varIds = new Map<string, number>();
  /** Tensors known before any input is fed: frozen variables, literals and what kernels computed from them only. */
  const constantIds = new Set<number>();
  let nextId = 0;

  const uniqueName = (base: string): string => {
    let n = base;
    for (let i = 1; usedNames.has(n); i++) n = `${base}_${i}`;
    usedNames.add(n);
    return n;
  };
  const newId = (t: tf.Tensor): number => {
    const id = nextId++;
    ids.set(t, id);
    tensors.set(id, { id, dtype: dtypeOf(t), shape: [...t.shape] });
    const list = byDataId.get(t.dataId) ?? [];
    list.push(id);
    byDataId.set(t.dataId, list);
    return id;
  };
  const sameShape = (a: readonly number[], b: readonly number[]) =>
    a.length === b.length && a.every((d, i) => d === b[i]);

  const idOf = (t: tf.Tensor, scope: string): number => {
    const known = ids.get(t);
    if (known !== undefined) return known;
    if (placeholders.includes(t)) {
      const id = newId(t);
      placeholderIds.set(t, id);
      return id;
    }
    const v = varByObject.get(t) ?? varByDataId.get(t.dataId)?.name;
    const variable = v !== undefined ? variables.get(v) : undefined;
    if (v !== undefined && variable && sameShape(variable.shape, t.shape) && variable.dtype === t.dtype) {
      const existing = varIds.get(v);
      if (existing !== undefined) {
        ids.set(t, existing);
        return existing;
      }
      const id = newId(t);
      varIds.set(v, id);
      constantIds.add(id);
      constants.push({ name: v, tensor: id, values: copyValues(t), isVariable: true, scope });
      return id;
    }
    // A tensor made outside a kernel that shares its buffer with a recorded one (e.g. returned from a custom op).
    const alias = byDataId
      .get(t.dataId)
      ?.find((id) => sameShape(tensors.get(id)!.shape, t.shape) && tensors.get(id)!.dtype === t.dtype);
    if (alias !== undefined) {
      ids.set(t, alias);
      return alias;
    }
    const id = newId(t);
    constantIds.add(id);
    constants.push({
      name: uniqueName(scope ? `${scope}/Const` : 'Const'),
      tensor: id,
      values: copyValues(t),
      isVariable: false,
      scope,
    });
    return id;
  };

  type RunKernel = (kernelName: string, inputs: tf.NamedTensorMap, attrs?: tf.NamedAttrMap) => tf.Tensor | tf.Tensor[];
  const engine = tf.engine() as unknown as { runKernel: RunKernel };
  const original = engine.runKernel;
  let depth = 0;
  let failure: unknown = null;
  const patched = function (
    this: unknown,
    kernelName: string,
    inputs: tf.NamedTensorMap,
    attrs?: tf.NamedAttrMap,
  ): tf.Tensor | tf.Tensor[] {
    if (depth > 0) return original.call(this, kernelName, inputs, attrs);
    const scope = maybeActiveContext()?.scopes.join('/') ?? '';
    if (RANDOM_KERNELS.has(kernelName)) {
      failure = new ExportError(
        'EXPORT_RANDOM_OP',
        `exportSavedModel(): the model_fn ran the random kernel ${kernelName} in scope "${scope}" in PREDICT mode; an export must be deterministic. Turn dropout and noise off unless mode is TRAIN.`,
      );
      throw failure;
    }
    const inputNames = Object.keys(inputs).filter((k) => inputs[k] != null);
    const inIds = inputNames.map((k) => idOf(inputs[k] as tf.Tensor, scope));
    const cleaned = cleanAttrs(kernelName, scope, attrs);
    depth++;
    let out: tf.Tensor | tf.Tensor[];
    try {
      out = original.call(this, kernelName, inputs, attrs);
    } finally {
      depth--;
    }
    const outs = Array.isArray(out) ? out : [out];
    if (inIds.every((id) => constantIds.has(id))) {
      // Constant folding (as TF's grappler does): a kernel that reads no input is a constant of the export, so
      // tf.fill, tf.range, a transposed weight, … need no mapping. A batch-sized result is refused at the merge.
      for (const t of outs) {
        const id = newId(t);
        constantIds.add(id);
        const name = uniqueName(scope ? `${scope}/${kernelName}` : kernelName);
        constants.push({ name, tensor: id, values: copyValues(t), isVariable: false, scope });
      }
      return out;
    }
    nodes.push({
      name: uniqueName(scope ? `${scope}/${kernelName}` : kernelName),
      kernel: kernelName,
      inputNames,
      inputs: inIds,
      outputs: outs.map(newId),
      attrs: cleaned,
      scope,
    });
    return out;
  };
  const hadOwn = Object.hasOwn(engine, 'runKernel');
  engine.runKernel = patched;
  try {
    await fn();
  } finally {
    // The instance property shadows the prototype's method; deleting it restores the engine exactly.
    if (hadOwn) engine.runKernel = original;
    else delete (engine as { runKernel?: unknown }).runKernel;
  }
  if (failure) throw failure;
  return { tensors, placeholders: placeholderIds, constants, nodes, idOf: (t) => idOf(t, '') };
}
