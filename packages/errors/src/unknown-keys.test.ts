import { describe, expect, it } from 'vitest';
import { EstimatorError } from './estimator-error.js';
import { checkKnownKeys, nearestKey } from './unknown-keys.js';

describe('nearestKey', () => {
  it('maps snake_case and other casings onto the camelCase key', () => {
    expect(nearestKey('model_dir', ['randomSeed', 'modelDir'])).toBe('modelDir');
    expect(nearestKey('tf_random_seed', ['randomSeed', 'modelDir'])).toBe('randomSeed');
    expect(nearestKey('SAVE_SUMMARY_STEPS', ['saveSummarySteps'])).toBe('saveSummarySteps');
  });

  it('suggests a key within typo distance and nothing for an unrelated word', () => {
    expect(nearestKey('initialAcumulatorValue', ['initialAccumulatorValue', 'learningRate'])).toBe(
      'initialAccumulatorValue',
    );
    expect(nearestKey('momentun', ['momentum', 'epsilon'])).toBe('momentum');
    expect(nearestKey('std', ['mean', 'stddev'])).toBe('stddev');
    expect(nearestKey('banana', ['momentum', 'epsilon'])).toBeUndefined();
  });
});

describe('checkKnownKeys', () => {
  it('throws one line naming the api, the key and the nearest known key', () => {
    let caught: unknown;
    try {
      checkKnownKeys('RunConfig', { modelDir: 'a', model_dir: '/tmp/m' }, ['modelDir', 'randomSeed']);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(EstimatorError);
    expect((caught as EstimatorError).code).toBe('UNKNOWN_OPTION');
    expect((caught as Error).message).toBe(
      'RunConfig: unknown option "model_dir". Did you mean "modelDir"? Known options: "modelDir", "randomSeed".',
    );
  });

  it('accepts undefined and known keys, refuses non-objects, and builds the caller error class', () => {
    expect(() => checkKnownKeys('f()', undefined, ['a'])).not.toThrow();
    expect(() => checkKnownKeys('f()', { a: 1 }, ['a'])).not.toThrow();
    expect(() => checkKnownKeys('f()', 3, ['a'])).toThrow('f(): options must be an object. Received 3.');
    class ConfigError extends EstimatorError {}
    expect(() => checkKnownKeys('f()', { zzz: 1 }, ['a'], (code, message) => new ConfigError(code, message))).toThrow(
      ConfigError,
    );
    expect(() => checkKnownKeys('f()', { zzz: 1 }, ['a'])).toThrow('f(): unknown option "zzz". Known options: "a".');
  });
});
