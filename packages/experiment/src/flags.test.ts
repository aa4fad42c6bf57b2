import { describe, expect, it } from 'vitest';
import { FlagError } from './errors.js';
import { defineFlags, parseFlags, STANDARD_FLAGS } from './flags.js';

const flags = defineFlags(
  {
    ...STANDARD_FLAGS,
    model_dir: { ...STANDARD_FLAGS.model_dir, default: './runs' },
    train_steps: { type: 'int', min: 1, default: 100, help: 'global step to train to' },
    learning_rate: { type: 'number', help: 'step size' },
    fake_data: { type: 'boolean', default: false, help: 'use random inputs' },
  },
  { program: 'pnpm demo', commands: ['train', 'predict'] },
);

describe('defineFlags / parseFlags', () => {
  it('gives defaults, resolving paths against cwd', () => {
    const { command, help, values } = flags.parse([], { cwd: '/home/me' });
    expect(command).toBe('train');
    expect(help).toBe(false);
    expect(values).toEqual({
      model_dir: '/home/me/runs',
      schedule: 'train_and_evaluate',
      hparams: '',
      train_steps: 100,
      learning_rate: undefined,
      fake_data: false,
    });
  });
  it('reads TF-style flags: --a b, --a=b, dashes, booleans, --noflag, a command', () => {
    const { command, values } = parseFlags(
      flags,
      [
        'predict',
        '--model-dir=../m',
        '--schedule',
        'continuous_eval',
        '--hparams',
        'learning_rate=0.01,hidden_units=[256,128]',
        '--train_steps=7',
        '--learning_rate',
        '1e-3',
        '--fake_data',
      ],
      { cwd: '/home/me/x' },
    );
    expect(command).toBe('predict');
    expect(values).toMatchObject({
      model_dir: '/home/me/m',
      schedule: 'continuous_eval',
      hparams: 'learning_rate=0.01,hidden_units=[256,128]',
      train_steps: 7,
      learning_rate: 0.001,
      fake_data: true,
    });
    expect(flags.parse(['--nofake_data']).values.fake_data).toBe(false);
    expect(flags.parse(['--model_dir', '/abs']).values.model_dir).toBe('/abs');
  });
  it('rejects bad input with one line that says what was expected', () => {
    const bad: [string[], string | RegExp][] = [
      [
        ['--schedule', 'fly'],
        /--schedule must be one of train, evaluate, train_and_evaluate, continuous_eval, test; received "fly"/,
      ],
      [['--train_steps', '0'], '--train_steps must be an integer >= 1; received "0".'],
      [['--learning_rate', 'x'], '--learning_rate must be a number; received "x".'],
      [['--modeldir', 'x'], 'unknown flag --modeldir; did you mean --model_dir? Run with --help for the list.'],
      [['--train-step', '5'], 'unknown flag --train_step; did you mean --train_steps? Run with --help for the list.'],
      [['--epochs', '3'], /unknown flag --epochs; expected one of --model_dir, --schedule/],
      [['--hparams'], '--hparams needs a value.'],
      [['fly'], /unexpected argument "fly"; expected a command \(train, predict\) first/],
      [['--model_dir', ''], '--model_dir must not be empty.'],
    ];
    for (const [argv, msg] of bad) {
      const run = () => flags.parse(argv);
      expect(run).toThrow(FlagError);
      expect(run).toThrow(msg);
    }
    try {
      flags.parse(['--x']);
    } catch (e) {
      expect((e as FlagError).code).toBe('BAD_FLAG');
    }
  });
  it('--help lists every flag with its default', () => {
    expect(flags.parse(['--help']).help).toBe(true);
    const text = flags.usage();
    expect(text.split('\n')[0]).toBe('Usage: pnpm demo [train|predict] [--flag value ...]');
    for (const name of ['model_dir', 'schedule', 'hparams', 'train_steps', 'learning_rate', 'fake_data', 'help'])
      expect(text).toContain(`--${name}`);
    expect(text).toMatch(
      /--schedule +what to run: train \| evaluate \| train_and_evaluate \| continuous_eval \| test \(default: train_and_evaluate\)/,
    );
  });
});
