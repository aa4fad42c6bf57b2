/** The charts' history after a reload: the runs of the model directory, read back from the event files in IndexedDB. */
import { readIndexedDbRuns } from '@estimatorjs/board/components';
import type { Runs } from './charts.js';

/**
 * The scalars of `<modelDir>` (run `.`) and `<modelDir>/eval` (run `eval`) written by earlier visits of the page;
 * training points after `lastStep` (the checkpoint training resumes from) are dropped: training redoes them.
 */
export async function readTrainingHistory(modelDir: string, lastStep: number): Promise<Runs> {
  const runs = await readIndexedDbRuns(modelDir);
  const train = runs['.'];
  if (train) for (const tag of Object.keys(train)) train[tag] = train[tag]!.filter((p) => p[0] <= lastStep);
  return runs;
}
