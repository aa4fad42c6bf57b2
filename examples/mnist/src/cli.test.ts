import { execFile, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expectEventFiles, tempModelDir } from '@estimatorjs/testing';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const cli = resolve(__dirname, '..', 'dist', 'cli.js');
const { dir, cleanup } = tempModelDir('mnist-cli-');
afterAll(cleanup);

async function mnist(...args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const r = await run('node', [cli, ...args], { cwd: dir, env: { ...process.env, INIT_CWD: dir } });
    return { ...r, code: 0 };
  } catch (e) {
    const err = e as { stdout: string; stderr: string; code: number };
    return { stdout: err.stdout, stderr: err.stderr, code: err.code };
  }
}

describe('mnist CLI', () => {
  it('trains on the embedded digits, checkpoints, evaluates and writes TensorBoard files', async () => {
    const r = await mnist('--train_steps', '4', '--batch_size', '16', '--model_dir', 'run');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Data: the 10,000 MNIST digits embedded');
    expect(r.stdout).toContain('Starting training from global step 0');
    expect(r.stdout).toMatch(/loss = [\d.]+, step = 1/);
    expect(r.stdout).toMatch(/Saving dict for global step 4: accuracy = [\d.]+, loss = [\d.]+, global_step = 4/);
    const modelDir = join(dir, 'run');
    expect(readFileSync(join(modelDir, 'checkpoint'), 'utf8')).toContain('model_checkpoint_path: "model.ckpt-4"');
    expect(existsSync(join(modelDir, 'model.ckpt-4.weights.bin'))).toBe(true);
    expect(readdirSync(join(modelDir, 'eval')).some((f) => f.startsWith('events.out.tfevents.'))).toBe(true);
    const report = expectEventFiles(modelDir, {
      expect: ['./loss@scalar', 'eval/accuracy@scalar', 'eval/loss@scalar'],
    });
    expect(report.runs.eval!.tags.accuracy!.points.map((p) => p.step)).toEqual([4]);
  });

  it('resumes from the saved step, and trains no further when already there', async () => {
    const more = await mnist('--train_steps', '6', '--batch_size', '16', '--model_dir', 'run');
    expect(more.code, more.stderr).toBe(0);
    expect(more.stdout).toContain('Restored model.ckpt-4; resuming training from global step 4.');
    expect(more.stdout).toContain('global step 6');
    const same = await mnist('--train_steps', '6', '--batch_size', '16', '--model_dir', 'run');
    expect(same.stdout).toContain('Skipping training: the global step 6 has already reached maxSteps 6.');
  });

  it('predicts with the trained model', async () => {
    const r = await mnist('predict', '--model_dir', 'run');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.match(/eval image #\d: label \d, predicted \d \(probability 0\.\d{4}\)/g)).toHaveLength(10);
  });

  it('on cpu in Node, prints no "install our node backend" banner of tfjs', async () => {
    const r = await mnist('predict', '--model_dir', 'run', '--backend', 'cpu');
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('Backend: cpu');
    expect(r.stdout.match(/eval image #\d/g)).toHaveLength(10);
    expect(`${r.stdout}${r.stderr}`).not.toMatch(/node backend|={10}/);
  });

  it('quotes a model_dir with a space in the printed tensorboard and predict commands', async () => {
    const r = await mnist('--schedule', 'train', '--train_steps', '1', '--batch_size', '8', '--model_dir', 'my run');
    expect(r.code, r.stderr).toBe(0);
    const quoted = `'${join(dir, 'my run')}'`;
    expect(r.stdout).toContain(
      `TensorBoard: tensorboard --logdir ${quoted}   (no Python: pnpm board --logdir ${quoted})`,
    );
    expect(r.stdout).toContain(`Predictions: pnpm mnist:predict --model_dir ${quoted}`);
  });

  it('a corrupt latest checkpoint names the older one that verifies; --checkpoint_path evaluates and predicts with it', async () => {
    const weights = join(dir, 'run', 'model.ckpt-6.weights.bin');
    const bytes = readFileSync(weights);
    bytes[bytes.length - 3]! ^= 0x40;
    writeFileSync(weights, bytes);
    const bad = await mnist('--schedule', 'evaluate', '--model_dir', 'run', '--batch_size', '16');
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/CORRUPT|fails its CRC-32C check/);
    expect(bad.stderr).toContain('model.ckpt-6');
    expect(bad.stderr).toContain('--checkpoint_path=model.ckpt-4');
    const older = ['--model_dir', 'run', '--batch_size', '16', '--checkpoint_path', 'model.ckpt-4'];
    const evaluated = await mnist('--schedule', 'evaluate', ...older);
    expect(evaluated.code, evaluated.stderr).toBe(0);
    expect(evaluated.stdout).toMatch(/Saving dict for global step 4: accuracy/);
    const predicted = await mnist('predict', ...older);
    expect(predicted.code, predicted.stderr).toBe(0);
    expect(predicted.stdout.match(/eval image #\d/g)).toHaveLength(10);
  });

  it('ends bad flags with one line, a non-zero exit and no stack trace', async () => {
    for (const [args, message, code] of [
      [['--batch_size', '0'], 'mnist: error: --batch_size must be an integer >= 1; received "0".', 2],
      [['--backend', 'nope'], "unknown backend 'nope'", 1],
      [['--batch_size', '100000000'], 'mnist: error: --batch_size 100000000 needs about', 2],
      [['--data_dir', 'no_such_dir'], 'no_such_dir does not exist. Expected a directory with the MNIST IDX files', 1],
    ] as const) {
      const r = await mnist(...args);
      expect(r.code).toBe(code);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });
});

/** Runs the CLI, sends `signal` once `when` matches a stdout line, and resolves with its output and exit code. */
function interrupted(signal: NodeJS.Signals, when: RegExp, ...args: string[]) {
  return new Promise<{ stdout: string; stderr: string; code: number | null }>((done, fail) => {
    const child = spawn('node', [cli, ...args], { cwd: dir, env: { ...process.env, INIT_CWD: dir } });
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.setEncoding('utf8').on('data', (c: string) => {
      stdout += c;
      if (!sent && when.test(stdout)) {
        sent = true;
        child.kill(signal);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (c: string) => {
      stderr += c;
    });
    child.on('error', fail);
    child.on('close', (code) => done({ stdout, stderr, code }));
  });
}

describe('mnist CLI signals', () => {
  it('SIGINT, then SIGTERM, during training: it stops at a step boundary, saves a checkpoint, exits 130 / 143', async () => {
    const args = ['--train_steps', '100000', '--batch_size', '16', '--model_dir', 'signals'];
    const modelDir = join(dir, 'signals');
    const first = await interrupted('SIGINT', /step = 1\b/, ...args);
    expect(first.code, first.stderr).toBe(130);
    expect(first.stdout).toContain('Received SIGINT: stopping after this step and saving a checkpoint');
    const saved = /model_checkpoint_path: "model\.ckpt-(\d+)"/.exec(readFileSync(join(modelDir, 'checkpoint'), 'utf8'));
    expect(Number(saved?.[1])).toBeGreaterThanOrEqual(1);
    // No evaluation or further training after the signal; the lock was released.
    expect(first.stdout).not.toContain('Saving dict for global step');
    expect(existsSync(join(modelDir, '.estimatorjs-trainer.lock'))).toBe(false);
    // Before the training loop starts (nothing in flight): it exits at once.
    const second = await interrupted('SIGTERM', /Restored model\.ckpt-\d+; resuming training/, ...args);
    expect(second.code, second.stderr).toBe(143);
    expect(second.stdout).toContain(`Restored model.ckpt-${saved?.[1]}; resuming training`);
  }, 300_000);
});

describe('mnist CLI schedules', () => {
  it('--schedule train, then evaluate, then train_and_evaluate and continuous_eval behave as in TF', async () => {
    const args = ['--train_steps', '3', '--batch_size', '16', '--model_dir', 'sched'];
    const train = await mnist(...args, '--schedule', 'train');
    expect(train.code, train.stderr).toBe(0);
    expect(train.stdout).toContain('Schedule: train.');
    expect(train.stdout).toContain('Starting training from global step 0');
    expect(train.stdout).not.toContain('Saving dict for global step');
    const modelDir = join(dir, 'sched');
    expect(existsSync(join(modelDir, 'eval'))).toBe(false);

    const evaluate = await mnist(...args, '--schedule', 'evaluate');
    expect(evaluate.code, evaluate.stderr).toBe(0);
    expect(evaluate.stdout).not.toContain('Starting training');
    expect(evaluate.stdout).toMatch(/Saving dict for global step 3: accuracy = [\d.]+, loss = [\d.]+, global_step = 3/);

    // Already at train_steps: no more training, one final evaluation of the same checkpoint.
    const both = await mnist(...args, '--schedule', 'train_and_evaluate');
    expect(both.code, both.stderr).toBe(0);
    expect(both.stdout).toContain('Skipping training: the global step 3 has already reached maxSteps 3.');
    expect(both.stdout).toMatch(/Saving dict for global step 3: accuracy/);
    const acc = (out: string) => /accuracy = ([\d.]+)/.exec(out)![1];
    expect(acc(both.stdout)).toBe(acc(evaluate.stdout));

    // The final checkpoint is there: the evaluator evaluates it once and exits.
    const cont = await mnist(...args, '--schedule', 'continuous_eval');
    expect(cont.code, cont.stderr).toBe(0);
    expect(cont.stdout.match(/Saving dict for global step 3/g)).toHaveLength(1);
    expect(cont.stdout).toContain('Exiting evaluation, global step 3 >= max steps 3.');
  }, 180_000);
});
