// Benchmarks @estimatorjs/data against @tensorflow/tfjs-data 4.22.0 on the same pipelines, in the same run,
// on one tfjs backend for both (--backend cpu, the default, or wasm: the backend the Estimator trains on in Node).
// Prints a markdown table of ratios. Build first: pnpm turbo run build --filter=@estimatorjs/data
// Every comparison runs R interleaved rounds (ours, theirs, then theirs, ours, ...) after a warm-up of both and
// reports the median rate of each side and the median of the per-round ratios (the machine may be shared).
// Usage: node bench/data/run.mjs [--backend cpu|wasm] [--batches 500] [--rounds 5] [--quick] [--only a,b,c,d]
import { createRequire } from 'node:module';
import { resolve as resolvePath } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const pkgJson = fileURLToPath(new URL('../../packages/data/package.json', import.meta.url));
const require = createRequire(pkgJson);
const tf = await import(require.resolve('@tensorflow/tfjs-core'));
await import(require.resolve('@tensorflow/tfjs-backend-cpu'));
const tfd = await import(require.resolve('@tensorflow/tfjs-data'));
// --ours <dist dir> benchmarks another build of @estimatorjs/data (e.g. an older commit's) in our place
const argv = process.argv.slice(2);
const oursDist = argv.includes('--ours')
  ? pathToFileURL(`${resolvePath(argv[argv.indexOf('--ours') + 1])}/`)
  : new URL('../../packages/data/dist/', import.meta.url);
const ours = await import(new URL('index.js', oursDist).href);
const BACKEND = argv.includes('--backend') ? argv[argv.indexOf('--backend') + 1] : 'cpu';
if (BACKEND === 'wasm') {
  // through @estimatorjs/backends, which finds the .wasm files in Node; both sides get the same stock kernels
  const { backends } = await import('../backends/deps.mjs');
  await backends.useBackend('wasm');
} else if (BACKEND === 'cpu') {
  await tf.setBackend('cpu');
} else {
  throw new Error(`bench/data: --backend must be cpu or wasm, got '${BACKEND}'.`);
}
await tf.ready();

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const BATCHES = Number(args[args.indexOf('--batches') + 1]) || (quick ? 100 : 500);
const ROUNDS = args.includes('--rounds') ? Number(args[args.indexOf('--rounds') + 1]) : quick ? 3 : 5;
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
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

// each timed run starts from a collected heap, so neither side pays for the other's garbage
const { setFlagsFromString } = await import('node:v8');
const { runInNewContext } = await import('node:vm');
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc');
async function time(name, fn) {
  gc();
  const before = tf.memory().numTensors;
  const t0 = performance.now();
  let secs = 0;
  // fn may stop the clock itself (stop()) before untimed cleanup
  const stop = () => {
    secs ||= (performance.now() - t0) / 1000;
  };
  const n = await fn(stop);
  stop();
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
  if (normalize === 'vectorized') ds = ds.map(({ xs, ys }) => ({ xs: tf.div(xs, 255), ys }), { vectorize: true });
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
  if (normalize === 'element' || normalize === 'vectorized') ds = ds.map(({ xs, ys }) => ({ xs: tf.div(xs, 255), ys }));
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
async function runTfd(ds, n, stop) {
  const it = await ds.iterator();
  const r = await drain(() => it.next(), n);
  // tfjs-data iterators cannot be closed, and an abandoned shuffle buffer (20,000 tensors) left in its engine slows
  // every later tensor op, ours included. Untimed, finish the epoch instead: at an epoch's end the shuffle buffer
  // is empty and nothing is left behind. (An engine scope would free it too, but tracking every tensor slows
  // tfjs-data by 20-25%.)
  stop?.();
  const perEpoch = Math.ceil(N / BATCH);
  await drain(() => it.next(), Math.ceil(n / perEpoch) * perEpoch - n);
  return r;
}

const rows = [];
const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : null;
const want = (id) => !only || only.includes(id);
/** R interleaved rounds of `oursRun` and `theirsRun` (each returns a timing with perSec); medians. */
async function rounds(label, oursRun, theirsRun, unit) {
  const os = [];
  const ts = [];
  for (let r = 0; r < ROUNDS; r++) {
    if (r % 2 === 0) {
      os.push(await oursRun());
      ts.push(await theirsRun());
    } else {
      ts.push(await theirsRun());
      os.push(await oursRun());
    }
  }
  const pick = (xs) => ({
    ...xs[0],
    perSec: median(xs.map((x) => x.perSec)),
    leaked: Math.max(...xs.map((x) => x.leaked)),
  });
  const ratio = median(os.map((o, i) => o.perSec / ts[i].perSec));
  const o = pick(os);
  const t = pick(ts);
  rows.push({ label, o, t, ratio, unit });
  console.error(
    `${label}: ours ${o.perSec.toFixed(1)} ${unit}, tfjs-data ${t.perSec.toFixed(1)} ${unit}, median ratio ${ratio.toFixed(1)}× (rounds: ${os.map((x, i) => (x.perSec / ts[i].perSec).toFixed(1)).join(', ')})`,
  );
}
async function compare(label, oursFn, theirsFn, n) {
  // warm-up both (JIT, buffers); each timed run builds a fresh pipeline, shuffle-buffer fill included
  await runOurs(oursFn(), 5);
  await runTfd(theirsFn(), 5, () => {});
  await rounds(
    label,
    () => time('ours', () => runOurs(oursFn(), n)),
    () => time('tfjs-data', (stop) => runTfd(theirsFn(), n, stop)),
    'batches/s',
  );
}

if (want('a'))
  await compare(
    `(a) ${N}x${D} f32 + labels → shuffle(${BUFFER}) → batch(${BATCH}) → repeat`,
    () => oursA(),
    () => tfdA(),
    BATCHES,
  );
if (want('b'))
  await compare(
    '(b) same + normalizing map per element, `map(fn, { vectorize: true })`',
    () => oursA('vectorized'),
    () => tfdA('vectorized'),
    BATCHES,
  );
if (want('b-general'))
  await compare(
    '(b) same + normalizing map per element, plain `map(fn)` (general path)',
    () => oursA('element'),
    () => tfdA('element'),
    BATCHES,
  );
if (want('b-batch'))
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
const node = await import(new URL('node/index.js', oursDist).href);
const dir = mkdtempSync(join(tmpdir(), 'bench-data-'));
const extra = [];
const countRows = async (iterable) => {
  let n = 0;
  for await (const _ of iterable) n++;
  return n;
};
try {
  if (want('c')) {
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
    const mbps = (x) => ({ ...x, perSec: mb / x.secs });
    await rounds(
      `(c) CSV ${mb.toFixed(1)} MB, ${ROWS} rows × ${COLS} numeric columns → row objects`,
      async () => mbps(await time('ours', async () => countRows(ours.csvDataset(await node.fileSource(csvPath))))),
      async () =>
        mbps(
          await time('tfjs-data', async () => {
            const it = await tfd.csv(`file://${csvPath}`).iterator();
            let n = 0;
            for (let r = await it.next(); !r.done; r = await it.next()) n++;
            return n;
          }),
        ),
      'MB/s',
    );
  }
  // ---- (d) TFRecord of 60,000 tf.train.Examples (784 raw bytes + int64 label): our reader only
  if (want('d')) {
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
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}

console.log(`\n### @estimatorjs/data vs @tensorflow/tfjs-data 4.22.0 (${BACKEND} backend, Node ${process.version})\n`);
console.log('| pipeline | ours | tfjs-data | ratio | live tensors after a run (ours / tfjs-data) |');
console.log('|---|---:|---:|---:|---|');
for (const { label, o, t, ratio, unit } of rows) {
  console.log(
    `| ${label} | ${o.perSec.toFixed(1)} ${unit} | ${t.perSec.toFixed(1)} ${unit} | **${ratio.toFixed(1)}×** | ${o.leaked} / ${t.leaked} |`,
  );
}
for (const line of extra) console.log(`\n${line}`);
console.log(
  `\n${BATCHES} batches per timed run for (a)/(b), each run a fresh pipeline (shuffle-buffer fill included); medians of ${ROUNDS} interleaved rounds, ratio = median of per-round ratios. tfjs-data's iterators cannot be closed: after the clock stops, each of its runs is pulled (untimed) to the end of the epoch, which empties its shuffle buffer.`,
);
