import { execFileSync } from 'node:child_process';
import { readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { readCheckpointState } from '@estimatorjs/estimator';
import { fileStorage } from '@estimatorjs/estimator/node';
import { setupTestBackend } from '@estimatorjs/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeEstimator, makeInputFn } from './fixture.mjs';
import { rejection, runChild, tempDirs } from './helpers.js';

// Issue 17, item 3: everything read from a model directory is bounded and comes from regular files; nothing is
// written through a symlink that leaves it. The timeouts only guard against hangs; nothing here is timed.
const newDir = tempDirs('estimatorjs-bounded-');
beforeAll(() => setupTestBackend('cpu'));

let fifoWhy = '';
try {
  const probe = join(newDir(), 'probe');
  execFileSync('mkfifo', [probe], { stdio: 'pipe' });
} catch (e) {
  fifoWhy = String((e as Error).message).split('\n')[0]!;
}

async function trained(steps: number): Promise<string> {
  const dir = newDir();
  const est = makeEstimator({ modelDir: dir, saveEvery: 10 });
  await est.train(makeInputFn(), { maxSteps: steps });
  est.dispose();
  return dir;
}

async function trainError(dir: string, maxSteps = 20) {
  const est = makeEstimator({ modelDir: dir, saveEvery: 10 });
  try {
    return await rejection(() => est.train(makeInputFn(), { maxSteps }));
  } finally {
    est.dispose();
  }
}

describe('reads from the model directory', () => {
  it.skipIf(fifoWhy !== '')(
    `a FIFO behind 'checkpoint' fails fast with NOT_A_FILE, never waits for a writer${fifoWhy ? ` [skipped: mkfifo failed: ${fifoWhy}]` : ''}`,
    async () => {
      const dir = newDir();
      execFileSync('mkfifo', [join(dir, 'checkpoint')]);
      const err = await trainError(dir);
      expect(err.code).toBe('NOT_A_FILE');
      expect(err.message).toMatch(/checkpoint is a FIFO \(named pipe\), not a regular file/);
    },
    20_000,
  );

  it("/dev/zero behind 'checkpoint' or a manifest fails fast instead of reading forever", async () => {
    const dir = await trained(10);
    renameSync(join(dir, 'checkpoint'), join(dir, 'checkpoint.real'));
    symlinkSync('/dev/zero', join(dir, 'checkpoint'));
    const err = await trainError(dir);
    expect(err.code).toBe('NOT_A_FILE');
    expect(err.message).toMatch(/checkpoint is a character device, not a regular file/);
    const other = await trained(10);
    renameSync(join(other, 'model.ckpt-10.index.json'), join(other, 'manifest.real'));
    symlinkSync('/dev/zero', join(other, 'model.ckpt-10.index.json'));
    expect((await trainError(other)).code).toBe('NOT_A_FILE');
  }, 20_000);

  it('an oversized state file is FILE_TOO_LARGE, read no further', async () => {
    const dir = await trained(10);
    const padded = `${readFileSync(join(dir, 'checkpoint'), 'utf8')}${'\n'.repeat(5 << 20)}`;
    writeFileSync(join(dir, 'checkpoint'), padded);
    await expect(readCheckpointState(fileStorage(dir))).rejects.toMatchObject({
      code: 'FILE_TOO_LARGE',
      message: expect.stringMatching(/checkpoint has 5\d{6} bytes; at most 4194304 are expected there/),
    });
  });

  it('a crafted input position of 1e15 is a validation error before any replay', async () => {
    const dir = await trained(10);
    const path = join(dir, 'model.ckpt-10.index.json');
    const m = JSON.parse(readFileSync(path, 'utf8'));
    expect(m.extra.inputState.position).toBe(10);
    m.extra.inputState.position = 1e15;
    writeFileSync(path, JSON.stringify(m));
    const err = await trainError(dir);
    expect(err.code).toBe('OUT_OF_RANGE');
    expect(err.message).toMatch(
      /the saved position 1000000000000000 is past the end of this dataset, which has 1000000000 elements/,
    );
  }, 20_000);
});

describe('gzip', () => {
  it('a gzip bomb stops once it passes the size its IDX header declares, far below 256 MB RSS', async () => {
    // An IDX header for 10 images of 28×28 (7,856 bytes in all), then 512 MiB of zeros: about 0.5 MB compressed.
    const dir = newDir();
    const header = Buffer.alloc(16);
    header.writeUInt32BE(0x00000803, 0);
    header.writeUInt32BE(10, 4);
    header.writeUInt32BE(28, 8);
    header.writeUInt32BE(28, 12);
    const gz = createGzip({ level: 9 });
    const out: Buffer[] = [];
    gz.on('data', (c: Buffer) => out.push(c));
    const finished = new Promise((r) => gz.on('end', r));
    gz.write(header);
    const zeros = Buffer.alloc(1 << 20);
    for (let i = 0; i < 512; i++) if (!gz.write(zeros)) await new Promise((r) => gz.once('drain', r));
    gz.end();
    await finished;
    const bomb = Buffer.concat(out);
    expect(bomb.length).toBeLessThan(1 << 20);
    writeFileSync(join(dir, 'bomb.gz'), bomb);
    const result = await runChild('gunzip-child.mjs', join(dir, 'bomb.gz'));
    const report = JSON.parse(result.lines.at(-1) ?? '{}') as {
      error: { code: string; message: string } | null;
      maxRssBytes: number;
    };
    expect(report.error?.code, result.stderr).toBe('INVALID_ARGUMENT');
    expect(report.error?.message).toMatch(/decompresses to more than the 7856 bytes its IDX header \(uint8, rank 3\)/);
    expect(report.maxRssBytes).toBeLessThan(256 << 20);
  }, 60_000);
});

describe('writes', () => {
  it('a symlink in the model directory that points outside it is refused for writes', async () => {
    const dir = await trained(10);
    const outside = newDir();
    // eval/ → elsewhere: evaluation would write its event file there.
    symlinkSync(outside, join(dir, 'eval'));
    const est = makeEstimator({ modelDir: dir });
    const err = await rejection(() => est.evaluate(makeInputFn(), { steps: 1 }));
    est.dispose();
    expect(err.code).toBe('UNSAFE_PATH');
    expect(err.message).toMatch(/eval resolves to .*, outside the model directory/);
    // checkpoint → a file elsewhere: the next save refuses to write through it.
    renameSync(join(dir, 'checkpoint'), join(outside, 'checkpoint'));
    symlinkSync(join(outside, 'checkpoint'), join(dir, 'checkpoint'));
    const before = readFileSync(join(outside, 'checkpoint'), 'utf8');
    const saveErr = await trainError(dir);
    expect((saveErr.cause as { code?: string }).code).toBe('UNSAFE_PATH');
    expect(saveErr.message).toMatch(
      /Saving a checkpoint at step 20 failed: .*checkpoint is a symlink to .*outside the model directory/,
    );
    expect(readFileSync(join(outside, 'checkpoint'), 'utf8')).toBe(before);
  });
});
