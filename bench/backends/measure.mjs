// One benchmark cell, run in a fresh process by run.mjs.
import { backends, loadCpu, loadLayers, loadWasm, tf } from './deps.mjs';
import { makeBatch, makeCnn, makeMlp, makeOptimizer, trainStep } from './models.mjs';

async function selectBackend(config) {
  if (config === 'wasm-ours') {
    await backends.useBackend('wasm');
    return;
  }
  if (config === 'wasm-ours-2t') {
    await backends.useBackend('wasm', { threads: 2 });
    return;
  }
  // Stock: plain tfjs packages, no @estimatorjs kernels (gradients still needed).
  await backends.registerGradients();
  if (config === 'cpu-stock') await loadCpu();
  else await loadWasm();
  const name = config === 'cpu-stock' ? 'cpu' : 'wasm';
  if (!(await tf.setBackend(name))) throw new Error(`setBackend(${name}) failed`);
  await tf.ready();
}

async function timeLoop(step, batch, secs) {
  await step(); // warm-up (optimizer slots, kernel setup)
  let n = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < secs * 1000 || n < 1) {
    await step();
    n++;
  }
  const dt = (performance.now() - t0) / 1000;
  return { steps: n, seconds: dt, examplesPerSec: (n * batch) / dt };
}

function layersModel(tfl, model) {
  const m = tfl.sequential();
  if (model === 'mlp') {
    m.add(tfl.layers.dense({ inputShape: [784], units: 256, activation: 'relu' }));
    m.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
  } else {
    m.add(
      tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 20, kernelSize: 5, padding: 'same', activation: 'relu' }),
    );
    m.add(tfl.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: 'same' }));
    m.add(tfl.layers.conv2d({ filters: 40, kernelSize: 5, padding: 'same', activation: 'relu' }));
    m.add(tfl.layers.maxPooling2d({ poolSize: 2, strides: 2, padding: 'same' }));
    m.add(tfl.layers.flatten());
    m.add(tfl.layers.dense({ units: 256, activation: 'relu' }));
    m.add(tfl.layers.dense({ units: 10, activation: 'softmax' }));
  }
  m.compile({ optimizer: tf.train.adam(1e-3), loss: 'categoricalCrossentropy' });
  return m;
}

export async function measure({ config, model, loop, secs }) {
  await selectBackend(config);
  const batch = model === 'mlp' ? 64 : 32;
  if (loop === 'core') {
    const m = model === 'mlp' ? makeMlp() : makeCnn();
    const opt = makeOptimizer('adam');
    const { x, y } = makeBatch(m.inputShape, batch);
    return timeLoop(
      async () => {
        const loss = trainStep(m, opt, x, y);
        await loss.data();
        loss.dispose();
      },
      batch,
      secs,
    );
  }
  const tfl = await loadLayers();
  const m = layersModel(tfl, model);
  const { x, y } = makeBatch(model === 'mlp' ? [784] : [28, 28, 1], batch);
  return timeLoop(
    async () => {
      await m.fit(x, y, { batchSize: batch, epochs: 1, verbose: 0 });
    },
    batch,
    secs,
  );
}
