/** The charts' history after a reload: loss and eval accuracy read back from the event files in IndexedDB. */
import { listIndexedDbEventFiles, readEventRecords, readIndexedDbEventFile, scalarValue } from '@estimatorjs/summary';

/** `[step, value]` points of a scalar, in step order (the newest value wins when a step was written twice). */
export type Points = [number, number][];

/** What the page charts. */
export interface TrainingHistory {
  readonly losses: Points;
  readonly accuracies: Points;
}

/** The scalar `tag` from the event files directly in `logdir` (not its subdirectories). */
async function scalars(logdir: string, tag: string): Promise<Points> {
  const byStep = new Map<number, number>();
  const files = (await listIndexedDbEventFiles({ logdir })).filter((f) => f.logdir === logdir);
  for (const f of files) {
    let events: ReturnType<typeof readEventRecords>;
    try {
      events = readEventRecords(await readIndexedDbEventFile(f.name));
    } catch (e) {
      console.warn(`Skipping event file ${f.name}: ${e instanceof Error ? e.message : String(e)}`);
      continue;
    }
    for (const ev of events) {
      for (const v of ev.summary?.value ?? []) {
        if (v.tag !== tag) continue;
        const x = scalarValue(v);
        if (x !== undefined) byStep.set(ev.step, x);
      }
    }
  }
  return [...byStep.entries()].sort((a, b) => a[0] - b[0]);
}

/** Loss (`<modelDir>`) and eval accuracy (`<modelDir>/eval`) written by earlier visits of the page. */
export async function readTrainingHistory(modelDir: string): Promise<TrainingHistory> {
  const [losses, accuracies] = await Promise.all([scalars(modelDir, 'loss'), scalars(`${modelDir}/eval`, 'accuracy')]);
  return { losses, accuracies };
}
