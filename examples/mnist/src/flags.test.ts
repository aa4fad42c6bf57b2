import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseFlags, QUICK_TRAIN_STEPS, shellQuote, usage } from './flags.js';

describe('parseFlags', () => {
  it('has the documented defaults, resolving paths against the directory the command was typed in', () => {
    const f = parseFlags([], '/home/me');
    expect(f).toMatchObject({
      command: 'train',
      modelDir: '/home/me/mnist_training',
      dataDir: '/home/me/mnist_data',
      backend: 'auto',
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
    expect(() => parseFlags(['--modeldir', 'x'], '/')).toThrow(
      'unknown flag --modeldir; did you mean --model_dir? Run with --help for the list.',
    );
    expect(() => parseFlags(['--train_step', '5'], '/')).toThrow(
      'unknown flag --train_step; did you mean --train_steps? Run with --help for the list.',
    );
    expect(() => parseFlags(['--epochs', '5'], '/')).toThrow(/unknown flag --epochs; expected one of --model_dir/);
    // `pnpm mnist predict` runs `cli.js train predict`: say which script to use instead.
    expect(() => parseFlags(['train', 'predict'], '/')).toThrow(
      '"predict" after "train": the command comes from the script; run pnpm mnist:predict instead.',
    );
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
  it('prints each default once: one "(default: …)" per flag, numbers not repeated in the help text', () => {
    const lines = usage()
      .split('\n')
      .filter((l) => /^ {2}--/.test(l) && !l.startsWith('  --help'));
    expect(lines.length).toBeGreaterThanOrEqual(12);
    for (const line of lines) {
      expect(line.match(/default/g), line).toHaveLength(1);
      const value = /\(default: ([^)]*)\)$/.exec(line)?.[1];
      expect(value, line).toBeDefined();
      if (/^\d+$/.test(value!)) expect(line.match(new RegExp(`\\b${value}\\b`, 'g')), line).toHaveLength(1);
    }
  });
  it('starts --help with how the root package.json scripts start each command', () => {
    const scripts = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')).scripts;
    const started = usage()
      .split('\n')
      .slice(0, 3)
      .map((l) => /^(?:Usage:| {6}) pnpm (\S+) \[--flag value \.\.\.\]/.exec(l)?.[1]);
    expect(started).toEqual(['mnist', 'mnist:predict', 'mnist:export']);
    for (const [script, command] of [
      ['mnist', 'train'],
      ['mnist:predict', 'predict'],
      ['mnist:export', 'export'],
    ])
      expect(scripts[script!]).toMatch(new RegExp(`examples/mnist/dist/cli\\.js ${command}$`));
  });
  it('quotes paths for a shell only when they need it', () => {
    expect(shellQuote('/tmp/mnist_training')).toBe('/tmp/mnist_training');
    expect(shellQuote('./runs/a-1.5@x')).toBe('./runs/a-1.5@x');
    expect(shellQuote('/tmp/my runs/mnist')).toBe("'/tmp/my runs/mnist'");
    expect(shellQuote("/tmp/it's")).toBe("'/tmp/it'\\''s'");
    expect(shellQuote('/tmp/$HOME;rm')).toBe("'/tmp/$HOME;rm'");
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
