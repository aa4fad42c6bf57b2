import { describeBackends, expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { latestCheckpoint, listVariables, loadVariable } from '../checkpoint/checkpoint-io.js';
import { MemoryStorage } from '../checkpoint/storage.js';
import { Estimator, type ModelFn } from '../estimator.js';
import {
  AdadeltaOptimizer,
  AdagradDAOptimizer,
  AdagradOptimizer,
  AdamaxOptimizer,
  AdamOptimizer,
  FtrlOptimizer,
  getVariable,
  MomentumOptimizer,
  type Optimizer,
  ProximalAdagradOptimizer,
  ProximalGradientDescentOptimizer,
  RMSPropOptimizer,
  RunConfig,
  variableScope,
} from '../index.js';

beforeAll(() => setupTestBackend('cpu'));

// The model: one variable dense/kernel = W0, loss = 0.5 * sum((w - T)²), so the gradient is w - T. The expected
// values below run TF's documented update rules (raw_ops Apply* docs, training_ops.cc) in plain float64 JS.
const W0 = [0.5, -1.5, 2];
const T = [2, 1, -0.25];

const modelFnFor =
  (make: () => Optimizer): ModelFn =>
  () => {
    const w = variableScope('dense', () => getVariable('kernel', { shape: [3], initializer: () => tf.tensor1d(W0) }));
    const loss = tf.mul(0.5, tf.sum(tf.square(tf.sub(w, T)))) as tf.Scalar;
    return { mode: 'train', loss, trainOp: make().minimize(loss) };
  };

function inputFn() {
  return async function* () {
    for (;;) yield [tf.zeros([1, 1]), tf.zeros([1])] as const;
  };
}

function estimator(modelFn: ModelFn, storage = new MemoryStorage('opt')) {
  return new Estimator({
    modelFn,
    config: new RunConfig({ modelDir: 'unused', storage, saveCheckpointsSteps: 1000, logStepCountSteps: 1000 }),
    log: () => {},
  });
}

async function trained(make: () => Optimizer, steps: number, storage = new MemoryStorage('opt')) {
  const est = estimator(modelFnFor(make), storage);
  await est.train(inputFn(), { steps });
  const prefix = (await latestCheckpoint(storage))!;
  const w = await loadVariable(storage, prefix, 'dense/kernel');
  const values = Array.from(await w.data());
  w.dispose();
  return { values, storage, prefix };
}

type Rule = (w: number[], g: number[], state: Record<string, number[]>, t: number) => number[];
function reference(rule: Rule, steps: number, state: Record<string, number[]> = {}): number[] {
  let w = [...W0];
  for (let t = 1; t <= steps; t++) {
    const g = w.map((x, i) => x - T[i]!);
    w = rule(w, g, state, t);
  }
  return w;
}
const fill = (x: number) => W0.map(() => x);
const sign = (x: number) => (x > 0 ? 1 : x < 0 ? -1 : 0);

function expectClose(actual: number[], expected: number[], digits = 5) {
  expect(actual.length).toBe(expected.length);
  for (const [i, x] of actual.entries()) expect(x).toBeCloseTo(expected[i]!, digits);
}

describeBackends('optimizers: 3 steps against TF update rules computed by hand', { describe, beforeAll }, () => {
  it('FtrlOptimizer with l1, l2, l2 shrinkage and learningRatePower -0.5 (ApplyFtrlV2)', async () => {
    const [lr, p, l1, l2, shrink] = [0.5, -0.5, 0.05, 0.1, 0.02];
    const st = { accum: fill(0.2), linear: fill(0) };
    const expected = reference(
      (w, g) =>
        w.map((x, i) => {
          const gs = g[i]! + 2 * shrink * x;
          const an = st.accum[i]! + g[i]! ** 2;
          const pw = (a: number) => a ** -p;
          st.linear[i] = st.linear[i]! + gs - ((pw(an) - pw(st.accum[i]!)) / lr) * x;
          const quad = pw(an) / lr + 2 * l2;
          st.accum[i] = an;
          const lin = st.linear[i]!;
          return Math.abs(lin) > l1 ? (sign(lin) * l1 - lin) / quad : 0;
        }),
      3,
    );
    const { values, storage, prefix } = await trained(
      () =>
        new FtrlOptimizer({
          learningRate: lr,
          learningRatePower: p,
          initialAccumulatorValue: 0.2,
          l1RegularizationStrength: l1,
          l2RegularizationStrength: l2,
          l2ShrinkageRegularizationStrength: shrink,
        }),
      3,
    );
    expectClose(values, expected);
    const names = (await listVariables(storage, prefix)).map(([n]) => n);
    expect(names).toContain('optimizer/dense/kernel/Ftrl');
    expect(names).toContain('optimizer/dense/kernel/Ftrl_1');
    const linear = await loadVariable(storage, prefix, 'optimizer/dense/kernel/Ftrl_1');
    expectClose(Array.from(await linear.data()), st.linear, 4);
    linear.dispose();
  });

  it('FtrlOptimizer with learningRatePower 0 (a fixed learning rate)', async () => {
    const [lr, l1] = [0.3, 0.2];
    const linear = fill(0);
    const expected = reference(
      (w, g) =>
        w.map((_x, i) => {
          linear[i] = linear[i]! + g[i]!; // accum^0 - accum^0 = 0
          const lin = linear[i]!;
          return Math.abs(lin) > l1 ? (sign(lin) * l1 - lin) / (1 / lr) : 0;
        }),
      3,
    );
    const { values } = await trained(
      () => new FtrlOptimizer({ learningRate: lr, learningRatePower: 0, l1RegularizationStrength: l1 }),
      3,
    );
    expectClose(values, expected);
  });

  it('ProximalGradientDescentOptimizer (ApplyProximalGradientDescent)', async () => {
    const [lr, l1, l2] = [0.4, 0.3, 0.2];
    const expected = reference(
      (w, g) =>
        w.map((x, i) => {
          const prox = x - lr * g[i]!;
          return (sign(prox) * Math.max(Math.abs(prox) - lr * l1, 0)) / (1 + lr * l2);
        }),
      3,
    );
    const { values, storage, prefix } = await trained(
      () =>
        new ProximalGradientDescentOptimizer({
          learningRate: lr,
          l1RegularizationStrength: l1,
          l2RegularizationStrength: l2,
        }),
      3,
    );
    expectClose(values, expected);
    expect((await listVariables(storage, prefix)).map(([n]) => n).filter((n) => n.startsWith('optimizer'))).toEqual([]);
  });

  it('ProximalAdagradOptimizer (ApplyProximalAdagrad)', async () => {
    const [lr, l1, l2] = [0.4, 0.1, 0.2];
    const accum = fill(0.3);
    const expected = reference(
      (w, g) =>
        w.map((x, i) => {
          accum[i] = accum[i]! + g[i]! ** 2;
          const a = lr / Math.sqrt(accum[i]!);
          const prox = x - a * g[i]!;
          return (sign(prox) * Math.max(Math.abs(prox) - a * l1, 0)) / (1 + a * l2);
        }),
      3,
    );
    const { values, storage, prefix } = await trained(
      () =>
        new ProximalAdagradOptimizer({
          learningRate: lr,
          initialAccumulatorValue: 0.3,
          l1RegularizationStrength: l1,
          l2RegularizationStrength: l2,
        }),
      3,
    );
    expectClose(values, expected);
    expect((await listVariables(storage, prefix)).map(([n]) => n)).toContain('optimizer/dense/kernel/ProximalAdagrad');
  });

  it('AdagradDAOptimizer with the global step as t (ApplyAdagradDA)', async () => {
    const [lr, l1, l2] = [0.5, 0.05, 0.1];
    const ga = fill(0);
    const gs = fill(0.1);
    const expected = reference(
      (_w, g, _s, t) =>
        g.map((gi, i) => {
          ga[i] = ga[i]! + gi;
          gs[i] = gs[i]! + gi ** 2;
          return (-lr * sign(ga[i]!) * Math.max(Math.abs(ga[i]!) - l1 * t, 0)) / (l2 * t * lr + Math.sqrt(gs[i]!));
        }),
      3,
    );
    const { values, storage, prefix } = await trained(
      () => new AdagradDAOptimizer({ learningRate: lr, l1RegularizationStrength: l1, l2RegularizationStrength: l2 }),
      3,
    );
    expectClose(values, expected);
    const names = (await listVariables(storage, prefix)).map(([n]) => n);
    expect(names).toEqual(
      expect.arrayContaining(['optimizer/dense/kernel/AdagradDA', 'optimizer/dense/kernel/AdagradDA_1']),
    );
  });

  it('AdamaxOptimizer (ApplyAdaMax) saves m, v and beta1_power', async () => {
    const [lr, b1, b2, eps] = [0.1, 0.8, 0.95, 1e-8];
    const m = fill(0);
    const v = fill(0);
    const expected = reference(
      (w, g, _s, t) =>
        w.map((x, i) => {
          m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
          v[i] = Math.max(b2 * v[i]!, Math.abs(g[i]!));
          return x - (lr / (1 - b1 ** t)) * (m[i]! / (v[i]! + eps));
        }),
      3,
    );
    const { values, storage, prefix } = await trained(
      () => new AdamaxOptimizer({ learningRate: lr, beta1: b1, beta2: b2, epsilon: eps }),
      3,
    );
    expectClose(values, expected);
    const names = (await listVariables(storage, prefix)).map(([n]) => n);
    expect(names).toEqual(
      expect.arrayContaining([
        'optimizer/dense/kernel/AdaMax',
        'optimizer/dense/kernel/AdaMax_1',
        'optimizer/beta1_power',
      ]),
    );
    const power = await loadVariable(storage, prefix, 'optimizer/beta1_power');
    expect((await power.data())[0]).toBeCloseTo(b1 ** 4, 6);
    power.dispose();
  });

  it('AdamOptimizer with TF’s epsilon placement (ApplyAdam; a large epsilon shows it)', async () => {
    const [lr, b1, b2, eps] = [0.1, 0.8, 0.9, 0.5];
    const m = fill(0);
    const v = fill(0);
    const expected = reference(
      (w, g, _s, t) =>
        w.map((x, i) => {
          const lrT = (lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
          m[i] = b1 * m[i]! + (1 - b1) * g[i]!;
          v[i] = b2 * v[i]! + (1 - b2) * g[i]! ** 2;
          return x - (lrT * m[i]!) / (Math.sqrt(v[i]!) + eps);
        }),
      3,
    );
    const { values, storage, prefix } = await trained(
      () => new AdamOptimizer({ learningRate: lr, beta1: b1, beta2: b2, epsilon: eps }),
      3,
    );
    expectClose(values, expected, 6);
    const names = (await listVariables(storage, prefix)).map(([n]) => n);
    expect(names).toEqual(
      expect.arrayContaining([
        'optimizer/dense/kernel/Adam',
        'optimizer/dense/kernel/Adam_1',
        'optimizer/beta1_power',
        'optimizer/beta2_power',
      ]),
    );
  });

  for (const centered of [false, true]) {
    it(`RMSPropOptimizer${centered ? ' centered' : ''} with the mean square starting at 1 as in TF 1.x`, async () => {
      const [lr, decay, mom, eps] = [0.05, 0.8, 0.5, 1e-6];
      const ms = fill(1);
      const mg = fill(0);
      const acc = fill(0);
      const expected = reference(
        (w, g) =>
          w.map((x, i) => {
            ms[i] = decay * ms[i]! + (1 - decay) * g[i]! ** 2;
            mg[i] = decay * mg[i]! + (1 - decay) * g[i]!;
            const denom = centered ? ms[i]! - mg[i]! ** 2 : ms[i]!;
            acc[i] = mom * acc[i]! + (lr * g[i]!) / Math.sqrt(denom + eps);
            return x - acc[i]!;
          }),
        3,
      );
      const { values, storage, prefix } = await trained(
        () => new RMSPropOptimizer({ learningRate: lr, decay, momentum: mom, epsilon: eps, centered }),
        3,
      );
      expectClose(values, expected, 6);
      const names = (await listVariables(storage, prefix)).map(([n]) => n);
      expect(names).toContain(`optimizer/dense/kernel/RMSProp_${centered ? 2 : 1}`);
    });
  }

  it('MomentumOptimizer with useNesterov (ApplyMomentum)', async () => {
    const [lr, mom] = [0.1, 0.9];
    const acc = fill(0);
    const expected = reference(
      (w, g) =>
        w.map((x, i) => {
          acc[i] = mom * acc[i]! + g[i]!;
          return x - lr * g[i]! - lr * mom * acc[i]!;
        }),
      3,
    );
    const { values, storage, prefix } = await trained(
      () => new MomentumOptimizer({ learningRate: lr, momentum: mom, useNesterov: true }),
      3,
    );
    expectClose(values, expected, 6);
    expect((await listVariables(storage, prefix)).map(([n]) => n)).toContain('optimizer/dense/kernel/Momentum');
  });

  it('AdagradOptimizer honours initialAccumulatorValue', async () => {
    const lr = 0.5;
    const accum = fill(2);
    const expected = reference(
      (w, g) =>
        w.map((x, i) => {
          accum[i] = accum[i]! + g[i]! ** 2;
          return x - (lr * g[i]!) / Math.sqrt(accum[i]!);
        }),
      3,
    );
    // tfjs adds its epsilon (1e-7 on cpu) under the square root: agreement to 5 decimals, not bits.
    expectClose(
      (await trained(() => new AdagradOptimizer({ learningRate: lr, initialAccumulatorValue: 2 }), 3)).values,
      expected,
      5,
    );
  });

  it('AdadeltaOptimizer honours rho and epsilon', async () => {
    const [lr, rho, eps] = [1, 0.8, 1e-3];
    const acc = fill(0);
    const accUpd = fill(0);
    const expected = reference(
      (w, g) =>
        w.map((x, i) => {
          acc[i] = rho * acc[i]! + (1 - rho) * g[i]! ** 2;
          const update = (Math.sqrt(accUpd[i]! + eps) / Math.sqrt(acc[i]! + eps)) * g[i]!;
          accUpd[i] = rho * accUpd[i]! + (1 - rho) * update ** 2;
          return x - lr * update;
        }),
      3,
    );
    expectClose(
      (await trained(() => new AdadeltaOptimizer({ learningRate: lr, rho, epsilon: eps }), 3)).values,
      expected,
    );
  });
});

describe('optimizers: checkpoints resume bit-exactly', () => {
  beforeAll(() => setupTestBackend('cpu'));
  const makers: [string, () => Optimizer][] = [
    [
      'Ftrl',
      () => new FtrlOptimizer({ learningRate: 0.5, l1RegularizationStrength: 0.01, l2RegularizationStrength: 0.1 }),
    ],
    ['ProximalAdagrad', () => new ProximalAdagradOptimizer({ learningRate: 0.3, l1RegularizationStrength: 0.01 })],
    ['AdagradDA', () => new AdagradDAOptimizer({ learningRate: 0.3, l1RegularizationStrength: 0.01 })],
    ['Adamax', () => new AdamaxOptimizer({ learningRate: 0.1 })],
  ];
  for (const [name, make] of makers) {
    it(`${name}: 2 steps, a new Estimator restoring the checkpoint, 2 more = 4 steps in one go`, async () => {
      const straight = await trained(make, 4);
      const storage = new MemoryStorage('resume');
      await trained(make, 2, storage);
      const resumed = await trained(make, 2, storage);
      expect(resumed.prefix).toBe('model.ckpt-4');
      expect(new Float32Array(resumed.values)).toEqual(new Float32Array(straight.values));
      for (const [slot] of (await listVariables(storage, resumed.prefix)).filter(([n]) => n.startsWith('optimizer/'))) {
        const a = await loadVariable(storage, resumed.prefix, slot);
        const b = await loadVariable(straight.storage, straight.prefix, slot);
        expect(await a.data()).toEqual(await b.data());
        tf.dispose([a, b]);
      }
    });
  }

  it('Ftrl training leaks nothing', async () => {
    const est = estimator(modelFnFor(() => new FtrlOptimizer({ learningRate: 0.1 })));
    await expectNoLeaks(() => est.train(inputFn(), { steps: 2 }), { warmup: true });
  });
});

describe('AdamOptimizer, bit for bit', () => {
  // Two variables of different shapes, so the rate and constants computed once per step (not once per variable)
  // must still give every variable exactly TF's float32 result: the reference runs the same ApplyAdam formula,
  // in the same operation order, with every intermediate rounded to float32 (Math.fround), as the cpu backend does.
  it('updates two variables exactly like ApplyAdam in float32 over 4 steps', async () => {
    const f = Math.fround;
    const [lr, b1, b2, eps] = [0.01, 0.9, 0.999, 1e-8];
    const A0 = [0.5, -1.5, 2, 0.25];
    const B0 = [3, -0.75];
    const modelFn: ModelFn = () => {
      const a = getVariable('a', { shape: [2, 2], initializer: () => tf.tensor2d(A0, [2, 2]) });
      const b = getVariable('b', { shape: [2], initializer: () => tf.tensor1d(B0) });
      // loss = 0.5 Σa² + 0.5 Σb²: the gradients are the variables themselves (exact in float32).
      const loss = tf.add(tf.mul(0.5, tf.sum(tf.square(a))), tf.mul(0.5, tf.sum(tf.square(b)))) as tf.Scalar;
      return { mode: 'train', loss, trainOp: new AdamOptimizer({ learningRate: lr }).minimize(loss) };
    };
    const storage = new MemoryStorage('adam-bits');
    await estimator(modelFn, storage).train(inputFn(), { steps: 4 });
    const prefix = (await latestCheckpoint(storage))!;
    const read = async (name: string) => {
      const t = await loadVariable(storage, prefix, name);
      const values = Array.from(await t.data());
      t.dispose();
      return values;
    };
    // TF's beta1_power and beta2_power start at beta1 and beta2 and are multiplied after each step.
    let [p1, p2] = [f(b1), f(b2)];
    const run = (w0: number[]) => {
      const w = w0.map(f);
      const m = w.map(() => 0);
      const v = w.map(() => 0);
      return { w, m, v };
    };
    const vars = [run(A0), run(B0)];
    for (let t = 1; t <= 4; t++) {
      const lrT = f(f(f(lr) * f(Math.sqrt(f(1 - p2)))) / f(1 - p1));
      for (const s of vars) {
        s.w = s.w.map((x, i) => {
          const g = x;
          s.m[i] = f(f(f(b1) * s.m[i]!) + f(f(1 - b1) * g));
          s.v[i] = f(f(f(b2) * s.v[i]!) + f(f(1 - b2) * f(g * g)));
          return f(x - f(lrT * f(s.m[i]! / f(f(Math.sqrt(s.v[i]!)) + f(eps)))));
        });
      }
      [p1, p2] = [f(p1 * f(b1)), f(p2 * f(b2))];
    }
    expect(await read('a')).toEqual(vars[0]!.w);
    expect(await read('b')).toEqual(vars[1]!.w);
  });
});
