import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { latestCheckpoint, listVariables, loadVariable, writeCheckpoint } from '../checkpoint/checkpoint-io.js';
import { MemoryStorage } from '../checkpoint/storage.js';
import { Estimator, type ModelFn } from '../estimator.js';
import {
  AdadeltaOptimizer,
  AdagradOptimizer,
  AdamOptimizer,
  FtrlOptimizer,
  GradientDescentOptimizer,
  getVariable,
  group,
  MomentumOptimizer,
  RunConfig,
  variableScope,
} from '../index.js';

beforeAll(() => setupTestBackend('cpu'));

function inputFn() {
  return async function* () {
    for (;;) yield [tf.zeros([1, 1]), tf.zeros([1])] as const;
  };
}

function estimator(modelFn: ModelFn, storage = new MemoryStorage('ops')) {
  return new Estimator({
    modelFn,
    config: new RunConfig({ modelDir: 'unused', storage, saveCheckpointsSteps: 1000, logStepCountSteps: 1000 }),
    log: () => {},
  });
}

async function read(storage: MemoryStorage, name: string): Promise<number[]> {
  const t = await loadVariable(storage, (await latestCheckpoint(storage))!, name);
  const v = Array.from(await t.data());
  t.dispose();
  return v;
}

const scalarVar = (scope: string, init: number) =>
  variableScope(scope, () => getVariable('w', { shape: [], initializer: () => tf.scalar(init) }));

describe('two optimizers in one model_fn (a GAN step)', () => {
  // d = discriminator weight, g = generator weight. dLoss = 0.5 (d g - 1)², trained on d by SGD;
  // gLoss = 0.5 (d g + 1)², trained on g by Momentum. Both gradients come from the same forward pass.
  const modelFn: ModelFn = () => {
    const d = scalarVar('disc', 0.5);
    const g = scalarVar('gen', 2);
    const dg = tf.mul(d, g);
    const dLoss = tf.mul(0.5, tf.square(tf.sub(dg, 1))) as tf.Scalar;
    const gLoss = tf.mul(0.5, tf.square(tf.add(dg, 1))) as tf.Scalar;
    const trainOp = group(
      new GradientDescentOptimizer({ learningRate: 0.1 }).minimize(dLoss, { varList: [d] }),
      new MomentumOptimizer({ learningRate: 0.05, momentum: 0.9 }).minimize(gLoss, { varList: [g] }),
    );
    return { mode: 'train', loss: dLoss, trainOp };
  };

  function reference(steps: number) {
    let [d, g, accum] = [0.5, 2, 0];
    for (let t = 0; t < steps; t++) {
      const gradD = (d * g - 1) * g;
      const gradG = (d * g + 1) * d;
      d -= 0.1 * gradD;
      accum = 0.9 * accum + gradG;
      g -= 0.05 * accum;
    }
    return { d, g, accum };
  }

  it('applies each optimizer to its own variables, checkpoints each in its own section, and resumes exactly', async () => {
    const storage = new MemoryStorage('gan');
    await estimator(modelFn, storage).train(inputFn(), { steps: 2 });
    await estimator(modelFn, storage).train(inputFn(), { steps: 1 });
    const ref = reference(3);
    expect((await read(storage, 'disc/w'))[0]).toBeCloseTo(ref.d, 5);
    expect((await read(storage, 'gen/w'))[0]).toBeCloseTo(ref.g, 5);
    const names = (await listVariables(storage, 'model.ckpt-3')).map(([n]) => n);
    expect(names).toEqual(expect.arrayContaining(['optimizer_1/gen/w/Momentum']));
    expect((await read(storage, 'optimizer_1/gen/w/Momentum'))[0]).toBeCloseTo(ref.accum, 5);
    const straight = new MemoryStorage('gan-straight');
    await estimator(modelFn, straight).train(inputFn(), { steps: 3 });
    expect(await read(straight, 'gen/w')).toEqual(await read(storage, 'gen/w'));
  });

  it('leaks nothing', async () => {
    const est = estimator(modelFn);
    await expectNoLeaks(() => est.train(inputFn(), { steps: 2 }), { warmup: true });
  });
});

describe('computeGradients / applyGradients', () => {
  it('applies gradients the model_fn clipped itself (TF clip_by_value between compute and apply)', async () => {
    const modelFn: ModelFn = () => {
      const w = variableScope('dense', () =>
        getVariable('kernel', { shape: [3], initializer: () => tf.tensor1d([0.5, -1.5, 2]) }),
      );
      const loss = tf.mul(0.5, tf.sum(tf.square(tf.sub(w, [2, 1, -0.25])))) as tf.Scalar;
      const opt = new GradientDescentOptimizer({ learningRate: 0.1 });
      const clipped = opt.computeGradients(loss).map(([g, v]) => [g && tf.clipByValue(g, -1, 1), v] as const);
      return { mode: 'train', loss, trainOp: opt.applyGradients(clipped, { globalStep: true }) };
    };
    const storage = new MemoryStorage('clip');
    await estimator(modelFn, storage).train(inputFn(), { steps: 3 });
    let w = [0.5, -1.5, 2];
    const t = [2, 1, -0.25];
    for (let s = 0; s < 3; s++) w = w.map((x, i) => x - 0.1 * Math.max(-1, Math.min(1, x - t[i]!)));
    const got = await read(storage, 'dense/kernel');
    for (const [i, x] of got.entries()) expect(x).toBeCloseTo(w[i]!, 6);
  });

  it('minimize({ varList }) trains only the listed variables', async () => {
    const modelFn: ModelFn = () => {
      const a = scalarVar('a', 1);
      const b = scalarVar('b', 1);
      const loss = tf.square(tf.add(a, b)) as tf.Scalar;
      return {
        mode: 'train',
        loss,
        trainOp: new GradientDescentOptimizer({ learningRate: 0.1 }).minimize(loss, { varList: [b] }),
      };
    };
    const storage = new MemoryStorage('varlist');
    await estimator(modelFn, storage).train(inputFn(), { steps: 1 });
    expect(await read(storage, 'a/w')).toEqual([1]);
    expect((await read(storage, 'b/w'))[0]).toBeCloseTo(1 - 0.1 * 2 * 2, 6);
  });

  it('computeGradients outside a model_fn is one clear error', () => {
    const opt = new AdamOptimizer();
    expect(() => opt.computeGradients(tf.scalar(1))).toThrow(
      /Adam\.computeGradients\(\) must be called inside a model_fn/,
    );
  });
});

describe('options are checked by key', () => {
  it('refuses unknown options, naming the key', () => {
    expect(() => new AdagradOptimizer({ learningRate: 0.1, initialAcumulatorValue: 0.5 } as never)).toThrow(
      /new AdagradOptimizer\(\): unknown option "initialAcumulatorValue"\. Did you mean "initialAccumulatorValue"\? Known options: /,
    );
    expect(() => new AdamOptimizer({ learning_rate: 0.1 } as never)).toThrow(/unknown option "learning_rate"/);
    expect(() => new AdadeltaOptimizer({ decay: 0.9 } as never)).toThrow(/unknown option "decay"/);
    expect(() => new FtrlOptimizer({ learningRate: 0.1, learningRatePower: 0.5 })).toThrow(
      /learningRatePower must be a number <= 0/,
    );
    expect(() => new MomentumOptimizer({ learningRate: 0.1 } as never)).toThrow(/momentum is required/);
    expect(() =>
      new GradientDescentOptimizer({ learningRate: 0.1 }).minimize(tf.scalar(1), { clipNorm: 1 } as never),
    ).toThrow(/GradientDescent\.minimize\(\): unknown option "clipNorm"/);
    expect(() => group()).toThrow(/group\(\): pass at least one train op/);
  });
});

describe('checkpoints of earlier releases', () => {
  it('Adadelta resumes from the slot names tfjs gave it (accum_grad, accum_var) and applies TF’s rule', async () => {
    const storage = new MemoryStorage('legacy');
    const values = {
      global_step: tf.scalar(5, 'int32'),
      'dense/kernel': tf.tensor1d([1, -1]),
      'optimizer/iter': tf.scalar(5),
      'optimizer/dense/kernel/accum_grad': tf.tensor1d([0.4, 0.1]),
      'optimizer/dense/kernel/accum_var': tf.tensor1d([0.01, 0.02]),
    };
    await writeCheckpoint(storage, 'model.ckpt-5', values, 5);
    tf.dispose(Object.values(values));
    await storage.writeAtomic(
      'checkpoint',
      'model_checkpoint_path: "model.ckpt-5"\nall_model_checkpoint_paths: "model.ckpt-5"\n',
    );
    const modelFn: ModelFn = () => {
      const w = variableScope('dense', () => getVariable('kernel', { shape: [2] }));
      const loss = tf.mul(0.5, tf.sum(tf.square(w))) as tf.Scalar;
      return {
        mode: 'train',
        loss,
        trainOp: new AdadeltaOptimizer({ learningRate: 1, rho: 0.9, epsilon: 1e-6 }).minimize(loss),
      };
    };
    await estimator(modelFn, storage).train(inputFn(), { steps: 1 });
    const w = [1, -1];
    const acc = [0.4, 0.1];
    const upd = [0.01, 0.02];
    const expected = w.map((x, i) => {
      const a = 0.9 * acc[i]! + 0.1 * x * x;
      return x - (Math.sqrt(upd[i]! + 1e-6) / Math.sqrt(a + 1e-6)) * x;
    });
    const got = await read(storage, 'dense/kernel');
    for (const [i, x] of got.entries()) expect(x).toBeCloseTo(expected[i]!, 5);
    const names = (await listVariables(storage, 'model.ckpt-6')).map(([n]) => n);
    expect(names).toEqual(
      expect.arrayContaining(['optimizer/dense/kernel/Adadelta', 'optimizer/dense/kernel/Adadelta_1']),
    );
  });
});

describe('gradients that do not exist', () => {
  it('a loss that does not depend on the varList is one clear error naming the variables, and leaks nothing', async () => {
    const modelFn: ModelFn = () => {
      const a = scalarVar('a', 1);
      const b = scalarVar('b', 1);
      const loss = tf.square(a) as tf.Scalar;
      return {
        mode: 'train',
        loss,
        trainOp: new GradientDescentOptimizer({ learningRate: 0.1 }).minimize(loss, { varList: [b] }),
      };
    };
    const est = estimator(modelFn);
    await expectNoLeaks(
      () =>
        expect(est.train(inputFn(), { steps: 1 })).rejects.toThrow(
          /GradientDescent\.minimize\(\): no gradients for any variable: the loss does not depend on b\/w/,
        ),
      { warmup: true },
    );
  });
});

describe('Adam checkpoints of earlier releases', () => {
  it('resume from tfjs names (m, v, accBeta1, accBeta2) into TF names, continuing the bias correction', async () => {
    const storage = new MemoryStorage('legacy-adam');
    const values = {
      global_step: tf.scalar(3, 'int32'),
      'dense/kernel': tf.tensor1d([1, -1]),
      'optimizer/iter': tf.scalar(3),
      'optimizer/dense/kernel/m': tf.tensor1d([0.2, -0.1]),
      'optimizer/dense/kernel/v': tf.tensor1d([0.05, 0.02]),
      'optimizer/accBeta1': tf.scalar(0.9 ** 4),
      'optimizer/accBeta2': tf.scalar(0.999 ** 4),
    };
    await writeCheckpoint(storage, 'model.ckpt-3', values, 3);
    tf.dispose(Object.values(values));
    await storage.writeAtomic(
      'checkpoint',
      'model_checkpoint_path: "model.ckpt-3"\nall_model_checkpoint_paths: "model.ckpt-3"\n',
    );
    const modelFn: ModelFn = () => {
      const w = variableScope('dense', () => getVariable('kernel', { shape: [2] }));
      const loss = tf.mul(0.5, tf.sum(tf.square(w))) as tf.Scalar;
      return { mode: 'train', loss, trainOp: new AdamOptimizer({ learningRate: 0.1 }).minimize(loss) };
    };
    await estimator(modelFn, storage).train(inputFn(), { steps: 1 });
    const lrT = (0.1 * Math.sqrt(1 - 0.999 ** 4)) / (1 - 0.9 ** 4);
    const expected = [1, -1].map((x, i) => {
      const m = 0.9 * [0.2, -0.1][i]! + 0.1 * x;
      const v = 0.999 * [0.05, 0.02][i]! + 0.001 * x * x;
      return x - (lrT * m) / (Math.sqrt(v) + 1e-8);
    });
    const got = await read(storage, 'dense/kernel');
    for (const [i, x] of got.entries()) expect(x).toBeCloseTo(expected[i]!, 5);
    expect((await read(storage, 'optimizer/beta1_power'))[0]).toBeCloseTo(0.9 ** 5, 6);
  });
});
