// Reference models with a hand-written tfjs-core training loop (no tfjs-layers), shared by run.mjs and probes.
import { tf } from './deps.mjs';

function glorot(shape, fanIn, fanOut, seed) {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  return tf.variable(tf.randomUniform(shape, -limit, limit, 'float32', seed));
}

/** conv 5x5x20 relu → maxpool 2 → conv 5x5x40 relu → maxpool 2 → flatten → dense 256 relu → dense 10. */
export function makeCnn(seed = 1) {
  const v = {
    c1: glorot([5, 5, 1, 20], 25, 500, seed),
    b1: tf.variable(tf.zeros([20])),
    c2: glorot([5, 5, 20, 40], 500, 1000, seed + 1),
    b2: tf.variable(tf.zeros([40])),
    d1: glorot([7 * 7 * 40, 256], 1960, 256, seed + 2),
    e1: tf.variable(tf.zeros([256])),
    d2: glorot([256, 10], 256, 10, seed + 3),
    e2: tf.variable(tf.zeros([10])),
  };
  const logits = (x) => {
    let h = tf.relu(tf.add(tf.conv2d(x, v.c1, 1, 'same'), v.b1));
    h = tf.maxPool(h, 2, 2, 'same');
    h = tf.relu(tf.add(tf.conv2d(h, v.c2, 1, 'same'), v.b2));
    h = tf.maxPool(h, 2, 2, 'same');
    h = tf.reshape(h, [-1, 7 * 7 * 40]);
    h = tf.relu(tf.add(tf.matMul(h, v.d1), v.e1));
    return tf.add(tf.matMul(h, v.d2), v.e2);
  };
  return { vars: v, logits, inputShape: [28, 28, 1] };
}

/** 784-256-10 MLP, optionally with dropout and batch normalisation on the hidden layer. */
export function makeMlp(seed = 1, { dropout = 0, batchNorm = false } = {}) {
  const v = {
    w1: glorot([784, 256], 784, 256, seed),
    b1: tf.variable(tf.zeros([256])),
    w2: glorot([256, 10], 256, 10, seed + 1),
    b2: tf.variable(tf.zeros([10])),
  };
  if (batchNorm) {
    v.gamma = tf.variable(tf.ones([256]));
    v.beta = tf.variable(tf.zeros([256]));
  }
  const logits = (x) => {
    let h = tf.add(tf.matMul(x, v.w1), v.b1);
    if (batchNorm) {
      const { mean, variance } = tf.moments(h, 0);
      h = tf.batchNorm(h, mean, variance, v.beta, v.gamma, 1e-3);
    }
    h = tf.relu(h);
    if (dropout > 0) h = tf.dropout(h, dropout, undefined, seed);
    return tf.add(tf.matMul(h, v.w2), v.b2);
  };
  return { vars: v, logits, inputShape: [784] };
}

export function makeOptimizer(name, lr = 1e-3) {
  if (name === 'adam') return tf.train.adam(lr);
  if (name === 'rmsprop') return tf.train.rmsprop(lr);
  if (name === 'momentum') return tf.train.momentum(lr * 10, 0.9);
  return tf.train.sgd(lr * 10);
}

/** A fixed random batch (x, one-hot y). */
export function makeBatch(inputShape, batch, seed = 7) {
  const x = tf.randomUniform([batch, ...inputShape], 0, 1, 'float32', seed);
  const labels = tf.randomUniform([batch], 0, 10, 'int32', seed + 1);
  const oh = tf.oneHot(labels, 10);
  const y = tf.cast(oh, 'float32');
  oh.dispose();
  labels.dispose();
  return { x, y };
}

/** One training step; returns the loss tensor (caller disposes). */
export function trainStep(model, optimizer, x, y) {
  return optimizer.minimize(() => tf.losses.softmaxCrossEntropy(y, model.logits(x)), true);
}
