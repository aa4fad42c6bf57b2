/**
 * The wide-and-deep model of the census tutorial, on penguins: the linear ("wide") part memorizes island, sex and
 * flipper-length buckets; the DNN ("deep") part sees the normalized body measurements and one-hot island and sex.
 */
import { DNNLinearCombinedClassifier, featureColumn } from '@estimatorjs/canned';
import { AdagradOptimizer, FtrlOptimizer, type RunConfig } from '@estimatorjs/estimator';
import * as tf from '@tensorflow/tfjs-core';
import { NUMERIC, type PreparedTable, SPECIES, VOCABULARIES } from './penguins.js';

/** The hyperparameters the CLI can override (`--hparams`). */
export interface TabularParams {
  readonly dnn_learning_rate: number;
  readonly linear_learning_rate: number;
  readonly hidden_units: readonly number[];
}

export const DEFAULT_PARAMS: TabularParams = {
  dnn_learning_rate: 0.1,
  linear_learning_rate: 0.1,
  hidden_units: [16, 8],
};

/** The feature columns: wide (categorical) and deep (dense). */
export function featureColumns(stats: PreparedTable['stats']) {
  const island = featureColumn.categoricalColumnWithVocabularyList('island', [...VOCABULARIES.island]);
  const sex = featureColumn.categoricalColumnWithVocabularyList('sex', [...VOCABULARIES.sex]);
  const flipperBuckets = featureColumn.bucketizedColumn(
    featureColumn.numericColumn('flipper_length_mm'),
    [185, 190, 195, 200, 205, 210, 215, 220],
  );
  const measurements = NUMERIC.map((key) => {
    const { mean, std } = stats[key];
    return featureColumn.numericColumn(key, { normalizerFn: (x) => tf.div(tf.sub(x, mean), std) });
  });
  return {
    wide: [island, sex, flipperBuckets],
    deep: [...measurements, featureColumn.indicatorColumn(island), featureColumn.indicatorColumn(sex)],
  };
}

/** The estimator: TF's DNNLinearCombinedClassifier with Ftrl on the wide part and Adagrad on the deep one. */
export function makeEstimator(
  config: RunConfig,
  stats: PreparedTable['stats'],
  params: TabularParams = DEFAULT_PARAMS,
  log?: (line: string) => void,
): DNNLinearCombinedClassifier {
  const { wide, deep } = featureColumns(stats);
  return new DNNLinearCombinedClassifier({
    linearFeatureColumns: wide,
    linearOptimizer: new FtrlOptimizer({ learningRate: params.linear_learning_rate }),
    dnnFeatureColumns: deep,
    dnnHiddenUnits: params.hidden_units,
    dnnOptimizer: new AdagradOptimizer({ learningRate: params.dnn_learning_rate }),
    nClasses: SPECIES.length,
    labelVocabulary: [...SPECIES],
    config,
    ...(log ? { log } : {}),
  });
}
