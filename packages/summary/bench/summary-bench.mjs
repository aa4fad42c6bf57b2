// Cost of writing summaries every step: events/sec and µs per step for scalar, scalar + histogram, images.
// Run after a build: `pnpm --filter @estimatorjs/summary bench` (or `node bench/summary-bench.mjs`).
// Prints figures only; nothing is asserted.
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { EventWriter, MemoryEventSink } from '../dist/index.js';
import { createFileWriter } from '../dist/node/index.js';

await tf.setBackend('cpu');
await tf.ready();

const rows = [];

async function bench(name, steps, makeWriter, perStep) {
  // warm-up (JIT, tables)
  {
    const w = makeWriter();
    for (let s = 0; s < Math.min(50, steps); s++) perStep(w, s);
    await w.close();
  }
  const w = makeWriter();
  const t0 = performance.now();
  for (let s = 0; s < steps; s++) perStep(w, s);
  const tEnqueue = performance.now() - t0;
  await w.close();
  const total = performance.now() - t0;
  rows.push({
    case: name,
    steps,
    'enqueue µs/step': ((tEnqueue * 1000) / steps).toFixed(2),
    'total µs/step': ((total * 1000) / steps).toFixed(2),
    'steps/sec': Math.round((steps / total) * 1000),
    bytes: w.__bytes?.() ?? '',
  });
}

const tmp = mkdtempSync(join(tmpdir(), 'summary-bench-'));
const mem = () => {
  const sink = new MemoryEventSink();
  const w = new EventWriter(sink, { flushSecs: 0 });
  w.__bytes = () => sink.bytes().length;
  return w;
};
let fileN = 0;
const file = () => {
  const dir = join(tmp, String(fileN++));
  const w = createFileWriter(dir, { flushSecs: 5 });
  w.__bytes = () => readdirSync(dir).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
  return w;
};

const small = new Float32Array(1000).map((_, i) => Math.sin(i));
const kernel = tf.randomNormal([784, 128]); // 100k weights, like an MNIST dense layer
const image = tf.randomUniform([8, 28, 28, 1]);

await bench('scalar (memory)', 100000, mem, (w, s) => w.scalar('loss', 1 / (s + 1), s));
await bench('scalar (file)', 100000, file, (w, s) => w.scalar('loss', 1 / (s + 1), s));
await bench('scalar + histogram of 1k floats (file)', 20000, file, (w, s) => {
  w.scalar('loss', 1 / (s + 1), s);
  w.histogram('w', small, s);
});
await bench('scalar + histogram of a 784x128 tensor (file)', 2000, file, (w, s) => {
  w.scalar('loss', 1 / (s + 1), s);
  w.histogram('dense/kernel', kernel, s);
});
await bench('3 MNIST images of a [8,28,28,1] batch (file)', 500, file, (w, s) => w.image('input', image, s));

tf.dispose([kernel, image]);
console.table(rows);
console.log(
  `node ${process.version}, tfjs-core ${tf.version_core}, backend ${tf.getBackend()}, tensors alive after disposing the inputs: ${tf.memory().numTensors}`,
);
rmSync(tmp, { recursive: true, force: true });
