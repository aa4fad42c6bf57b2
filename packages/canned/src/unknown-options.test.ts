import { describe, expect, it } from 'vitest';
import { CannedError } from './errors.js';
import { BaselineRegressor } from './estimators/baseline.js';
import { DNNClassifier, DNNRegressor } from './estimators/dnn.js';
import { DNNLinearCombinedClassifier } from './estimators/dnn-linear-combined.js';
import { LinearClassifier } from './estimators/linear.js';
import * as featureColumn from './feature-column/index.js';
import { binaryClassificationHead } from './heads/binary-head.js';
import { multiClassHead } from './heads/multi-class-head.js';
import { regressionHead } from './heads/regression-head.js';
import { categoricalColumnWithVocabularyFile } from './node/vocabulary-file-column.js';

const age = featureColumn.numericColumn('age');
const color = featureColumn.categoricalColumnWithVocabularyList('color', ['red', 'blue']);

describe("options objects refuse unknown keys, naming the nearest known one (TF's snake_case included)", () => {
  const cases: [string, () => unknown, RegExp][] = [
    [
      'DNNClassifier',
      () => new DNNClassifier({ featureColumns: [age], hidden_units: [8] } as never),
      /^new DNNClassifier\(\): unknown option "hidden_units"\. Did you mean "hiddenUnits"\? Known options: "config", /,
    ],
    [
      'DNNRegressor',
      () => new DNNRegressor({ featureColumns: [age], hiddenUnits: [8], label_dimension: 2 } as never),
      /^new DNNRegressor\(\): unknown option "label_dimension"\. Did you mean "labelDimension"\?/,
    ],
    [
      'LinearClassifier',
      () => new LinearClassifier({ featureColumns: [age], n_classes: 3 } as never),
      /^new LinearClassifier\(\): unknown option "n_classes"\. Did you mean "nClasses"\?/,
    ],
    [
      'BaselineRegressor',
      () => new BaselineRegressor({ optimiser: 'Adam' } as never),
      /^new BaselineRegressor\(\): unknown option "optimiser"\. Did you mean "optimizer"\?/,
    ],
    [
      'DNNLinearCombinedClassifier',
      () =>
        new DNNLinearCombinedClassifier({
          linearFeatureColumns: [color],
          dnnFeatureColumns: [age],
          dnn_hidden_units: [4],
        } as never),
      /^new DNNLinearCombinedClassifier\(\): unknown option "dnn_hidden_units"\. Did you mean "dnnHiddenUnits"\?/,
    ],
    [
      'numericColumn',
      () => featureColumn.numericColumn('x', { default_value: 0 } as never),
      /^featureColumn\.numericColumn\(\): unknown option "default_value"\. Did you mean "defaultValue"\?/,
    ],
    [
      'categoricalColumnWithVocabularyList',
      () => featureColumn.categoricalColumnWithVocabularyList('c', ['a'], { numOovBucket: 1 } as never),
      /^featureColumn\.categoricalColumnWithVocabularyList\(\): unknown option "numOovBucket"\. Did you mean "numOovBuckets"\?/,
    ],
    [
      'embeddingColumn',
      () => featureColumn.embeddingColumn(color, 4, { combinr: 'sum' } as never),
      /^featureColumn\.embeddingColumn\(\): unknown option "combinr"\. Did you mean "combiner"\?/,
    ],
    [
      'crossedColumn',
      () => featureColumn.crossedColumn(['a', 'b'], 10, { hash_key: 1n } as never),
      /^featureColumn\.crossedColumn\(\): unknown option "hash_key"\. Did you mean "hashKey"\?/,
    ],
    [
      'vocabularyFile',
      () => categoricalColumnWithVocabularyFile('c', 'missing.txt', { vocabulary_size: 2 } as never),
      /^categoricalColumnWithVocabularyFile\(\): unknown option "vocabulary_size"\. Did you mean "vocabularySize"\?/,
    ],
    [
      'binaryClassificationHead',
      () => binaryClassificationHead({ weight_column: 'w' } as never),
      /^binaryClassificationHead: unknown option "weight_column"\. Did you mean "weightColumn"\?/,
    ],
    [
      'multiClassHead',
      () => multiClassHead(3, { lossReductions: 'SUM' } as never),
      /^multiClassHead: unknown option "lossReductions"\. Did you mean "lossReduction"\?/,
    ],
    [
      'regressionHead',
      () => regressionHead({ labelDim: 2 } as never),
      /^regressionHead: unknown option "labelDim"\. Did you mean "labelDimension"\?/,
    ],
  ];
  it.each(cases)('%s', (_name, fn, message) => {
    let caught: unknown;
    try {
      fn();
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(CannedError);
    expect((caught as CannedError).code).toBe('UNKNOWN_OPTION');
    expect((caught as CannedError).message).toMatch(message);
    expect((caught as CannedError).message).not.toContain('\n');
  });

  it('a non-object options argument is INVALID_ARGUMENT', () => {
    expect(() => featureColumn.linearModel({}, [age], 3 as never)).toThrow(
      /^featureColumn\.linearModel\(\): options must be an object\. Received 3\.$/,
    );
  });
});
