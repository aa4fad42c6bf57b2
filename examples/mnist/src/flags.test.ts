import { describe, expect, it } from 'vitest';
import { parseFlags, QUICK_TRAIN_STEPS, usage } from './flags.js';

describe('parseFlags', () => {
  it('has the documented defaults, resolving paths against the directory the command was typed in', () => {
    const f = parseFlags([], '/home/me');
    expect(f).toMatchObject({
      command: 'train',
      modelDir: '/home/me/mnist_training',
      dataDir: '/home/me/mnist_data',
      backend: 'wasm',
      threads: 'auto',
      trainSteps: QUICK_TRAIN_STEPS,
      batchSize: 128,
      seed: 1,
    });
  });
  it('reads --name value, --name=value, a command and absolute paths', () => {
    const f = parseFlags(
      [
        'predict',
        '--model_dir=/abs/m',
        '--train_steps',
        '300',
        '--batch-size',
        '64',
        '--hparams',
        'learning_rate=0.01',
        '--threads',
        '2',
      ],
      '/x',
    );
    expect(f).toMatchObject({
      command: 'predict',
      modelDir: '/abs/m',
      trainSteps: 300,
      batchSize: 64,
      hparams: 'learning_rate=0.01',
      threads: 2,
    });
  });
  it('rejects bad values and unknown flags with one clear line', () => {
    expect(() => parseFlags(['--batch_size', '0'], '/')).toThrow('--batch_size must be an integer >= 1; received "0".');
    expect(() => parseFlags(['--train_steps', '1.5'], '/')).toThrow(/--train_steps must be an integer >= 1/);
    expect(() => parseFlags(['--modeldir', 'x'], '/')).toThrow(/unknown flag --modeldir; expected one of --model_dir/);
    expect(() => parseFlags(['--seed'], '/')).toThrow('--seed needs a value.');
    expect(() => parseFlags(['--threads', '0'], '/')).toThrow(
      '--threads must be auto or an integer >= 1; received "0".',
    );
    expect(() => parseFlags(['--threads', 'many'], '/')).toThrow(/--threads must be auto or an integer/);
    expect(() => parseFlags(['fly'], '/')).toThrow(/unexpected argument "fly"/);
  });
  it('documents every flag in --help', () => {
    for (const name of [
      'model_dir',
      'data_dir',
      'backend',
      'threads',
      'train_steps',
      'batch_size',
      'seed',
      'hparams',
      'schedule',
      'help',
    ])
      expect(usage()).toContain(`--${name}`);
  });
});

describe('--schedule', () => {
  it('accepts the four schedules and rejects others with the list', () => {
    for (const s of ['train', 'evaluate', 'train_and_evaluate', 'continuous_eval'])
      expect(parseFlags(['--schedule', s], '/').schedule).toBe(s);
    expect(() => parseFlags(['--schedule', 'fly'], '/')).toThrow(
      '--schedule must be one of train, evaluate, train_and_evaluate, continuous_eval, test; received "fly".',
    );
    expect(usage()).toContain('--hparams');
  });
});
