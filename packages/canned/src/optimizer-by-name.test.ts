import * as estimator from '@estimatorjs/estimator';
import { AdagradOptimizer, AdamOptimizer } from '@estimatorjs/estimator';
import { describe, expect, it } from 'vitest';
import { DNNClassifier } from './estimators/dnn.js';
import * as featureColumn from './feature-column/index.js';
import { resolveOptimizer } from './optimizer-by-name.js';

describe('resolveOptimizer', () => {
  it('builds a named optimizer with the default learning rate and keeps an instance as is', () => {
    const adagrad = resolveOptimizer('t', undefined, 'Adagrad', 0.05);
    expect(adagrad).toBeInstanceOf(AdagradOptimizer);
    expect(adagrad.learningRate).toBe(0.05);
    const adam = new AdamOptimizer({ learningRate: 0.01 });
    expect(resolveOptimizer('t', adam, 'Adagrad', 0.05)).toBe(adam);
  });

  it("builds 'Ftrl' as the estimator's FtrlOptimizer when it has one, else Adagrad at the same rate", () => {
    const ftrl = resolveOptimizer('t', 'Ftrl', 'Adagrad', 0.2);
    const Ftrl = (estimator as unknown as Record<string, unknown>).FtrlOptimizer as
      | (new (
          ...a: never[]
        ) => unknown)
      | undefined;
    expect(ftrl).toBeInstanceOf(Ftrl ?? AdagradOptimizer);
    expect(ftrl.learningRate).toBe(0.2);
  });

  it('names the accepted optimizer names for an unknown one', () => {
    expect(() => resolveOptimizer('new DNNClassifier()', 'Adamw' as never, 'Adagrad', 0.05)).toThrow(
      /new DNNClassifier\(\): optimizer must be an Optimizer instance or one of 'Adagrad', 'Adam', 'Ftrl', 'RMSProp', 'SGD'\. Received "Adamw"/,
    );
  });
});

describe('premade estimator options', () => {
  const x = featureColumn.numericColumn('x');
  it('reject bad hiddenUnits, nClasses and a categorical column given to a DNN, each with one clear error', () => {
    expect(() => new DNNClassifier({ featureColumns: [x], hiddenUnits: [] })).toThrow(
      /new DNNClassifier\(\): hiddenUnits must be a non-empty array of integers > 0/,
    );
    expect(() => new DNNClassifier({ featureColumns: [x], hiddenUnits: [2], nClasses: 1 })).toThrow(
      /nClasses must be an integer >= 2\. Received 1/,
    );
    expect(
      () => new DNNClassifier({ featureColumns: [x], hiddenUnits: [2], nClasses: 3, labelVocabulary: ['a', 'b'] }),
    ).toThrow(/labelVocabulary must list 3 distinct strings/);
  });
});
