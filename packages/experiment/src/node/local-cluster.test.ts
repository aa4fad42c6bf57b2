/**
 * The cluster end to end: real processes (test-fixtures/cluster-train.mjs, built dist), real gRPC on 127.0.0.1, the
 * local runner. The reference is the same script as one process with the global batch: TF's promise for synchronous
 * data parallelism is that N workers with batch B train like one with batch N·B.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { localClusterTasks, runLocalCluster } from './local-cluster.js';

const script = join(dirname(fileURLToPath(import.meta.url)), '../../test-fixtures/cluster-train.mjs');
const root = mkdtempSync(join(tmpdir(), 'estimatorjs-cluster-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

type Result = { globalStep: number; tfConfig: string | null; weights: Record<string, number[]> };
const read = (dir: string, task: string): Result => JSON.parse(readFileSync(join(dir, `${task}.json`), 'utf8'));

function maxDiff(a: Result, b: Result): number {
  let m = 0;
  for (const [k, v] of Object.entries(a.weights)) {
    const w = b.weights[k]!;
    expect(w.length).toBe(v.length);
    for (let i = 0; i < v.length; i++) m = Math.max(m, Math.abs(v[i]! - w[i]!));
  }
  return m;
}

/** Resolves once `check()` holds; the cluster's own progress is the event awaited (no guessed sleeps). */
async function until(check: () => boolean): Promise<void> {
  while (!check()) await new Promise((r) => setTimeout(r, 5));
}

function dirs(name: string) {
  const modelDir = join(root, name, 'model');
  const out = join(root, name, 'out');
  for (const d of [modelDir, out]) mkdirSync(d, { recursive: true });
  return { modelDir, out };
}

async function single(name: string, batch: number): Promise<{ modelDir: string; out: string }> {
  const d = dirs(name);
  const code = await new Promise<number | null>((resolve) => {
    const child = spawn(process.execPath, [script, d.modelDir, String(batch), '50', d.out], {
      env: { ...process.env, TF_CONFIG: '' },
      stdio: 'ignore',
    });
    child.on('exit', resolve);
  });
  expect(code).toBe(0);
  return d;
}

async function cluster(
  name: string,
  onSpawn?: Parameters<typeof runLocalCluster>[0]['onSpawn'],
  env: Record<string, string> = {},
) {
  const d = dirs(name);
  const lines: string[] = [];
  const result = await runLocalCluster({
    workers: 2,
    command: [process.execPath, script, d.modelDir, '64', '50', d.out],
    env: { ...process.env, ...env },
    output: (line) => lines.push(line),
    ...(onSpawn ? { onSpawn } : {}),
  });
  return { ...d, lines, result };
}

describe('estimatorjs-cluster on 127.0.0.1 (2 processes, gRPC all-reduce)', { timeout: 240_000 }, () => {
  let reference: Result;

  it('2 workers × batch 64 end with the weights of 1 worker × batch 128 after 50 steps (1e-5)', async () => {
    const one = await single('one', 128);
    const two = await cluster('two');
    const alone = read(one.out, 'worker-0');
    const chief = read(two.out, 'chief-0');
    const worker = read(two.out, 'worker-0');
    expect([alone.globalStep, chief.globalStep, worker.globalStep]).toEqual([50, 50, 50]);
    expect(maxDiff(alone, chief)).toBeLessThan(1e-5);
    // Every replica applied the same averaged update: identical weights.
    expect(maxDiff(chief, worker)).toBe(0);
    // Each process got a TF_CONFIG naming its task; only the chief wrote checkpoints.
    expect(JSON.parse(chief.tfConfig!).task).toEqual({ type: 'chief', index: 0 });
    expect(JSON.parse(worker.tfConfig!).task).toEqual({ type: 'worker', index: 0 });
    expect(readFileSync(join(two.modelDir, 'checkpoint'), 'utf8')).toMatch(/^model_checkpoint_path: "model.ckpt-50"/);
    expect(two.lines.some((l) => l.startsWith('[worker:0] ') && /Saving checkpoints/.test(l))).toBe(false);
    reference = chief;
  });

  it('the exchange on a worker thread, overlapped with the backward pass, ends with the same bits', async () => {
    const two = await cluster('two-thread', undefined, { CLUSTER_THREAD: '1' });
    const chief = read(two.out, 'chief-0');
    const worker = read(two.out, 'worker-0');
    expect([chief.globalStep, worker.globalStep]).toEqual([50, 50]);
    expect(maxDiff(chief, worker)).toBe(0);
    // The same averaged gradient every step as the exchange after the backward pass: the same weights, bit for bit.
    expect(maxDiff(reference, chief)).toBe(0);
  });

  it('kill -9 of the worker mid-run: the runner restarts it, the job resumes from the last checkpoint', async () => {
    const marker = join(root, 'kill-worker', 'out', 'worker-0.step-25');
    const run = await cluster('kill-worker', (task, child, attempt) => {
      if (task.name !== 'worker:0' || attempt > 0) return;
      void until(() => existsSync(marker)).then(() => child.kill('SIGKILL'));
    });
    expect(run.result.restarts['worker:0']).toBe(1);
    const chief = read(run.out, 'chief-0');
    expect(chief.globalStep).toBe(50);
    expect(run.lines.some((l) => /Restored .*model\.ckpt-20; resuming training from global step 20/.test(l))).toBe(
      true,
    );
    // The restart replays steps 21…25 on the same input positions: the same weights as without the fault.
    expect(maxDiff(chief, reference)).toBeLessThan(1e-5);
  });

  it('kill -9 of the chief as the first file of model.ckpt-40 appears: the restarted job ends with a correct final checkpoint', async () => {
    const name = 'kill-chief';
    const modelDir = join(root, name, 'model');
    const run = await cluster(name, (task, child, attempt) => {
      if (task.name !== 'chief:0' || attempt > 0) return;
      void until(() => existsSync(modelDir) && readdirSync(modelDir).some((f) => f.includes('ckpt-40'))).then(() =>
        child.kill('SIGKILL'),
      );
    });
    expect(run.result.restarts['chief:0']).toBe(1);
    const chief = read(run.out, 'chief-0');
    expect(chief.globalStep).toBe(50);
    expect(readFileSync(join(modelDir, 'checkpoint'), 'utf8')).toMatch(/^model_checkpoint_path: "model.ckpt-50"/);
    expect(maxDiff(chief, reference)).toBeLessThan(1e-5);
  });

  it('a missing task fails startup within the timeout, naming it', async () => {
    const { modelDir, out } = dirs('missing');
    // The chief of a 2-replica cluster whose worker never starts (its free port stays closed).
    const [chiefTask] = await localClusterTasks(2, false);
    const cfg = JSON.parse(chiefTask!.tfConfig);
    const stderr: string[] = [];
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, [script, modelDir, '64', '50', out], {
        env: { ...process.env, TF_CONFIG: JSON.stringify(cfg), CLUSTER_STARTUP_SECS: '2' },
      });
      child.stderr.on('data', (b) => stderr.push(String(b)));
      child.on('exit', resolve);
    });
    expect(code).not.toBe(0);
    expect(stderr.join('')).toMatch(
      new RegExp(`waited 2 s for the cluster; missing: worker:0 \\(${cfg.cluster.worker[0].replace(/\./g, '\\.')}\\)`),
    );
  });
});
