import { expectNoLeaks, setupTestBackend } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { losses, Reduction } from './index.js';

beforeAll(() => setupTestBackend('cpu'));

// Oracles: values from TF 1.x's losses_test.py (the documented behaviour), and a plain-JS reference of TF's
// compute_weighted_loss over 2-D losses, written from its docstring without tfjs.
const predictions = [
  [4, 8, 12],
  [8, 1, 3],
];
const labels = [
  [1, 9, 2],
  [-5, -2, 6],
];

type Grid = number[][];
function reduceRef(l: Grid, w: number | Grid, reduction: string): number | Grid {
  const wAt = (i: number, j: number) =>
    typeof w === 'number' ? w : w[w.length === 1 ? 0 : i]![w[0]!.length === 1 ? 0 : j]!;
  const weighted = l.map((row, i) => row.map((x, j) => x * wAt(i, j)));
  if (reduction === 'none') return weighted;
  const sum = weighted.flat().reduce((a, b) => a + b, 0);
  const cells = l.flatMap((row, i) => row.map((_, j) => wAt(i, j)));
  const div = (d: number) => (d === 0 ? 0 : sum / d);
  if (reduction === 'weighted_sum') return sum;
  if (reduction === 'weighted_mean') return div(cells.reduce((a, b) => a + b, 0));
  if (reduction === 'weighted_sum_over_batch_size') return div(cells.length);
  return div(cells.filter((x) => x !== 0).length);
}

async function value(t: tf.Tensor): Promise<number | number[] | number[][]> {
  const v = (await t.array()) as number | number[] | number[][];
  t.dispose();
  return v;
}

function close(actual: unknown, expected: unknown, digits = 4): void {
  if (typeof expected === 'number') expect(actual as number).toBeCloseTo(expected, digits);
  else {
    const a = (actual as unknown[]).flat(3) as number[];
    const e = (expected as unknown[]).flat(3) as number[];
    expect(a.length).toBe(e.length);
    for (const [i, x] of a.entries()) expect(x).toBeCloseTo(e[i]!, digits);
  }
}

const t2 = (x: Grid) => tf.tensor2d(x);

describe('losses: TF 1.x documented values', () => {
  it('absoluteDifference: 5.5, scaled by 3.3, and 5.6 with weights [[1.2], [0]]', async () => {
    close(await value(losses.absoluteDifference({ labels: t2(labels), predictions: t2(predictions) })), 5.5);
    close(
      await value(losses.absoluteDifference({ labels: t2(labels), predictions: t2(predictions), weights: 3.3 })),
      5.5 * 3.3,
    );
    const w = tf.tensor2d([[1.2], [0]]);
    close(
      await value(losses.absoluteDifference({ labels: t2(labels), predictions: t2(predictions), weights: w })),
      5.6,
    );
  });

  it('meanSquaredError: 49.5, and 767.8 / 6 with weights [[1.2], [3.4]]', async () => {
    close(await value(losses.meanSquaredError({ labels: t2(labels), predictions: t2(predictions) })), 49.5);
    const w = tf.tensor2d([[1.2], [3.4]]);
    close(
      await value(losses.meanSquaredError({ labels: t2(labels), predictions: t2(predictions), weights: w })),
      767.8 / 6,
      3,
    );
  });

  it('softmaxCrossEntropy: 0 when right, 10 when wrong, 400 * 0.1 / 3 with labelSmoothing 0.1', async () => {
    const logits = t2([
      [10, 0, 0],
      [0, 10, 0],
      [0, 0, 10],
    ]);
    close(await value(losses.softmaxCrossEntropy({ onehotLabels: tf.eye(3), logits })), 0, 3);
    const wrong = t2([
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
    ]);
    close(await value(losses.softmaxCrossEntropy({ onehotLabels: wrong, logits })), 10, 3);
    const smoothed = losses.softmaxCrossEntropy({
      onehotLabels: t2([[1, 0, 0]]),
      logits: t2([[100, -100, -100]]),
      labelSmoothing: 0.1,
    });
    close(await value(smoothed), (400 * 0.1) / 3, 3);
  });

  it('softmaxCrossEntropy with per-example weights [1.2, 3.4, 5.6] on wrong labels: (1.2 + 3.4 + 5.6) * 10 / 3', async () => {
    const logits = t2([
      [10, 0, 0],
      [0, 10, 0],
      [0, 0, 10],
    ]);
    const wrong = t2([
      [0, 0, 1],
      [1, 0, 0],
      [0, 1, 0],
    ]);
    const loss = losses.softmaxCrossEntropy({ onehotLabels: wrong, logits, weights: tf.tensor1d([1.2, 3.4, 5.6]) });
    close(await value(loss), ((1.2 + 3.4 + 5.6) * 10) / 3, 3);
  });

  it('sigmoidCrossEntropy with labelSmoothing 0.1: (100 + 50 * 0.1) / 3', async () => {
    const loss = losses.sigmoidCrossEntropy({
      multiClassLabels: t2([[1, 0, 1]]),
      logits: t2([[100, -100, -100]]),
      labelSmoothing: 0.1,
    });
    close(await value(loss), (100 + 50 * 0.1) / 3, 3);
  });

  it('hingeLoss: per element [0, 0.5, 0.5, 0], mean 0.25', async () => {
    const args = { labels: t2([[0], [0], [1], [1]]), logits: t2([[-1], [-0.5], [0.5], [1]]) };
    close(await value(losses.hingeLoss({ ...args, reduction: Reduction.NONE })), [[0], [0.5], [0.5], [0]]);
    close(await value(losses.hingeLoss(args)), 0.25);
  });

  it('cosineDistance along axis 1: per example [0, 2, 1], mean 1', async () => {
    const args = {
      labels: t2([
        [1, 0, 0],
        [0, 0, 1],
        [0, 1, 0],
      ]),
      predictions: t2([
        [1, 0, 0],
        [0, 0, -1],
        [1, 0, 0],
      ]),
      axis: 1,
    };
    close(await value(losses.cosineDistance({ ...args, reduction: Reduction.NONE })), [[0], [2], [1]]);
    close(await value(losses.cosineDistance(args)), 1);
  });
});

describe('losses: hand-computed per-element formulas', () => {
  it('huberLoss: quadratic inside delta, linear outside', async () => {
    const y = [[0, 0, 0, 0]];
    const p = [[0.5, -1.5, 3, 2]];
    const delta = 2;
    const per = p[0]!.map((x, i) => {
      const e = Math.abs(x - y[0]![i]!);
      return e <= delta ? 0.5 * e * e : 0.5 * delta * delta + delta * (e - delta);
    });
    close(await value(losses.huberLoss({ labels: t2(y), predictions: t2(p), delta, reduction: Reduction.NONE })), [
      per,
    ]);
    close(await value(losses.huberLoss({ labels: t2(y), predictions: t2(p), delta })), per.reduce((a, b) => a + b) / 4);
  });

  it('logLoss: -y log(p + eps) - (1 - y) log(1 - p + eps)', async () => {
    const y = [[1, 0, 1, 0]];
    const p = [[0.9, 0.2, 0.4, 0.7]];
    const eps = 1e-7;
    const per = p[0]!.map((x, i) => {
      const t = y[0]![i]!;
      return -t * Math.log(x + eps) - (1 - t) * Math.log(1 - x + eps);
    });
    close(await value(losses.logLoss({ labels: t2(y), predictions: t2(p) })), per.reduce((a, b) => a + b) / 4);
  });

  it('meanPairwiseSquaredError: the mean over pairs i < j of ((y_i - y_j) - (p_i - p_j))², then weighted', async () => {
    const pairwise = (ys: number[], ps: number[]) => {
      let sum = 0;
      let n = 0;
      for (let i = 0; i < ys.length; i++) {
        for (let j = i + 1; j < ys.length; j++) {
          sum += (ys[i]! - ys[j]! - (ps[i]! - ps[j]!)) ** 2;
          n++;
        }
      }
      return sum / n;
    };
    const per = labels.map((row, i) => pairwise(row, predictions[i]!));
    // TF's sums form: 2 Σd²/(n-1) - 2 (Σd)²/(n(n-1)) = (n Σd² - (Σd)²) / (n(n-1)/2), the mean over unordered pairs.
    const perTf = per;
    const loss = losses.meanPairwiseSquaredError({ labels: t2(labels), predictions: t2(predictions) });
    close(await value(loss), (perTf[0]! + perTf[1]!) / 2, 3);
    const w = tf.tensor1d([2, 0.5]);
    const weighted = losses.meanPairwiseSquaredError({ labels: t2(labels), predictions: t2(predictions), weights: w });
    close(await value(weighted), (2 * perTf[0]! + 0.5 * perTf[1]!) / 2, 3);
  });

  it('sigmoidCrossEntropy: y log σ(z) terms per element, weights [batch, 1], reduction NONE keeps the shape', async () => {
    const z = [
      [1, -1],
      [0.5, 2],
    ];
    const y = [
      [1, 0],
      [0, 1],
    ];
    const per = z.map((row, i) =>
      row.map((x, j) => {
        const p = 1 / (1 + Math.exp(-x));
        return -(y[i]![j]! * Math.log(p) + (1 - y[i]![j]!) * Math.log(1 - p));
      }),
    );
    const args = { multiClassLabels: t2(y), logits: t2(z), weights: tf.tensor2d([[2], [0]]) };
    close(await value(losses.sigmoidCrossEntropy({ ...args, reduction: Reduction.NONE })), [
      [2 * per[0]![0]!, 2 * per[0]![1]!],
      [0, 0],
    ]);
    close(await value(losses.sigmoidCrossEntropy(args)), (2 * (per[0]![0]! + per[0]![1]!)) / 2);
  });

  it('sparseSoftmaxCrossEntropy: -log softmax(logits)[label], weights [batch] or [batch, 1]', async () => {
    const z = [
      [1, 2, 3],
      [0.5, -1, 2],
    ];
    const ids = [2, 0];
    const per = z.map((row, i) => {
      const m = Math.max(...row);
      const lse = m + Math.log(row.reduce((a, x) => a + Math.exp(x - m), 0));
      return lse - row[ids[i]!]!;
    });
    close(
      await value(losses.sparseSoftmaxCrossEntropy({ labels: tf.tensor1d(ids, 'int32'), logits: t2(z) })),
      (per[0]! + per[1]!) / 2,
    );
    for (const weights of [tf.tensor1d([3, 0]), tf.tensor2d([[3], [0]])]) {
      const loss = losses.sparseSoftmaxCrossEntropy({
        labels: tf.tensor2d([[2], [0]], [2, 1], 'int32'),
        logits: t2(z),
        weights,
      });
      close(await value(loss), 3 * per[0]!);
    }
  });
});

describe('losses: weights and reduction (TF compute_weighted_loss)', () => {
  const squares = labels.map((row, i) => row.map((y, j) => (predictions[i]![j]! - y) ** 2));
  const weightCases: [string, number | Grid][] = [
    ['scalar', 0.5],
    ['[batch, 1]', [[1.2], [0]]],
    ['[1, d]', [[0, 2, 1]]],
    [
      'full shape',
      [
        [1, 0, 2],
        [0, 0, 3],
      ],
    ],
    ['zero scalar', 0],
  ];
  for (const [name, w] of weightCases) {
    for (const reduction of new Set(Object.values(Reduction))) {
      it(`meanSquaredError, weights ${name}, reduction ${reduction}`, async () => {
        const weights = typeof w === 'number' ? w : tf.tensor2d(w);
        const loss = losses.meanSquaredError({ labels: t2(labels), predictions: t2(predictions), weights, reduction });
        if (reduction === 'none') expect(loss.shape).toEqual([2, 3]);
        else expect(loss.rank).toBe(0);
        close(await value(loss), reduceRef(squares, w, reduction), 3);
      });
    }
  }

  it('refuses weights that TF cannot broadcast, an unknown reduction and a misspelled option, in one line each', () => {
    const args = { labels: t2(labels), predictions: t2(predictions) };
    expect(() => losses.meanSquaredError({ ...args, weights: tf.tensor1d([1, 2]) })).toThrow(
      /losses\.meanSquaredError\(\): weights of shape \[2\] cannot scale losses of shape \[2,3\].*reshape them to \[2, 1\]/,
    );
    expect(() => losses.meanSquaredError({ ...args, weights: tf.tensor2d([[1, 2]]) })).toThrow(/cannot scale losses/);
    expect(() => losses.meanSquaredError({ ...args, reduction: 'mean' as never })).toThrow(
      /reduction must be one of Reduction\.NONE.*Received "mean"/,
    );
    expect(() => losses.meanSquaredError({ ...args, weight: 2 } as never)).toThrow(/unknown option "weight"/);
    expect(() => losses.softmaxCrossEntropy({ onehotLabels: t2([[1, 0]]), logits: t2([[1, 2, 3]]) })).toThrow(
      /onehotLabels and logits must have the same shape/,
    );
    expect(() => losses.huberLoss({ ...args, delta: 0 })).toThrow(/delta must be a number > 0/);
  });
});

describe('losses: gradients and memory', () => {
  it('softmaxCrossEntropy with smoothing: d loss / d logits = (softmax - smoothed labels) / batch, none into labels', () => {
    const z = tf.tensor2d([
      [1, 2, 3],
      [3, 0, -1],
    ]);
    const y = tf.tensor2d([
      [0, 0, 1],
      [1, 0, 0],
    ]);
    const s = 0.3;
    const [dy, dz] = tf.grads((yy: tf.Tensor, zz: tf.Tensor) =>
      losses.softmaxCrossEntropy({ onehotLabels: yy, logits: zz, labelSmoothing: s }),
    )([y, z]);
    const zs = z.arraySync() as Grid;
    const ys = y.arraySync() as Grid;
    const expected = zs.map((row, i) => {
      const e = row.map(Math.exp);
      const total = e.reduce((a, b) => a + b);
      return e.map((x, j) => (x / total - (ys[i]![j]! * (1 - s) + s / 3)) / 2);
    });
    close(dz!.arraySync(), expected, 5);
    close(dy!.arraySync(), [
      [0, 0, 0],
      [0, 0, 0],
    ]);
    tf.dispose([z, y, dz!, dy!]);
  });

  it('huberLoss gradient: x where |x| <= delta, delta * sign(x) beyond, divided by the count', () => {
    const p = tf.tensor2d([[0.5, -3, 2]]);
    const y = tf.zeros([1, 3]);
    const g = tf.grad((pp: tf.Tensor) => losses.huberLoss({ labels: y, predictions: pp, delta: 2 }))(p);
    close(g.arraySync(), [[0.5 / 3, -2 / 3, 2 / 3]], 5);
    tf.dispose([p, y, g]);
  });

  it('every loss leaks nothing', async () => {
    const y = t2(labels);
    const p = t2(predictions);
    const probs = tf.sigmoid(p);
    const y01 = tf.tensor2d([
      [1, 0, 1],
      [0, 1, 0],
    ]);
    const w = tf.tensor2d([[1], [0]]);
    const two = tf.scalar(2);
    const perExample = tf.tensor1d([1, 2]);
    const ids = tf.tensor2d([[0], [2]], [2, 1], 'int32');
    await expectNoLeaks(() => {
      const out = [
        losses.meanSquaredError({ labels: y, predictions: p, weights: w }),
        losses.absoluteDifference({ labels: y, predictions: p, reduction: Reduction.MEAN }),
        losses.huberLoss({ labels: y, predictions: p }),
        losses.logLoss({ labels: y01, predictions: probs }),
        losses.hingeLoss({ labels: y01, logits: p }),
        losses.cosineDistance({ labels: y, predictions: p, axis: 1, weights: w }),
        losses.meanPairwiseSquaredError({ labels: y, predictions: p, weights: two }),
        losses.sigmoidCrossEntropy({ multiClassLabels: y01, logits: p, labelSmoothing: 0.2 }),
        losses.softmaxCrossEntropy({ onehotLabels: y01, logits: p, weights: perExample }),
        losses.sparseSoftmaxCrossEntropy({ labels: ids, logits: p, weights: w }),
        losses.computeWeightedLoss(p, { reduction: Reduction.NONE }),
      ];
      tf.dispose(out);
    });
    tf.dispose([y, p, probs, y01, w, two, perExample, ids]);
  });
});
