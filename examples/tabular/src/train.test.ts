/**
 * The example end to end on Debian's table: trains to the accuracy the README states, and the exported GraphModel
 * (tfjs-converter's own loader) classifies the held-out rows as the estimator does, fed vocabulary ids.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describeWithTool, loadGraphModelFromDir, setupTestBackend, tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_TRAIN_STEPS } from './flags.js';
import { DEBIAN_PENGUINS, NUMERIC, SPECIES, VOCABULARIES } from './penguins.js';
import { predict, train } from './run.js';

const penguins = {
  name: "Debian's Palmer penguins table (r-cran-palmerpenguins)",
  missing: existsSync(DEBIAN_PENGUINS) ? null : `${DEBIAN_PENGUINS} does not exist`,
  install: 'apt-get install --no-install-recommends r-cran-palmerpenguins',
};

const tmp = tempModelDir('estimatorjs-tabular-train-');
beforeAll(() => setupTestBackend('cpu'));
afterAll(() => tmp.cleanup());

/** The README's stated accuracy on the held-out rows after the default steps. */
const STATED_ACCURACY = 0.95;

describeWithTool({ describe, it }, penguins, 'tabular example on the penguins table', () => {
  const flags = {
    data: DEBIAN_PENGUINS,
    modelDir: join(tmp.dir, 'model'),
    trainSteps: DEFAULT_TRAIN_STEPS,
    batchSize: 32,
    seed: 1,
    hparams: '',
  };
  const silent = () => {};

  it('trains to the stated accuracy, writes TensorBoard files, and the exported graph agrees with the estimator', async () => {
    const report = await train(flags, silent);
    expect(report.metrics.globalStep).toBe(DEFAULT_TRAIN_STEPS);
    expect(report.metrics.accuracy).toBeGreaterThanOrEqual(STATED_ACCURACY);
    expect(report.table.evalRows).toBe(68);
    expect(readdirSync(flags.modelDir).some((f) => f.startsWith('events.out.tfevents.'))).toBe(true);
    expect(readdirSync(join(flags.modelDir, 'eval')).some((f) => f.startsWith('events.out.tfevents.'))).toBe(true);

    const { right, total } = await predict(flags, silent);
    expect(right / total).toBeCloseTo(report.metrics.accuracy!, 6);

    // the exported graph, fed the evaluation rows with island and sex as vocabulary ids
    const vocab = JSON.parse(readFileSync(join(report.exportDir, 'vocabularies.json'), 'utf8'));
    expect(vocab.island).toEqual(VOCABULARIES.island);
    const [head, ...lines] = readFileSync(report.table.evalFile, 'utf8').trim().split('\n');
    const cols = head!.split(',');
    const rows = lines.map((l) => l.split(','));
    const col = (name: string) => rows.map((r) => r[cols.indexOf(name)]!);
    const inputs: Record<string, tf.Tensor> = {};
    for (const key of NUMERIC) inputs[key] = tf.tensor1d(col(key).map(Number));
    for (const key of ['island', 'sex'] as const) {
      inputs[key] = tf.tensor1d(
        col(key).map((v) => (vocab[key] as string[]).indexOf(v)),
        'int32',
      );
    }
    const model = await loadGraphModelFromDir(join(report.exportDir, 'graph_model'));
    // serving_default is TF's classify signature: `scores`, the class probabilities
    const scores = model.execute(inputs, 'scores') as tf.Tensor;
    const argmax = tf.argMax(scores, 1);
    const ids = Array.from(await argmax.data());
    tf.dispose([scores, argmax, ...Object.values(inputs)]);
    model.dispose();
    const truth = col('species').map((s) => (SPECIES as readonly string[]).indexOf(s));
    const graphRight = ids.filter((id, i) => id === truth[i]).length;
    expect(graphRight).toBe(right);
  }, 300_000);
});
