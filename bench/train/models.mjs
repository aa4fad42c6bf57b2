// The two benchmark models, each written three ways so the loops compute the same math:
//   - a model_fn for Estimator.train (the CNN is examples/mnist's mnistModelFn itself),
//   - a hand-written tfjs-core loop (tf.variable + optimizer.minimize), and
//   - a tfjs-layers Sequential for model.fit.
// Loss everywhere: mean softmax cross-entropy; optimizer: Adam.
import { est, mnist, tf } from './deps.mjs';

export const MODELS = {
  mlp: { name: 'MLP 784-256-10', batch: 128, inputShape: [784], lr: 1e-3 },
  cnn: { name: 'CNN (examples/mnist)', batch: 128, inputShape: [28, 28, 1], lr: 0.002, dropout: 0.5 },
};

/** Synthetic MNIST-shaped data: `n` images in [0, 1) and int32 labels in [0, 10). Deterministic. */
export function makeData(model, n) {
  const { inputShape } = MODELS[model];
  const x = tf.randomUniform([n, ...inputShape], 0, 1, 'float32', 7);
  const labels = tf.randomUniform([n], 0, 10, 'int32', 8);
  return { x, labels };
}

/** The MLP as a model_fn: dense(256, relu) → dense(10) → sparse softmax cross-entropy, Adam. */
export const mlpModelFn = (features, labels, mode, params) => {
  const h = est.layers.dense(features, 256, { activation: 'relu', name: 'fc1' });
  const logits = est.layers.dense(h, 10, { name: 'logits' });
  const loss = est.losses.sparseSoftmaxCrossEntropy({ labels, logits });
  return { mode, loss, trainOp: new est.AdamOptimizer({ learningRate: params.learning_rate }).minimize(loss) };
};

/** The model_fn and params Estimator.train uses for `model`. */
export function modelFnFor(model) {
  if (model === 'mlp') return { modelFn: mlpModelFn, params: { learning_rate: MODELS.mlp.lr } };
  return { modelFn: mnist.mnistModelFn, params: { learning_rate: MODELS.cnn.lr, dropout_rate: MODELS.cnn.dropout } };
}

function glorot(shape, fanIn, fanOut, seed) {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const init = tf.randomUniform(shape, -limit, limit, 'float32', seed);
  const v = tf.variable(init);
  init.dispose();
  return v;
}

function zeros(shape) {
  const init = tf.zeros(shape);
  const v = tf.variable(init);
  init.dispose();
  return v;
}

function sparseXent(labels, logits) {
  const oneHot = tf.oneHot(tf.cast(labels, 'int32'), 10);
  return tf.mean(tf.neg(tf.sum(tf.mul(oneHot, tf.logSoftmax(logits)), -1)));
}

/**
 * The hand-written tfjs-core version of `model`: variables plus `step(x, labels)` that runs one Adam step and
 * returns the loss tensor (the caller reads and disposes it). Same ops as the model_fn, including the CNN's
 * dropout and its train-accuracy tensor.
 */
export function makeCoreModel(model) {
  const cfg = MODELS[model];
  let step = 0;
  let v;
  let logits;
  if (model === 'mlp') {
    v = {
      w1: glorot([784, 256], 784, 256, 1),
      b1: zeros([256]),
      w2: glorot([256, 10], 256, 10, 2),
      b2: zeros([10]),
    };
    logits = (x) => tf.add(tf.matMul(tf.relu(tf.add(tf.matMul(x, v.w1), v.b1)), v.w2), v.b2);
  } else {
    v = {
      c1: glorot([5, 5, 1, 20], 25, 500, 1),
      b1: zeros([20]),
      c2: glorot([5, 5, 20, 40], 500, 1000, 2),
      b2: zeros([40]),
      d1: glorot([7 * 7 * 40, 256], 1960, 256, 3),
      e1: zeros([256]),
      d2: glorot([256, 256], 256, 256, 4),
      e2: zeros([256]),
      d3: glorot([256, 10], 256, 10, 5),
      e3: zeros([10]),
    };
    const rate = cfg.dropout;
    logits = (x) => {
      let h = tf.reshape(x, [-1, 28, 28, 1]);
      h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, v.c1, 1, 'same'), v.b1)), 2, 2, 'valid');
      h = tf.maxPool(tf.relu(tf.add(tf.conv2d(h, v.c2, 1, 'same'), v.b2)), 2, 2, 'valid');
      h = tf.reshape(h, [-1, 7 * 7 * 40]);
      h = tf.dropout(tf.relu(tf.add(tf.matMul(h, v.d1), v.e1)), rate, undefined, step * 2 + 1);
      h = tf.dropout(tf.relu(tf.add(tf.matMul(h, v.d2), v.e2)), rate, undefined, step * 2 + 2);
      return tf.add(tf.matMul(h, v.d3), v.e3);
    };
  }
  // The estimator's Adam (TF's update, one fused kernel per variable where the backend has it), so the loop does the
  // same update as Estimator.train and the overhead measured is the Estimator's own, not an optimizer's.
  const optimizer = new est.AdamOptimizer({ learningRate: cfg.lr }).create(cfg.lr);
  return {
    vars: v,
    step(x, labels) {
      step++;
      return optimizer.minimize(() => {
        const out = logits(x);
        if (model === 'cnn') {
          // mnistModelFn also computes the train accuracy every step
          tf.mean(tf.cast(tf.equal(tf.argMax(out, 1), tf.cast(labels, 'int32')), 'float32'));
        }
        return sparseXent(labels, out);
      }, true);
    },
    dispose() {
      tf.dispose(Object.values(v));
      optimizer.dispose();
    },
  };
}

/** The tfjs-layers version of `model`, compiled with Adam and categorical cross-entropy (softmax output). */
export function makeLayersModel(tfl, model) {
  const cfg = MODELS[model];
  const m = tfl.sequential();
  if (model === 'mlp') {
    m.add(tfl.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }));
  } else {
    m.add(
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 20, kernelSize: 5, padding: 'same', activation: 'relu' }),
    );
    m.add(tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
    m.add(tfl.layers.conv2d({ filters: 40, kernelSize: 5, padding: 'same', activation: 'relu' }));
    m.add(tfl.layers.maxPooling2d({ poolSize: 2, strides: 2 }));
    m.add(tfl.layers.flatten());
    m.add(tfl.layers.dense({ units: 256, activation: 'relu' }));
    m.add(tfl.layers.dropout({ rate: cfg.dropout }));
    m.add(tfl.layers.dense({ units: 256, activation: 'relu' }));
    m.add(tfl.layers.dropout({ rate: cfg.dropout }));
  }
  m.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
  m.compile({ optimizer: tf.train.adam(cfg.lr), loss: 'sparseCategoricalCrossentropy' });
  return m;
}
