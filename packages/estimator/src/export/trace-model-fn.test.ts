import { join } from 'node:path';
import { setupTestBackend, tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Estimator, type ModelFn } from '../estimator.js';
import {
  ClassificationOutput,
  type ExportOutput,
  GradientDescentOptimizer,
  getVariable,
  ModeKeys,
  PredictOutput,
  placeholder,
  RegressionOutput,
  RunConfig,
  type ServingInputReceiverFn,
  variableScope,
} from '../index.js';

beforeAll(() => setupTestBackend('cpu'));
const tmp = tempModelDir('trace-');
afterAll(() => tmp.cleanup());

/** x [batch, 4] → flatten-by-hand reshape → dense (kernel + bias) → softmax; exportOutputs chosen by `outputs`. */
function modelFn(outputs: 'none' | 'all' | 'one'): ModelFn {
  return (features, _labels, mode) => {
    const x = features as tf.Tensor;
    const logits = variableScope('dense', () => {
      const w = getVariable('kernel', { shape: [4, 3] });
      const b = getVariable('bias', { shape: [3] });
      // A reshape whose target names the batch size: the trace must turn it into -1.
      return tf.add(tf.matMul(tf.reshape(x, [x.shape[0]!, 4]), w), b);
    });
    const probabilities = tf.softmax(logits);
    if (mode === ModeKeys.PREDICT) {
      const exportOutputs: Record<string, ExportOutput> | undefined =
        outputs === 'all'
          ? {
              serving_default: new ClassificationOutput({ scores: probabilities }),
              regress: new RegressionOutput(tf.sum(logits, 1)),
              predict: new PredictOutput({ probabilities, logits }),
            }
          : outputs === 'one'
            ? { scores_only: new PredictOutput(probabilities) }
            : undefined;
      return { mode, predictions: { probabilities }, ...(exportOutputs ? { exportOutputs } : {}) };
    }
    const loss = tf.mean(logits) as tf.Scalar;
    if (mode === ModeKeys.EVAL) return { mode, loss };
    return { mode, loss, trainOp: new GradientDescentOptimizer({ learningRate: 0.1 }).minimize(loss) };
  };
}

const receiver: ServingInputReceiverFn = () => {
  const x = placeholder({ dtype: 'float32', shape: [null, 4] });
  return { features: x, receiverTensors: { x } };
};

async function trained(name: string, fn: ModelFn): Promise<Estimator> {
  const est = new Estimator({ modelFn: fn, config: new RunConfig({ modelDir: join(tmp.dir, name) }), log: () => {} });
  await est.train(
    async function* () {
      yield [tf.ones([2, 4]), tf.zeros([2])] as const;
    },
    { steps: 1 },
  );
  return est;
}

describe('Estimator.traceForExport()', () => {
  it('records kernels with a dynamic batch: -1 dims and batch-sized attrs, frozen variables, no training ops', async () => {
    const est = await trained('basic', modelFn('none'));
    const g = await est.traceForExport(receiver);
    expect(g.inputs.map((i) => i.name)).toEqual(['x']);
    expect(g.tensors.get(g.inputs[0]!.tensor)!.shape).toEqual([-1, 4]);
    expect(g.nodes.map((n) => n.kernel)).toEqual(['Reshape', 'BatchMatMul', 'Add', 'Softmax']);
    expect(g.nodes[0]!.attrs.shape).toEqual([-1, 4]);
    expect(g.nodes[0]!.scope).toBe('dense');
    expect(g.nodes[0]!.name).toBe('dense/Reshape');
    expect(g.nodes[1]!.inputNames).toEqual(['a', 'b']);
    const vars = g.constants.filter((c) => c.isVariable).map((c) => c.name);
    expect(vars.sort()).toEqual(['dense/bias', 'dense/kernel']);
    const kernel = g.constants.find((c) => c.name === 'dense/kernel')!;
    const fromCheckpoint = await est.getVariableValue('dense/kernel');
    expect(Array.from(kernel.values as Float32Array)).toEqual(Array.from(await fromCheckpoint.data()));
    fromCheckpoint.dispose();
    expect(g.signatures.serving_default!.methodName).toBe('tensorflow/serving/predict');
    expect(g.tensors.get(g.signatures.serving_default!.outputs.probabilities!)!.shape).toEqual([-1, 3]);
    expect(g.globalStep).toBe(1);
    expect(g.checkpointPath).toBe(join(tmp.dir, 'basic', 'model.ckpt-1'));
    est.dispose();
  });

  it("signatures follow exportOutputs with TF's method names; a single one is also serving_default", async () => {
    const all = await trained('all', modelFn('all'));
    const g = await all.traceForExport(receiver);
    expect(Object.keys(g.signatures).sort()).toEqual(['predict', 'regress', 'serving_default']);
    expect(g.signatures.serving_default!.methodName).toBe('tensorflow/serving/classify');
    expect(Object.keys(g.signatures.serving_default!.outputs)).toEqual(['scores']);
    expect(g.signatures.regress!.methodName).toBe('tensorflow/serving/regress');
    expect(Object.keys(g.signatures.regress!.outputs)).toEqual(['outputs']);
    expect(Object.keys(g.signatures.predict!.outputs).sort()).toEqual(['logits', 'probabilities']);
    all.dispose();
    const one = await trained('one', modelFn('one'));
    const h = await one.traceForExport(receiver);
    expect(Object.keys(h.signatures).sort()).toEqual(['scores_only', 'serving_default']);
    expect(Object.keys(h.signatures.serving_default!.outputs)).toEqual(['output']);
    one.dispose();
  });

  it('a fresh Estimator on the model directory (a new process) traces the same graph', async () => {
    const first = await trained('fresh', modelFn('none'));
    const a = await first.traceForExport(receiver);
    first.dispose();
    const fresh = new Estimator({
      modelFn: modelFn('none'),
      config: new RunConfig({ modelDir: join(tmp.dir, 'fresh') }),
      log: () => {},
    });
    const b = await fresh.traceForExport(receiver);
    expect(b.nodes.map((n) => n.name)).toEqual(a.nodes.map((n) => n.name));
    expect(b.constants.map((c) => Array.from(c.values as Float32Array))).toEqual(
      a.constants.map((c) => Array.from(c.values as Float32Array)),
    );
    fresh.dispose();
  });

  it('refuses what cannot be a serving graph, with one-line ExportErrors', async () => {
    const est = await trained('refuse', modelFn('none'));
    const notPlaceholder: ServingInputReceiverFn = () => {
      const x = tf.ones([2, 4]);
      return { features: x, receiverTensors: { x } };
    };
    await expect(est.traceForExport(notPlaceholder)).rejects.toMatchObject({ code: 'EXPORT_INVALID_RECEIVER' });
    await expect(est.traceForExport((() => ({ features: 1 })) as never)).rejects.toMatchObject({
      code: 'EXPORT_INVALID_RECEIVER',
    });
    expect(() => placeholder({ dtype: 'float32', shape: [null, 4] })).toThrow(/inside a serving input receiver fn/);
    // An export started while another traces (here from inside its receiver fn) fails at once.
    let nested: Promise<unknown> | null = null;
    await est.traceForExport(() => {
      nested ??= est.traceForExport(receiver);
      return receiver();
    });
    await expect(nested).rejects.toMatchObject({ code: 'EXPORT_BUSY' });
    expect(Object.hasOwn(tf.engine(), 'runKernel')).toBe(false);
    est.dispose();
    const branchy: ModelFn = (features, labels, mode, params, config) => {
      const spec = modelFn('none')(features, labels, mode, params, config) as unknown as {
        predictions: { probabilities: tf.Tensor };
      };
      if (mode !== ModeKeys.PREDICT) return spec as never;
      // A graph that depends on the batch size.
      const p = spec.predictions.probabilities;
      return { mode, predictions: { probabilities: p.shape[0]! > 4 ? tf.relu(p) : p } };
    };
    const b = await trained('branchy', branchy);
    await expect(b.traceForExport(receiver)).rejects.toMatchObject({ code: 'EXPORT_NONDETERMINISTIC_GRAPH' });
    b.dispose();
  });
});
