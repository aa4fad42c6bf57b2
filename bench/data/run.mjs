// Benchmarks @estimatorjs/data against @tensorflow/tfjs-data 4.22.0 on the same pipelines, in the same run,
// on the tfjs cpu backend. Prints a markdown table of ratios. Build first: pnpm turbo run build --filter=@estimatorjs/data
// Usage: node bench/data/run.mjs [--batches 500] [--quick]
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const pkgJson = fileURLToPath(new URL('../../packages/data/package.json', import.meta.url));
const require = createRequire(pkgJson);
const tf = await import(require.resolve('@tensorflow/tfjs-core'));
await import(require.resolve('@tensorflow/tfjs-backend-cpu'));
const tfd = await import(require.resolve('@tensorflow/tfjs-data'));
const ours = await import(new URL('../../packages/data/dist/index.js', import.meta.url).href);
await tf.setBackend('cpu');
await tf.ready();

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const BATCHES = Number(args[args.indexOf('--batches') + 1]) || (quick ? 100 : 500);
const N = quick ? 10000 : 60000;
const D = 784;
const BATCH = 128;
const BUFFER = 10000;

const xs = new Float32Array(N * D);
for (let i = 0; i < xs.length; i++) xs[i] = (i * 2654435761) % 256;
const ys = new Int32Array(N);
for (let i = 0; i < N; i++) ys[i] = i % 10;
const xsT = tf.tensor2d(xs, [N, D]);
const ysT = tf.tensor1d(ys, 'int32');

async function time(name, fn) {
  const before = tf.memory().numTensors;
  const t0 = performance.now();
  const n = await fn();
  const secs = (performance.now() - t0) / 1000;
  const leaked = tf.memory().numTensors - before;
  return { name, n, secs, perSec: n / secs, leaked };
}

async function drain(iterNext, count) {
  for (let i = 0; i < count; i++) {
    const r = await iterNext();
    if (r.done) throw new Error('ended early');
    tf.dispose(r.value);
  }
  return count;
}

// ---- (a) slices -> shuffle -> batch -> repeat
function oursA(normalize) {
  let ds = ours.Dataset.fromTensorSlices({ xs: xsT, ys: ysT });
  if (normalize === 'element') ds = ds.map(({ xs, ys }) => ({ xs: tf.div(xs, 255), ys }));
  ds = ds.shuffle(BUFFER, { seed: 1 }).batch(BATCH).repeat();
  if (normalize === 'batch') ds = ds.map(({ xs, ys }) => ({ xs: tf.div(xs, 255), ys }));
  return ds;
}
function tfdA(normalize) {
  let ds = tfd.generator(function* () {
    for (let i = 0; i < N; i++) {
      yield { xs: tf.tensor1d(xs.subarray(i * D, (i + 1) * D)), ys: tf.scalar(ys[i], 'int32') };
    }
  });
  if (normalize === 'element') ds = ds.map(({ xs, ys }) => ({ xs: tf.div(xs, 255), ys }));
  ds = ds.shuffle(BUFFER, 'seed').batch(BATCH).repeat();
  if (normalize === 'batch') ds = ds.map(({ xs, ys }) => ({ xs: tf.div(xs, 255), ys }));
  return ds;
}

async function runOurs(ds, n) {
  const it = ds.makeOneShotIterator();
  const r = await drain(() => it.next(), n);
  await it.return();
  return r;
}
async function runTfd(ds, n) {
  const it = await ds.iterator();
  return drain(() => it.next(), n);
}

const rows = [];
async function compare(label, oursFn, theirsFn, n) {
  // warm-up both (JIT, buffers)
  await runOurs(oursFn(), 5);
  const o = await time('ours', () => runOurs(oursFn(), n));
  const tfdN = Math.max(20, Math.round(n / 5)); // tfjs-data is slow: measure fewer batches, compare rates
  const t = await time('tfjs-data', () => runTfd(theirsFn(), tfdN));
  rows.push({ label, o, t });
  console.error(`${label}: ours ${o.perSec.toFixed(1)} batches/s, tfjs-data ${t.perSec.toFixed(1)} batches/s`);
}

await compare(
  `(a) ${N}x${D} f32 + labels → shuffle(${BUFFER}) → batch(${BATCH}) → repeat`,
  () => oursA(),
  () => tfdA(),
  BATCHES,
);
await compare(
  '(b) same + normalizing map per element',
  () => oursA('element'),
  () => tfdA('element'),
  BATCHES,
);
await compare(
  '(b′) same + normalizing map per batch',
  () => oursA('batch'),
  () => tfdA('batch'),
  BATCHES,
);

console.log(`\n### @estimatorjs/data vs @tensorflow/tfjs-data 4.22.0 (cpu backend, Node ${process.version})\n`);
console.log('| pipeline | ours (batches/s) | tfjs-data (batches/s) | ratio | leaked tensors (ours / tfjs-data) |');
console.log('|---|---:|---:|---:|---|');
for (const { label, o, t } of rows) {
  console.log(
    `| ${label} | ${o.perSec.toFixed(1)} | ${t.perSec.toFixed(1)} | **${(o.perSec / t.perSec).toFixed(1)}×** | ${o.leaked} / ${t.leaked} |`,
  );
}
