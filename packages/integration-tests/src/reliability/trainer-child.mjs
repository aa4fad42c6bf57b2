// A trainer process for the kill -9 and trainer/evaluator tests. Usage: node trainer-child.mjs '<json options>'
//   { modelDir, maxSteps, saveEvery?, keepMax?, rebuildCheckpointState?, kill?: { op, file, nth, delayMs } }
// With `kill` it SIGKILLs itself at its nth model-directory operation `op` ('write' | 'remove') on a `file` of kind
// 'weights' | 'manifest' | 'state': `delayMs` after the real operation started (0: just before it starts), so
// kills land inside the write, the fsync or the rename.
// Prints one line per event on stdout: `restored <prefix|none> <step>`, `op <n> <kind> <name>`, `done <step>`.

import { fileStorage } from '@estimatorjs/estimator/node';
import { setupTestBackend } from '@estimatorjs/testing';
import { makeEstimator, makeInputFn } from './fixture.mjs';

const opts = JSON.parse(process.argv[2] ?? '{}');
await setupTestBackend('cpu');

const inner = fileStorage(opts.modelDir);
const kill = opts.kill;
let ops = 0;
let matches = 0;
function die() {
  process.kill(process.pid, 'SIGKILL');
}
const fileKind = (name) =>
  name.endsWith('.weights.bin') ? 'weights' : name.endsWith('.index.json') ? 'manifest' : 'state';
async function guarded(op, name, run) {
  ops += 1;
  process.stdout.write(`op ${ops} ${op} ${name}\n`);
  if (!kill || kill.op !== op || kill.file !== fileKind(name) || ++matches !== kill.nth) return run();
  process.stdout.write(`dying ${op} ${name}\n`);
  if (!kill.delayMs) die();
  const p = run();
  setTimeout(die, kill.delayMs);
  await p;
  die();
  await new Promise(() => {});
}
const storage = {
  location: inner.location,
  read: (name) => inner.read(name),
  list: () => inner.list(),
  writeAtomic: (name, data) => guarded('write', name, () => inner.writeAtomic(name, data)),
  remove: (name) => guarded('remove', name, () => inner.remove(name)),
  lockForTraining: (api) => inner.lockForTraining(api),
};

const log = (line) => {
  const m = /^Restored (\S+); resuming training from global step (\d+)/.exec(line);
  if (m) process.stdout.write(`restored ${m[1]} ${m[2]}\n`);
  else if (line.startsWith('Starting training from global step')) process.stdout.write('restored none 0\n');
};
const est = makeEstimator({
  modelDir: opts.modelDir,
  storage,
  saveEvery: opts.saveEvery,
  keepMax: opts.keepMax,
  log,
  rebuildCheckpointState: opts.rebuildCheckpointState,
});
await est.train(makeInputFn(), { maxSteps: opts.maxSteps });
process.stdout.write(`done ${est.globalStep}\n`);
