import type { ModelDirStorage } from '@estimatorjs/estimator';
import { fileStorage } from '@estimatorjs/estimator/node';
import { setupTestBackend, tempModelDir } from '@estimatorjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkpointValues, checkStateFile, runChild, seededRandom } from './helpers.js';

// kill -9 at random moments, 20 times in a row, some of them inside a checkpoint write: every restart must resume
// from the last complete checkpoint, the state file must only name loadable checkpoints, and the end result must
// equal an uninterrupted run bit for bit.
const KILLS = 20;
// Killed runs aim at an unreachable step so every one of them is still training when it dies, however fast the
// machine; the last run and the uninterrupted reference then train to a step just past where the kills left off.
const UNREACHABLE = 1_000_000;
const SAVE_EVERY = 10;
const TARGETS = [
  { op: 'write', file: 'weights' },
  { op: 'write', file: 'manifest' },
  { op: 'write', file: 'state' },
  { op: 'remove', file: 'manifest' },
  { op: 'remove', file: 'weights' },
] as const;
const SEED = Number(process.env.RELIABILITY_SEED ?? 20_240_610);

const dirs: { cleanup: () => void }[] = [];

/** The newest checkpoint whose manifest is on disk, for a directory without a state file. */
async function newestOnDisk(storage: ModelDirStorage): Promise<{ latest: string; step: number } | null> {
  const steps = (await storage.list())
    .map((f) => /^model\.ckpt-(\d+)\.index\.json$/.exec(f)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number);
  if (steps.length === 0) return null;
  const step = Math.max(...steps);
  return { latest: `model.ckpt-${step}`, step };
}
afterAll(() => {
  for (const d of dirs) d.cleanup();
});
beforeAll(() => setupTestBackend('cpu'));

function dir(): string {
  const d = tempModelDir('estimatorjs-kill-');
  dirs.push(d);
  return d.dir;
}

describe('kill -9 and resume', () => {
  it(`survives ${KILLS} kills (random moments, inside checkpoint writes) and ends equal to an uninterrupted run`, async () => {
    const random = seededRandom(SEED);
    const killed = dir();
    const storage = fileStorage(killed);
    const kinds = new Map<string, number>();
    let expected: { latest: string | null; step: number } = { latest: null, step: 0 };
    for (let run = 0; run < KILLS; run++) {
      // Half the kills come from outside at a random time; half from inside a storage operation, before it starts
      // or a random fraction of a millisecond to a few milliseconds into it (inside write, fsync or rename).
      // Internal kills cycle through every operation of a save: weights, manifest, state file, deleting old ones.
      const external = run % 2 === 0;
      const target = TARGETS[(run >> 1) % TARGETS.length]!;
      const kill = external
        ? undefined
        : { ...target, nth: 1 + Math.floor(random() * 3), delayMs: run % 4 === 1 ? 0 : 0.1 + random() * 3 };
      const afterMs = 20 + Math.floor(random() * 250);
      const result = await runChild(
        'trainer-child.mjs',
        { modelDir: killed, maxSteps: UNREACHABLE, saveEvery: SAVE_EVERY, kill, rebuildCheckpointState: true },
        (line, killNow) => {
          if (external && line.startsWith('restored ')) setTimeout(killNow, afterMs);
        },
      );
      const context = `run ${run} (seed ${SEED}): ${result.lines.slice(0, 3).join(' | ')} … ${result.stderr.slice(-500)}`;
      expect(result.signal, context).toBe('SIGKILL');
      // The restart resumed from the checkpoint the state file named when the previous process died.
      const restored = result.lines.find((l) => l.startsWith('restored '));
      expect(restored, context).toBe(`restored ${expected.latest ?? 'none'} ${expected.step}`);
      // Whatever was interrupted, the state file names only checkpoints that exist and load.
      expected = await checkStateFile(storage);
      // A kill between the very first checkpoint's manifest and the state file leaves a checkpoint no state file
      // names: the restart (RunConfig.rebuildCheckpointState) adopts the newest one that loads.
      if (expected.latest === null) expected = (await newestOnDisk(storage)) ?? expected;
      const kind = kill ? `${kill.op} ${kill.file} ${kill.delayMs ? '(during)' : '(before)'}` : 'external';
      if (kill)
        expect(
          result.lines.some((l) => l.startsWith(`dying ${kill.op} `)),
          context,
        ).toBe(true);
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    expect(kinds.size).toBe(1 + TARGETS.length * 2);

    const MAX_STEPS = expected.step + 5 * SAVE_EVERY;
    const last = await runChild('trainer-child.mjs', {
      modelDir: killed,
      maxSteps: MAX_STEPS,
      saveEvery: SAVE_EVERY,
      rebuildCheckpointState: true,
    });
    expect(
      last.lines.find((l) => l.startsWith('restored ')),
      last.stderr,
    ).toBe(`restored ${expected.latest ?? 'none'} ${expected.step}`);
    expect(last.lines.at(-1)).toBe(`done ${MAX_STEPS}`);
    const reference = dir();
    const ref = await runChild('trainer-child.mjs', {
      modelDir: reference,
      maxSteps: MAX_STEPS,
      saveEvery: SAVE_EVERY,
    });
    expect(ref.lines.at(-1), ref.stderr).toBe(`done ${MAX_STEPS}`);
    const prefix = `model.ckpt-${MAX_STEPS}`;
    const a = await checkpointValues(fileStorage(reference), prefix);
    const b = await checkpointValues(storage, prefix);
    expect(b.globalStep).toBe(MAX_STEPS);
    expect([...b.values.keys()]).toEqual([...a.values.keys()]);
    for (const [name, v] of a.values) expect(b.values.get(name), name).toEqual(v);
    console.log(`kill -9 kinds (seed ${SEED}):`, Object.fromEntries(kinds));
  }, 120_000);
});
