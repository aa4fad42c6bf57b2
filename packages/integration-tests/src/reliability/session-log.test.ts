import type { Event } from '@estimatorjs/summary';
import { listEventFiles, readEvents } from '@estimatorjs/summary/node';
import { setupTestBackend } from '@estimatorjs/testing';
import { beforeAll, describe, expect, it } from 'vitest';
import { makeEstimator, makeInputFn } from './fixture.mjs';
import { rejection, tempDirs } from './helpers.js';

// Issue 17, item 6: after a crash, the resumed run's event file starts with SessionLog START at the restored step,
// so TensorBoard drops the crashed run's steps past the checkpoint instead of drawing them twice.
const newDir = tempDirs('estimatorjs-sessionlog-');
beforeAll(() => setupTestBackend('cpu'));

async function eventsOf(dir: string): Promise<Event[][]> {
  const out: Event[][] = [];
  for (const file of (await listEventFiles(dir)).sort()) {
    const events: Event[] = [];
    for await (const e of readEvents(file)) events.push(e);
    out.push(events);
  }
  return out;
}

describe('SessionLog START on resume', () => {
  it('the resumed run writes START at the restored step; with TensorBoard purging on it, every step is drawn once', async () => {
    const dir = newDir();
    const crash = {
      afterRun(ctx: { globalStep: number }) {
        if (ctx.globalStep === 15) throw new Error('simulated crash at step 15');
      },
    };
    const first = makeEstimator({ modelDir: dir, saveEvery: 10, summarySteps: 1 });
    await rejection(() => first.train(makeInputFn(), { maxSteps: 30, hooks: [crash] }));
    first.dispose();
    const second = makeEstimator({ modelDir: dir, saveEvery: 10, summarySteps: 1 });
    await second.train(makeInputFn(), { maxSteps: 20 });
    second.dispose();

    const files = await eventsOf(dir);
    expect(files).toHaveLength(2);
    const [crashed, resumed] = files as [Event[], Event[]];
    expect(resumed[1]).toMatchObject({ step: 10, sessionLog: { status: 1, checkpointPath: 'model.ckpt-10' } });
    const lossSteps = (events: Event[]) =>
      events.filter((e) => e.summary?.value.some((v) => v.tag === 'loss')).map((e) => e.step);
    // The crashed run wrote loss up to step 14 (the hook threw before step 15's summary); the resumed one from 11
    // again: steps 11–14 twice without a purge.
    expect(lossSteps(crashed).at(-1)).toBe(14);
    expect(lossSteps(resumed)[0]).toBe(11);
    // TensorBoard's rule (EventAccumulator._CheckForRestartAndMaybePurge): a SessionLog START at step s drops the
    // earlier events with a step greater than s.
    let drawn: number[] = [];
    for (const e of [...crashed, ...resumed]) {
      if (e.sessionLog?.status === 1) drawn = drawn.filter((s) => s <= e.step);
      if (e.summary?.value.some((v) => v.tag === 'loss')) drawn.push(e.step);
    }
    expect(drawn).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
  });
});
