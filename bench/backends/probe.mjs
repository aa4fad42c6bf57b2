import { backends } from './deps.mjs';

const { useBackend } = backends;

import { makeBatch, makeCnn, makeMlp, makeOptimizer, trainStep } from './models.mjs';

const backend = process.argv[2] ?? 'wasm';
await useBackend(backend, { trainingKernels: process.argv[3] !== 'stock' });
const cases = [
  ['cnn adam', () => makeCnn(), 'adam'],
  ['mlp adam', () => makeMlp(), 'adam'],
  ['mlp rmsprop', () => makeMlp(), 'rmsprop'],
  ['mlp momentum', () => makeMlp(), 'momentum'],
  ['mlp dropout+bn adam', () => makeMlp(1, { dropout: 0.3, batchNorm: true }), 'adam'],
];
for (const [name, mk, opt] of cases) {
  const m = mk();
  const o = makeOptimizer(opt);
  const { x, y } = makeBatch(m.inputShape, 8);
  try {
    const l = trainStep(m, o, x, y);
    console.log(name, 'ok', (await l.data())[0]);
  } catch (e) {
    console.log(name, 'FAIL', e.message.split('\n')[0]);
  }
}
