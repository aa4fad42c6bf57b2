/**
 * What the CLI runs: check and split the table, train the wide-and-deep classifier, evaluate it, export it; and
 * predict with a trained one. Separate from the CLI so tests run it in-process.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { csvDataset } from '@estimatorjs/data';
import { fileSource } from '@estimatorjs/data/node';
import { HParams, RunConfig } from '@estimatorjs/estimator';
import { exportPenguins } from './export-model.js';
import type { Flags } from './flags.js';
import { evalInputFn, predictInputFn, trainInputFn } from './inputs.js';
import { DEFAULT_PARAMS, makeEstimator, type TabularParams } from './model.js';
import { DEBIAN_PENGUINS, LABEL, type PreparedTable, prepareTable, TabularError } from './penguins.js';

export type RunFlags = Omit<Flags, 'command' | 'help' | 'backend'>;

/** The table at `path`, checked and split into `<model_dir>/data/{train,eval}.csv`. */
export async function loadTable(flags: RunFlags): Promise<PreparedTable> {
  if (!existsSync(flags.data)) {
    const hint =
      flags.data === DEBIAN_PENGUINS
        ? "Install Debian's copy (apt-get install r-cran-palmerpenguins) or pass --data path/to/penguins.csv"
        : 'Pass --data with an existing CSV file';
    throw new TabularError('TABLE_MISSING', `tabular: the table ${flags.data} does not exist. ${hint}.`);
  }
  return prepareTable(flags.data, join(flags.modelDir, 'data'));
}

function params(flags: RunFlags): TabularParams {
  const hp = new HParams({
    dnn_learning_rate: DEFAULT_PARAMS.dnn_learning_rate,
    linear_learning_rate: DEFAULT_PARAMS.linear_learning_rate,
    hidden_units: [...DEFAULT_PARAMS.hidden_units],
  }).parse(flags.hparams);
  return {
    dnn_learning_rate: hp.get('dnn_learning_rate'),
    linear_learning_rate: hp.get('linear_learning_rate'),
    hidden_units: hp.get('hidden_units'),
  };
}

function config(flags: RunFlags): RunConfig {
  return new RunConfig({
    modelDir: flags.modelDir,
    saveCheckpointsSteps: 500,
    saveSummarySteps: 50,
    logStepCountSteps: 250,
    randomSeed: flags.seed,
  });
}

/** What a training run reports. */
export interface TrainReport {
  readonly table: PreparedTable;
  readonly metrics: Readonly<Record<string, number>>;
  readonly exportDir: string;
}

/** Trains to `trainSteps`, evaluates on the held-out rows, exports. */
export async function train(flags: RunFlags, log: (line: string) => void): Promise<TrainReport> {
  const table = await loadTable(flags);
  log(
    `Data: ${flags.data}: ${table.trainRows} training rows, ${table.evalRows} evaluation rows (${table.skippedRows} without body measurements left out).`,
  );
  const est = makeEstimator(config(flags), table.stats, params(flags), log);
  try {
    await est.train(trainInputFn(table.trainFile, flags.batchSize, flags.seed), { maxSteps: flags.trainSteps });
    const metrics = await est.evaluate(evalInputFn(table.evalFile, flags.batchSize));
    const exportDir = await exportPenguins(est);
    return { table, metrics: metrics as Record<string, number>, exportDir };
  } finally {
    est.dispose();
  }
}

/**
 * Predicts the species of every evaluation row with the latest checkpoint and prints `shown` of them, spread over
 * the table (it is sorted by species). Returns how many of all were right.
 */
export async function predict(
  flags: RunFlags,
  log: (line: string) => void,
  shown = 10,
): Promise<{ right: number; total: number }> {
  const table = await loadTable(flags);
  const truth: string[] = [];
  const labels = csvDataset(await fileSource(table.evalFile), {
    selectColumns: [LABEL],
    columnDefaults: { [LABEL]: '' },
  });
  for await (const r of labels) truth.push(String(r[LABEL]));
  const est = makeEstimator(config(flags), table.stats, params(flags), log);
  const every = Math.max(1, Math.floor(truth.length / shown));
  let right = 0;
  let i = 0;
  try {
    for await (const p of est.predict(predictInputFn(table.evalFile, truth.length))) {
      const { classes, probabilities, class_ids } = p as unknown as {
        classes: string[];
        probabilities: Float32Array;
        class_ids: Int32Array;
      };
      const predicted = String(classes[0]);
      const ok = predicted === truth[i];
      if (ok) right++;
      if (i % every === 0) {
        log(
          `eval row ${i + 1}: ${truth[i]}, predicted ${predicted} (probability ${probabilities[class_ids[0]!]!.toFixed(3)})${ok ? '' : '  ✗'}`,
        );
      }
      i++;
    }
  } finally {
    est.dispose();
  }
  log(`${right} of ${i} evaluation rows predicted right.`);
  return { right, total: i };
}
