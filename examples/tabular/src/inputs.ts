/** The input_fns: batches straight from the split CSV files through makeCsvDataset (TF's make_csv_dataset). */
import { makeCsvDataset } from '@estimatorjs/data/node';
import type { InputFn } from '@estimatorjs/estimator';
import { LABEL, NA } from './penguins.js';

/** Training: shuffled rows, repeated forever, full batches (TF's make_csv_dataset defaults). */
export function trainInputFn(file: string, batchSize: number, seed: number | undefined): InputFn {
  return () =>
    makeCsvDataset(file, batchSize, {
      labelName: LABEL,
      naValue: NA,
      ...(seed !== undefined ? { shuffleSeed: seed } : {}),
    });
}

/** Evaluation: one pass in file order. */
export function evalInputFn(file: string, batchSize: number): InputFn {
  return () => makeCsvDataset(file, batchSize, { labelName: LABEL, naValue: NA, numEpochs: 1, shuffle: false });
}

/** Prediction: the features of the first `count` rows (the label column left out). */
export function predictInputFn(file: string, count: number): InputFn {
  return async () => {
    const ds = await makeCsvDataset(file, count, { labelName: LABEL, naValue: NA, numEpochs: 1, shuffle: false });
    return ds.take(1).map((el: unknown) => {
      const [features, label] = el as unknown as [Record<string, unknown>, { dispose(): void }];
      label.dispose();
      return features as never;
    });
  };
}
