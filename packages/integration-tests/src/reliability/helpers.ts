import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { type ModelDirStorage, readCheckpoint, readCheckpointState } from '@estimatorjs/estimator';
import { tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll } from 'vitest';

/** A small seeded PRNG (mulberry32) so a failing sequence of kills can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A maker of fresh temporary directories named `<prefix>…`, all removed after the tests of the calling file. Call it
 * once, at the top level of a test file (it registers an `afterAll`).
 */
export function tempDirs(prefix: string): () => string {
  const cleanups: (() => void)[] = [];
  afterAll(() => {
    for (const c of cleanups.splice(0)) c();
  });
  return () => {
    const d = tempModelDir(prefix);
    cleanups.push(d.cleanup);
    return d.dir;
  };
}

/** The one error `run` rejects with; throws when it resolves instead. */
export async function rejection(run: () => Promise<unknown>): Promise<Error & { code?: string }> {
  try {
    await run();
  } catch (e) {
    return e as Error & { code?: string };
  }
  throw new Error('expected an error, got none');
}

/** What a child process printed and how it ended. */
export interface ChildResult {
  readonly lines: string[];
  readonly stderr: string;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/**
 * Runs a script of this folder with a JSON argument. `onLine` sees each stdout line and gets a function that
 * SIGKILLs the child from outside; the returned promise carries the same function as `kill`.
 */
export function runChild(
  script: string,
  arg: unknown,
  onLine?: (line: string, kill: () => void) => void,
  nodeArgs: readonly string[] = [],
): Promise<ChildResult> & { kill: () => void } {
  let kill = () => {};
  const done = new Promise<ChildResult>((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, join(__dirname, script), JSON.stringify(arg)], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    const lines: string[] = [];
    let stderr = '';
    let pending = '';
    kill = () => child.kill('SIGKILL');
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      pending += chunk;
      let nl = pending.indexOf('\n');
      while (nl !== -1) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        lines.push(line);
        onLine?.(line, kill);
        nl = pending.indexOf('\n');
      }
    });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (c: string) => {
      stderr += c;
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ lines, stderr, code, signal }));
  });
  return Object.assign(done, { kill: () => kill() });
}

/** Every tensor of a checkpoint as plain arrays (name → values), freeing the tensors. */
export async function checkpointValues(
  storage: ModelDirStorage,
  prefix: string,
): Promise<{ globalStep: number; values: Map<string, number[]> }> {
  const { manifest, tensors } = await readCheckpoint(storage, prefix);
  const values = new Map<string, number[]>();
  for (const name of Object.keys(tensors).sort()) values.set(name, Array.from(await tensors[name]!.data()));
  tf.dispose(tensors);
  return { globalStep: manifest.globalStep, values };
}

/**
 * Checks the `checkpoint` state file: every checkpoint it names exists and loads, with the global step its name
 * says. Returns the latest prefix and its step (null/0 when there is no state file).
 */
export async function checkStateFile(storage: ModelDirStorage): Promise<{ latest: string | null; step: number }> {
  const state = await readCheckpointState(storage);
  if (state === null) return { latest: null, step: 0 };
  const named = new Set([...state.allModelCheckpointPaths, state.modelCheckpointPath]);
  for (const prefix of named) {
    const { globalStep } = await checkpointValues(storage, prefix);
    const n = Number(/-(\d+)$/.exec(prefix)?.[1]);
    if (globalStep !== n) throw new Error(`${prefix} holds global step ${globalStep}`);
  }
  const n = Number(/-(\d+)$/.exec(state.modelCheckpointPath)?.[1]);
  return { latest: state.modelCheckpointPath, step: n };
}
