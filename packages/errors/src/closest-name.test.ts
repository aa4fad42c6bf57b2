import { describe, expect, it } from 'vitest';
import { closestName } from './closest-name.js';

const FLAGS = ['model_dir', 'data_dir', 'train_steps', 'batch_size', 'backend', 'threads', 'seed', 'hparams'];

describe('closestName', () => {
  it('finds the flag a typo meant: a dropped, added, replaced or swapped character, or another case', () => {
    expect(closestName('train_step', FLAGS)).toBe('train_steps'); // deleted
    expect(closestName('train_stepss', FLAGS)).toBe('train_steps'); // inserted
    expect(closestName('batch_sise', FLAGS)).toBe('batch_size'); // replaced
    expect(closestName('bakcend', FLAGS)).toBe('backend'); // swapped neighbours: one edit, not two
    expect(closestName('Model_Dir', FLAGS)).toBe('model_dir');
    expect(closestName('sed', FLAGS)).toBe('seed');
  });

  it('suggests nothing for a name that is not a typo of any candidate', () => {
    expect(closestName('learning_rate', FLAGS)).toBeUndefined();
    expect(closestName('xyz', FLAGS)).toBeUndefined();
    expect(closestName('steps', [])).toBeUndefined();
  });

  it('prefers the closest, then the first listed', () => {
    // data_dir is 1 edit from "data_dirs"; model_dir is 4.
    expect(closestName('data_dirs', FLAGS)).toBe('data_dir');
    expect(closestName('ab', ['ax', 'ay'])).toBe('ax');
  });
});
