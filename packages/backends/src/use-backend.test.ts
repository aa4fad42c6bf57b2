import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BackendError } from './backend-error.js';
import { BACKEND_NAMES } from './backend-name.js';
import { isModuleNotFound, loadPackage } from './internal/load-package.js';
import { listBackends } from './list-backends.js';
import { getProvider } from './providers.js';
import { useBackend } from './use-backend.js';

async function codeOf(p: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(BackendError);
    const err = e as BackendError;
    expect(err.message).not.toContain('\n');
    return { code: err.code, message: err.message };
  }
  throw new Error('expected a BackendError');
}

describe('useBackend', () => {
  it("activates cpu and wasm, with gradients registered; wasm defaults to threads: 'auto', every core", async () => {
    const cpu = await useBackend('cpu');
    expect(cpu).toMatchObject({ name: 'cpu', simd: false, threads: 1 });
    expect(tf.getBackend()).toBe('cpu');
    const wasm = await useBackend('wasm');
    expect(wasm.name).toBe('wasm');
    expect(wasm.simd).toBe(true);
    // 'auto' in Node: os.availableParallelism() (the threaded binary itself would stop at half the cores)
    expect(wasm.threads).toBe(availableParallelism());
    expect((await useBackend('wasm', { threads: 'auto' })).threads).toBe(availableParallelism());
    expect(tf.getBackend()).toBe('wasm');
    const x = tf.tensor1d([1, 2, 3]);
    const g = tf.grad((a: tf.Tensor) => tf.sum(tf.square(a)))(x);
    expect(Array.from(await g.data())).toEqual([2, 4, 6]);
    tf.dispose([x, g]);
  });

  it('rejects an unknown name, listing the valid ones', async () => {
    const { code, message } = await codeOf(useBackend('nope'));
    expect(code).toBe('UNKNOWN_BACKEND');
    expect(message).toContain("useBackend('nope')");
    for (const name of BACKEND_NAMES) expect(message).toContain(name);
  });

  it('explains that tfjs-node is not installed and why it cannot be here', async () => {
    const { code, message } = await codeOf(useBackend('tensorflow'));
    expect(code).toBe('BACKEND_NOT_INSTALLED');
    expect(message).toContain('pnpm add @tensorflow/tfjs-node');
    expect(message).toContain('downloads libtensorflow');
    const gpu = await codeOf(useBackend('tensorflow', { gpu: true }));
    expect(gpu.message).toContain('pnpm add @tensorflow/tfjs-node-gpu');
  });

  it('reports webgl and webgpu as unavailable in Node', async () => {
    expect((await codeOf(useBackend('webgl'))).code).toBe('BACKEND_UNAVAILABLE');
    expect((await codeOf(useBackend('webgpu'))).code).toBe('BACKEND_UNAVAILABLE');
  });

  it('validates threads', async () => {
    expect((await codeOf(useBackend('wasm', { threads: 0 }))).code).toBe('INVALID_OPTIONS');
    expect((await codeOf(useBackend('wasm', { threads: 1.5 }))).code).toBe('INVALID_OPTIONS');
    const many = await codeOf(useBackend('wasm', { threads: 'many' as never }));
    expect(many).toMatchObject({ code: 'INVALID_OPTIONS' });
    expect(many.message).toContain("threads must be 'auto' or a whole number >= 1. Received threads='many'.");
  });
});

describe('listBackends', () => {
  it('lists every backend with availability and capabilities', async () => {
    const rows = await listBackends();
    expect(rows.map((r) => r.name)).toEqual([...BACKEND_NAMES]);
    const byName = Object.fromEntries(rows.map((r) => [r.name, r]));
    expect(byName.cpu?.available).toBe(true);
    expect(byName.wasm?.available).toBe(true);
    expect(byName.webgl?.available).toBe(false);
    expect(byName.tensorflow?.reason).toContain('pnpm add @tensorflow/tfjs-node');
    expect(byName.webgpu?.supports.gpu).toBe(true);
  });

  it('getProvider rejects unknown names', () => {
    expect(() => getProvider('tpu')).toThrow(BackendError);
    expect(getProvider('wasm').packageName).toBe('@tensorflow/tfjs-backend-wasm');
  });
});

describe('loadPackage', () => {
  it('turns a missing module into BACKEND_NOT_INSTALLED with the install command', async () => {
    const missing = Object.assign(new Error("Cannot find package '@tensorflow/tfjs-backend-cpu'"), {
      code: 'ERR_MODULE_NOT_FOUND',
    });
    const { code, message } = await codeOf(
      loadPackage('cpu', '@tensorflow/tfjs-backend-cpu', () => Promise.reject(missing)),
    );
    expect(code).toBe('BACKEND_NOT_INSTALLED');
    expect(message).toContain('pnpm add @tensorflow/tfjs-backend-cpu');
  });

  it('turns other load failures into BACKEND_UNAVAILABLE', async () => {
    const { code } = await codeOf(
      loadPackage('cpu', '@tensorflow/tfjs-backend-cpu', () => Promise.reject(new Error('boom\nstack'))),
    );
    expect(code).toBe('BACKEND_UNAVAILABLE');
  });

  it('recognises bundler and browser wordings', () => {
    expect(isModuleNotFound(new Error('Failed to resolve module specifier "x/y"'), 'x/y')).toBe(true);
    expect(isModuleNotFound(new Error('Cannot find module "a"'), 'x/y')).toBe(false);
  });
});
