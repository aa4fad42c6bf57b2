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
  // warm-up both (JIT, buffers), then the same number of batches each, shuffle-buffer fill included
  await runOurs(oursFn(), 5);
  await runTfd(theirsFn(), 5);
  const o = await time('ours', () => runOurs(oursFn(), n));
  const t = await time('tfjs-data', () => runTfd(theirsFn(), n));
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

// ---- (c) CSV: parse every row of a ~50 MB file into {column: number} objects
const { mkdtempSync, writeFileSync, rmSync, statSync } = await import('node:fs');
const { tmpdir } = await import('node:os');
const { join } = await import('node:path');
const node = await import(new URL('../../packages/data/dist/node/index.js', import.meta.url).href);
const dir = mkdtempSync(join(tmpdir(), 'bench-data-'));
const extra = [];
try {
  const COLS = 8;
  const ROWS = quick ? 100000 : 1000000;
  const lines = [Array.from({ length: COLS }, (_, c) => `c${c}`).join(',')];
  for (let r = 0; r < ROWS; r++) {
    let line = '';
    for (let c = 0; c < COLS; c++) line += `${c ? ',' : ''}${((r * 31 + c * 17) % 100000) / 100}`;
    lines.push(line);
  }
  const csvPath = join(dir, 'data.csv');
  writeFileSync(csvPath, `${lines.join('\n')}\n`);
  const mb = statSync(csvPath).size / 1e6;
  const countRows = async (iterable) => {
    let n = 0;
    for await (const _ of iterable) n++;
    return n;
  };
  const o = await time('ours', async () => countRows(ours.csvDataset(await node.fileSource(csvPath))));
  const t = await time('tfjs-data', async () => {
    const it = await tfd.csv(`file://${csvPath}`).iterator();
    let n = 0;
    for (let r = await it.next(); !r.done; r = await it.next()) n++;
    return n;
  });
  rows.push({
    label: `(c) CSV ${mb.toFixed(1)} MB, ${ROWS} rows × ${COLS} numeric columns → row objects`,
    o: { ...o, perSec: mb / o.secs },
    t: { ...t, perSec: mb / t.secs },
    unit: 'MB/s',
  });
  console.error(
    `(c) csv: ours ${(mb / o.secs).toFixed(1)} MB/s (${o.n} rows), tfjs-data ${(mb / t.secs).toFixed(1)} MB/s (${t.n} rows)`,
  );

  // ---- (d) TFRecord of 60,000 tf.train.Examples (784 raw bytes + int64 label): our reader only
  const EX = quick ? 10000 : 60000;
  const recs = [];
  for (let i = 0; i < EX; i++) {
    recs.push(
      ours.encodeExample({
        image: { bytesList: [Uint8Array.from(xs.subarray((i % N) * D, (i % N) * D + D))] },
        label: { int64List: [ys[i % N]] },
      }),
    );
  }
  const recPath = join(dir, 'data.tfrecord');
  writeFileSync(recPath, ours.encodeTFRecords(recs));
  const recMb = statSync(recPath).size / 1e6;
  const r1 = await time('records', async () => countRows(ours.tfRecordDataset(await node.fileSource(recPath))));
  const spec = { label: ours.fixedLenFeature([], 'int32') };
  const r3 = await time('records → parseExample per 128', async () => {
    let n = 0;
    let buf = [];
    for await (const rec of ours.tfRecordDataset(await node.fileSource(recPath))) {
      buf.push(rec);
      if (buf.length === 128) {
        tf.dispose(ours.parseExample(buf, spec));
        buf = [];
        n++;
      }
    }
    return n;
  });
  extra.push(
    `(d) TFRecord ${recMb.toFixed(1)} MB, ${EX} Examples: read + CRC check ${(recMb / r1.secs).toFixed(0)} MB/s (${r1.n} records); + parseExample(label) per 128 ${(recMb / r3.secs).toFixed(0)} MB/s`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(`\n### @estimatorjs/data vs @tensorflow/tfjs-data 4.22.0 (cpu backend, Node ${process.version})\n`);
console.log('| pipeline | ours | tfjs-data | ratio | live tensors after (ours / tfjs-data) |');
console.log('|---|---:|---:|---:|---|');
for (const { label, o, t, unit = 'batches/s' } of rows) {
  console.log(
    `| ${label} | ${o.perSec.toFixed(1)} ${unit} | ${t.perSec.toFixed(1)} ${unit} | **${(o.perSec / t.perSec).toFixed(1)}×** | ${o.leaked} / ${t.leaked} |`,
  );
}
for (const line of extra) console.log(`\n${line}`);
console.log(
  `\n${BATCHES} batches per pipeline for (a)/(b); tfjs-data's "live tensors" is its shuffle buffer, still held by the unclosed iterator.`,
);
