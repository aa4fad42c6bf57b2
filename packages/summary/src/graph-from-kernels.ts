/** Builds graph nodes from a trace of the kernels one step ran (e.g. the tfjs gradient tape), named by scope. */
import type { GraphNode } from './graph-def.js';

/** A tensor as a kernel trace sees it: tfjs `Tensor`s and `Variable`s fit (variables carry their `name`). */
export interface TracedTensor {
  readonly id: number;
  readonly shape: readonly number[];
  readonly dtype: string;
  /** Variables only: the scoped variable name, e.g. `dense/kernel`. */
  readonly name?: string;
}

/** One kernel run: tfjs `TapeNode`s (`{ kernelName, inputs, outputs }`) fit. */
export interface TracedKernel {
  readonly kernelName: string;
  /** Named inputs (tfjs `NamedTensorMap`) or a list. */
  readonly inputs: Readonly<Record<string, TracedTensor | null | undefined>> | readonly TracedTensor[];
  readonly outputs: readonly TracedTensor[];
  /** Scope to put the node in; by default the scope of its variable inputs, else of its first input's producer. */
  readonly scope?: string;
}

function scopeOf(name: string): string {
  const i = name.lastIndexOf('/');
  return i < 0 ? '' : name.slice(0, i);
}

/**
 * Turns a kernel trace into {@link GraphNode}s for `SummaryWriter.graph()`: variables become `VariableV2` nodes
 * under their own names, other tensors that no traced kernel produced become `Placeholder`s (`input`, `input_1`,
 * …), and each kernel becomes a node `<scope>/<KernelName>[_n]` wired to its producers, with output shapes.
 * Unstable: the trace format may change with the estimator's tracing.
 * @example
 *   const nodes = experimental_graphFromKernels(tracedKernels);
 *   writer.graph(nodes, globalStep);
 */
export function experimental_graphFromKernels(kernels: readonly TracedKernel[]): GraphNode[] {
  const nodes: GraphNode[] = [];
  const used = new Set<string>();
  const producer = new Map<number, { ref: string; scope: string }>();
  const unique = (base: string): string => {
    let name = base;
    for (let n = 1; used.has(name); n++) name = `${base}_${n}`;
    used.add(name);
    return name;
  };
  const source = (t: TracedTensor): { ref: string; scope: string } => {
    const known = producer.get(t.id);
    if (known) return known;
    const isVar = typeof t.name === 'string' && t.name !== '';
    const name = unique(isVar ? t.name!.replace(/:\d+$/, '') : 'input');
    nodes.push({ name, op: isVar ? 'VariableV2' : 'Placeholder', dtype: t.dtype, outputShapes: [t.shape] });
    const entry = { ref: name, scope: isVar ? scopeOf(name) : '' };
    producer.set(t.id, entry);
    return entry;
  };
  for (const k of kernels) {
    const ins = (Array.isArray(k.inputs) ? k.inputs : Object.values(k.inputs)).filter(
      (t): t is TracedTensor => t != null,
    );
    const srcs = ins.map(source);
    const varScope = ins.find((t) => t.name)?.name;
    const scope = k.scope ?? (varScope ? scopeOf(varScope.replace(/:\d+$/, '')) : (srcs[0]?.scope ?? ''));
    const name = unique(scope ? `${scope}/${k.kernelName}` : k.kernelName);
    nodes.push({
      name,
      op: k.kernelName,
      inputs: srcs.map((s) => s.ref),
      ...(k.outputs[0] ? { dtype: k.outputs[0].dtype } : {}),
      outputShapes: k.outputs.map((o) => o.shape),
    });
    k.outputs.forEach((o, i) => {
      producer.set(o.id, { ref: i === 0 ? name : `${name}:${i}`, scope });
    });
  }
  return nodes;
}
