import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setupTestBackend, tempModelDir } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fileStorage } from '../node/file-storage.js';
import { latestCheckpoint, readManifest, writeCheckpoint } from './checkpoint-io.js';
import { CheckpointManager } from './checkpoint-manager.js';
import { parseCheckpointState } from './checkpoint-state.js';
import { MemoryStorage } from './storage.js';

beforeAll(() => setupTestBackend('cpu'));
const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

describe('checkpoint files', () => {
  it('a state file with a bad escape is a CORRUPT_STATE_FILE error naming the line', () => {
    expect(() =>
      parseCheckpointState('model_checkpoint_path: "a"\nall_model_checkpoint_paths: "b\\q"\n', 'd/checkpoint'),
    ).toThrow(/Checkpoint state d\/checkpoint, line 2: the quoted path is not a valid string/);
  });

  it('manifests must have an integer global step and unique, plain weight names', async () => {
    const storage = new MemoryStorage();
    const t = tf.scalar(1);
    await writeCheckpoint(storage, 'model.ckpt-1', { w: t }, 1);
    t.dispose();
    const good = JSON.parse(new TextDecoder().decode((await storage.read('model.ckpt-1.index.json'))!));
    const tamper = async (change: (m: Record<string, unknown>) => void) => {
      const m = structuredClone(good);
      change(m);
      await storage.writeAtomic('model.ckpt-1.index.json', JSON.stringify(m));
      return readManifest(storage, 'model.ckpt-1');
    };
    await expect(tamper((m) => (m.globalStep = '1'))).rejects.toThrow(/integer globalStep/);
    await expect(tamper((m) => (m.weights = [...(m.weights as object[]), ...(m.weights as object[])]))).rejects.toThrow(
      /unique non-empty name/,
    );
    await expect(
      tamper((m) => ((m.weights as Record<string, unknown>[])[0]!.quantization = { dtype: 'uint8' })),
    ).rejects.toThrow(/no quantization/);
    await expect(tamper(() => {})).resolves.toMatchObject({ globalStep: 1 });
  });

  it('reads TF-style absolute paths that point into the model directory', async () => {
    const { dir, cleanup } = tempModelDir();
    cleanups.push(cleanup);
    writeFileSync(
      join(dir, 'checkpoint'),
      `model_checkpoint_path: "${dir}/model.ckpt-300"\nall_model_checkpoint_paths: "${dir}/model.ckpt-300"\n`,
    );
    expect(await latestCheckpoint(fileStorage(dir))).toBe('model.ckpt-300');
    writeFileSync(join(dir, 'checkpoint'), 'model_checkpoint_path: "/elsewhere/model.ckpt-300"\n');
    expect(await latestCheckpoint(fileStorage(dir))).toBe('/elsewhere/model.ckpt-300');
  });

  it('saving deletes only checkpoints the state file tracked; it sweeps temporary files of dead writers', async () => {
    const { dir, cleanup } = tempModelDir();
    cleanups.push(cleanup);
    const storage = fileStorage(dir);
    const manager = new CheckpointManager(storage, 1);
    const t = tf.scalar(1);
    await manager.save(1, { w: t });
    // Not tracked by the state file: another run's, or what a kill between the state-file update and the deletions
    // leaves. Not ours to delete (TF's Saver keeps them too). Temporary files of a dead writer are ours.
    await writeCheckpoint(storage, 'model.ckpt-0', { w: t }, 0);
    writeFileSync(join(dir, '.model.ckpt-2.weights.bin.tmp-999999999-abcd'), 'partial');
    writeFileSync(join(dir, `.model.ckpt-2.index.json.tmp-${process.pid}-beef`), 'being written');
    await manager.save(2, { w: t });
    t.dispose();
    const files = readdirSync(dir).sort();
    expect(files).toContain('model.ckpt-0.index.json');
    expect(files).toContain('model.ckpt-0.weights.bin');
    // model.ckpt-1 was tracked and fell out of keepMax 1.
    expect(files).not.toContain('model.ckpt-1.index.json');
    expect(files).not.toContain('model.ckpt-1.weights.bin');
    expect(files).not.toContain('.model.ckpt-2.weights.bin.tmp-999999999-abcd');
    expect(files).toContain(`.model.ckpt-2.index.json.tmp-${process.pid}-beef`);
    expect(existsSync(join(dir, 'model.ckpt-2.index.json'))).toBe(true);
  });
});
