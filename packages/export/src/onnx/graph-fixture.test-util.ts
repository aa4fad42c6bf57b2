/**
 * Hand-built TracedGraphs for writer tests, with their reference values. Each kernel call runs on tfjs
 * (`engine.runKernel`, the cpu backend's kernels) for two batch sizes at once, exactly as the tracer does: a dim
 * that differs between the two runs is the dynamic batch (-1). The tfjs results are the reference the ONNX model
 * must reproduce, for both batch sizes.
 */
import type {
  TracedAttrValue,
  TracedConstant,
  TracedDType,
  TracedGraph,
  TracedNode,
  TracedTensor,
} from '@estimatorjs/estimator';
import * as tf from '@tensorflow/tfjs-core';
import * as ort from 'onnxruntime-node';

/** The two batch sizes every fixture is computed at. */
export const BATCHES = [3, 2] as const;

type Pair = [tf.Tensor, tf.Tensor];

export class GraphFixture {
  private readonly tensors = new Map<number, TracedTensor>();
  private readonly values = new Map<number, Pair>();
  private readonly nodes: TracedNode[] = [];
  private readonly constants: TracedConstant[] = [];
  private readonly inputs: { name: string; tensor: number }[] = [];
  readonly feeds: [Record<string, tf.Tensor>, Record<string, tf.Tensor>] = [{}, {}];
  private next = 0;

  private record(pair: Pair): number {
    const id = this.next++;
    const [a, b] = pair;
    const shape = a.shape.map((d, i) => (d === b.shape[i] ? d : -1));
    this.tensors.set(id, { id, dtype: a.dtype as TracedDType, shape });
    this.values.set(id, pair);
    return id;
  }

  /** A graph input; `make(batch)` gives its value for a batch size. */
  input(name: string, make: (batch: number) => tf.Tensor): number {
    const pair = BATCHES.map(make) as Pair;
    const id = this.record(pair);
    this.inputs.push({ name, tensor: id });
    this.feeds[0][name] = pair[0];
    this.feeds[1][name] = pair[1];
    return id;
  }

  /** A frozen constant (same value in both runs). */
  constant(name: string, value: tf.Tensor, isVariable = true): number {
    const id = this.record([value, value]);
    this.constants.push({
      name,
      tensor: id,
      values: value.dataSync() as Float32Array | Int32Array | Uint8Array,
      isVariable,
    });
    return id;
  }

  /**
   * One kernel call. The reference is tfjs's own kernel, or `reference` for kernels tfjs-core composes from others
   * (LogSoftmax, BiasAdd), so a fixture may hold any kernel a TF graph can.
   */
  op(
    kernel: string,
    inputs: Record<string, number> | number[],
    attrs: Record<string, TracedAttrValue> = {},
    options: { scope?: string; outputs?: number; reference?: (xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[] } = {},
  ): number[] {
    const ids = Array.isArray(inputs) ? inputs : Object.values(inputs);
    const run = (k: 0 | 1): tf.Tensor[] => {
      const xs = ids.map((id) => this.values.get(id)![k]);
      if (options.reference) {
        const r = options.reference(xs);
        return Array.isArray(r) ? r : [r];
      }
      const named = Array.isArray(inputs) ? xs : Object.fromEntries(Object.keys(inputs).map((n, i) => [n, xs[i]!]));
      const r = tf.engine().runKernel(kernel, named as tf.NamedTensorMap, attrs as unknown as tf.NamedAttrMap);
      return Array.isArray(r) ? (r as tf.Tensor[]) : [r as tf.Tensor];
    };
    const [a, b] = [run(0), run(1)];
    const outs = a.map((t, i) => this.record([t, b[i]!]));
    const scope = options.scope ?? '';
    this.nodes.push({
      name: `${scope ? `${scope}/` : ''}${kernel}_${this.nodes.length}`,
      kernel,
      inputs: ids,
      inputNames: Array.isArray(inputs) ? ids.map((_, i) => String(i)) : Object.keys(inputs),
      outputs: outs,
      attrs,
      scope,
    });
    return outs;
  }

  /** One-output kernel call. */
  op1(...args: Parameters<GraphFixture['op']>): number {
    return this.op(...args)[0]!;
  }

  graph(outputs: Record<string, number>): TracedGraph {
    return {
      tensors: this.tensors,
      inputs: this.inputs,
      constants: this.constants,
      nodes: this.nodes,
      signatures: {
        serving_default: {
          inputs: Object.fromEntries(this.inputs.map((i) => [i.name, i.tensor])),
          outputs,
          methodName: 'tensorflow/serving/predict',
        },
      },
      globalStep: 7,
      checkpointPath: 'model.ckpt-7',
    };
  }

  /** The tfjs reference values of a tensor at batch index k. */
  reference(id: number, k: 0 | 1): tf.Tensor {
    return this.values.get(id)![k];
  }

  dispose(): void {
    const seen = new Set<tf.Tensor>();
    for (const [a, b] of this.values.values()) {
      for (const t of [a, b]) if (!seen.has(t)) seen.add(t);
    }
    for (const t of seen) t.dispose();
  }
}

const ortType = { float32: 'float32', int32: 'int32', bool: 'bool' } as const;

/** Runs model bytes in onnxruntime-node (CPU) on tfjs feeds; returns outputs by name. */
export async function runOnnx(
  model: Uint8Array,
  feeds: Record<string, tf.Tensor>,
): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'], logSeverityLevel: 3 });
  try {
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const [name, t] of Object.entries(feeds)) {
      const type = ortType[t.dtype as keyof typeof ortType];
      const data = t.dtype === 'bool' ? Uint8Array.from(t.dataSync()) : t.dataSync();
      ortFeeds[name] = new ort.Tensor(type, data as Float32Array, t.shape);
    }
    return await session.run(ortFeeds);
  } finally {
    await session.release();
  }
}

/**
 * Largest |a − b| over two equally long arrays (Infinity when the lengths or a NaN position differ); `relative`
 * divides each difference by max(1, |b|).
 */
export function maxAbsDiff(a: ArrayLike<number | bigint>, b: ArrayLike<number | bigint>, relative = false): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const x = Number(a[i]);
    const y = Number(b[i]);
    if (Number.isNaN(x) || Number.isNaN(y)) {
      if (Number.isNaN(x) !== Number.isNaN(y)) return Number.POSITIVE_INFINITY;
      continue;
    }
    const d = x === y ? 0 : Math.abs(x - y);
    m = Math.max(m, relative ? d / Math.max(1, Math.abs(y)) : d);
  }
  return m;
}
