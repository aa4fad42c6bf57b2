import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectNoLeaks, setupTestBackend, tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fileStorage } from '../node/file-storage.js';
import { readCheckpoint, writeCheckpoint } from './checkpoint-io.js';
import { MemoryStorage, type ModelDirStorage } from './storage.js';

// writeCheckpoint hands a storage that can write in pieces one tensor at a time (so a checkpoint never sits in
// memory twice over), and readCheckpoint makes tensors from views of the file it read. The file must be the one
// tfjs' encodeWeights would write, byte for byte, and the failure guarantees must hold in pieces too.
beforeAll(() => setupTestBackend('cpu'));
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function dir(): string {
  const d = tempModelDir('ckpt-pieces-');
  cleanups.push(d.cleanup);
  return d.dir;
}

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

describe('writeCheckpoint in pieces', () => {
  it("writes tfjs' encodeWeights bytes, one piece per tensor, and reads back the same values", async () => {
    const tensors = {
      a: tf.randomNormal([3, 5], 0, 1, 'float32', 1),
      global_step: tf.scalar(7, 'int32'),
      b: tf.tensor1d([-0, 1.5, 3e38], 'float32'),
    };
    const pieces: number[] = [];
    const inner = fileStorage(dir());
    const storage: ModelDirStorage = {
      ...inner,
      location: inner.location,
      read: (n, o) => inner.read(n, o),
      writeAtomic: (n, d) => inner.writeAtomic(n, d),
      list: () => inner.list(),
      remove: (n) => inner.remove(n),
      async writeAtomicFrom(name, from) {
        async function* counted() {
          for await (const p of from) {
            pieces.push(p.length);
            yield p;
          }
        }
        await inner.writeAtomicFrom!(name, counted());
      },
    };
    await writeCheckpoint(storage, 'model.ckpt-7', tensors, 7);
    expect(pieces).toEqual([60, 4, 12]);
    const { data } = await tf.io.encodeWeights(tensors);
    const written = (await storage.read('model.ckpt-7.weights.bin'))!;
    expect(sha(written)).toBe(sha(new Uint8Array(data)));
    const back = await readCheckpoint(storage, 'model.ckpt-7');
    for (const [name, t] of Object.entries(tensors)) {
      expect(back.tensors[name]!.dtype).toBe(t.dtype);
      expect(back.tensors[name]!.shape).toEqual(t.shape);
      expect(Array.from(back.tensors[name]!.dataSync()), name).toEqual(Array.from(t.dataSync()));
    }
    expect(Object.is(back.tensors.b!.dataSync()[0], -0)).toBe(true);
    tf.dispose([...Object.values(tensors), ...Object.values(back.tensors)]);
  });

  it('saves the values the tensors held when the call started, even if a variable is assigned meanwhile', async () => {
    const v = tf.variable(tf.tensor1d([1, 2, 3]));
    const d = dir();
    const saving = writeCheckpoint(fileStorage(d), 'model.ckpt-1', { v }, 1);
    v.assign(tf.tensor1d([9, 9, 9]));
    await saving;
    const { tensors } = await readCheckpoint(fileStorage(d), 'model.ckpt-1');
    expect(Array.from(tensors.v!.dataSync())).toEqual([1, 2, 3]);
    tf.dispose([v, ...Object.values(tensors)]);
  });

  it('a NaN in a later tensor leaves no file at all, not even a temporary one, and leaks nothing', async () => {
    const d = dir();
    const ok = tf.ones([4]);
    const bad = tf.tensor1d([1, Number.NaN]);
    await expectNoLeaks(async () => {
      await expect(writeCheckpoint(fileStorage(d), 'model.ckpt-2', { ok, bad }, 2)).rejects.toMatchObject({
        code: 'NON_FINITE_WEIGHTS',
        message: expect.stringMatching(/bad holds NaN at flat index 1/),
      });
    });
    expect(readdirSync(d)).toEqual([]);
    tf.dispose([ok, bad]);
  });

  it('storages without writeAtomicFrom get the whole file (the pieces joined)', async () => {
    const memory = new MemoryStorage('joined');
    const whole: ModelDirStorage = {
      location: memory.location,
      read: (n, o) => memory.read(n, o),
      writeAtomic: (n, d) => memory.writeAtomic(n, d),
      list: () => memory.list(),
      remove: (n) => memory.remove(n),
    };
    const t = { w: tf.tensor2d([1, 2, 3, 4], [2, 2]), s: tf.scalar(3, 'int32') };
    await writeCheckpoint(whole, 'model.ckpt-3', t, 3);
    const d = dir();
    await writeCheckpoint(fileStorage(d), 'model.ckpt-3', t, 3);
    expect(sha((await memory.read('model.ckpt-3.weights.bin'))!)).toBe(
      sha(readFileSync(join(d, 'model.ckpt-3.weights.bin'))),
    );
    tf.dispose(Object.values(t));
  });

  it('refuses a tensor a checkpoint cannot hold, naming it, before writing anything', async () => {
    const d = dir();
    const flag = tf.tensor1d([true, false], 'bool');
    await expect(writeCheckpoint(fileStorage(d), 'model.ckpt-4', { flag }, 4)).rejects.toMatchObject({
      code: 'UNSUPPORTED_DTYPE',
      message: expect.stringMatching(/flag is a bool tensor; checkpoints hold float32 and int32 tensors/),
    });
    expect(readdirSync(d)).toEqual([]);
    flag.dispose();
  });
});
