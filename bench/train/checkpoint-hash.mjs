// Does a change keep training's numbers? Trains the bench's MLP (40 steps) and the example's CNN (3 steps) through
// Estimator.train on the bench's own input pipeline, on each backend named, and prints one SHA-256 per backend and
// model over every checkpointed variable (names, shapes and bytes, sorted by name), and the last step's loss. Same hashes before and after a
// change = bit-identical checkpoints. Run before and after, from the two builds, and compare.
// Usage: node bench/train/checkpoint-hash.mjs [--backends native,wasm,cpu] [--models mlp,cnn]
// (one child process per backend: 'native' and 'wasm' cannot share a process)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { backends, data, est, tf } from './deps.mjs';
import { MODELS, makeData, modelFnFor } from './models.mjs';

const args = process.argv.slice(2);
const opt = (f, d) => (args.indexOf(`--${f}`) >= 0 ? args[args.indexOf(`--${f}`) + 1] : d);
const names = opt('backends', 'native,wasm,cpu').split(',');
const models = opt('models', 'mlp,cnn').split(',');
const steps = { mlp: 40, cnn: 3 };

if (names.length > 1) {
  for (const backend of names) {
    const argv = [fileURLToPath(import.meta.url), '--backends', backend, '--models', models.join(',')];
    const r = spawnSync(process.execPath, argv, { stdio: 'inherit' });
    if (r.status !== 0) process.exitCode = 1;
  }
} else {
  await hashOn(names[0]);
}

async function hashOn(backend) {
  await backends.useBackend(backend, { threads: 1 });
  for (const model of models) {
    const { batch } = MODELS[model];
    const before = tf.memory().numTensors;
    const { x, labels } = makeData(model, steps[model] * batch);
    const { modelFn, params } = modelFnFor(model);
    let finalLoss = '?';
    const estimator = new est.Estimator({
      modelFn,
      params,
      config: new est.RunConfig({ storage: new est.MemoryStorage(`hash-${backend}-${model}`), randomSeed: 1 }),
      log: (line) => {
        const m = /Loss for final step: ([^;]+);/.exec(line);
        if (m) finalLoss = m[1];
      },
    });
    await estimator.train(() => data.Dataset.fromTensorSlices([x, labels]).batch(batch), { steps: steps[model] });
    const hash = createHash('sha256');
    for (const name of (await estimator.getVariableNames()).sort()) {
      const v = await estimator.getVariableValue(name);
      const bytes = await v.data();
      hash.update(`${name}:${v.shape}:`);
      hash.update(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      v.dispose();
    }
    estimator.dispose();
    tf.dispose([x, labels]);
    console.log(
      `${backend} ${model} ${hash.digest('hex').slice(0, 16)} (final loss ${finalLoss}, tensors ${tf.memory().numTensors - before})`,
    );
  }
}
