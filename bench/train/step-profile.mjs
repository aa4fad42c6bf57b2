// Where does one steady-state MLP (or CNN) step of Estimator.train go? The bench's own `estimator` variant
// (bench/train/worker.mjs: our Dataset, batch 128, Adam, the default hooks): after a warm-up, `--steps` steps under
// the V8 sampling profiler (started and stopped in process, so start-up and warm-up stay out), then per step:
//   - CPU ms (process.cpuUsage: every thread, the oneDNN threads included) and wall ms,
//   - tfjs kernels dispatched (every kernelFunc of the backend counted),
//   - the sampled main-thread time split by owner (oneDNN calls, wasm kernels, tfjs-core, our packages, GC),
//   - with --top N, the N functions with the most self time.
// Usage: node bench/train/step-profile.mjs [--model mlp|cnn] [--backend native|wasm] [--threads 1|2|auto]
//        [--steps 300] [--top 0] [--no-profile]
import { readdirSync, readFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { backends, tf } from './deps.mjs';
import { MODELS } from './models.mjs';
import { makeRunners } from './worker.mjs';

const args = process.argv.slice(2);
const opt = (f, d) => (args.indexOf(`--${f}`) >= 0 ? args[args.indexOf(`--${f}`) + 1] : d);
const model = opt('model', 'mlp');
const backendName = opt('backend', 'native');
const threadsFlag = opt('threads', '1');
const steps = Number(opt('steps', 300));
const top = Number(opt('top', 0));
const warmups = Number(opt('warmup', 1));
const profile = !args.includes('--no-profile');

const info = await backends.useBackend(backendName, { threads: threadsFlag === 'auto' ? 'auto' : Number(threadsFlag) });
let kernels = 0;
for (const config of tf.getKernelsForBackend(backendName)) {
  const inner = config.kernelFunc;
  config.kernelFunc = (a) => {
    kernels++;
    return inner(a);
  };
}

const { runners, cleanup } = await makeRunners(model, ['estimator'], steps, null);
// Warm-up calls of `--steps` each: build pass, optimizer slots, JIT, oneDNN primitives.
for (let i = 0; i < warmups; i++) await runners.estimator();

function ownerOf(url, fn) {
  if (!url) return fn === '(garbage collector)' ? 'GC' : fn.startsWith('(') ? fn : 'node builtins';
  if (url.includes('native/dist/internal/native-')) return 'oneDNN (addon calls)';
  if (url.startsWith('wasm://')) return 'wasm kernels';
  if (url.includes('tfjs-backend-wasm')) return 'tfjs-backend-wasm glue';
  const ours = url.match(/packages\/(\w+)\/dist\//);
  if (ours) return `@estimatorjs/${ours[1]}`;
  if (url.includes('tfjs-core')) return 'tfjs-core';
  if (url.includes('bench/')) return 'bench';
  return url.startsWith('node:') ? 'node internals' : 'other';
}

const session = new Session();
if (profile) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
}
/** CPU ms of each thread of this process by name (Linux /proc; empty elsewhere). */
function threadTimes() {
  const out = new Map();
  try {
    for (const tid of readdirSync('/proc/self/task')) {
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ms = ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in clock ticks (USER_HZ 100)
      out.set(`${name}#${tid}`, ms);
    }
  } catch {}
  return out;
}

kernels = 0;
const t0 = threadTimes();
const c0 = process.cpuUsage();
const { wallMs, stamps } = await runners.estimator();
const c1 = process.cpuUsage(c0);
const t1 = threadTimes();
const perStep = kernels / steps;
let owners = [];
let hot = [];
if (profile) {
  const { profile: p } = await session.post('Profiler.stop');
  session.disconnect();
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const own = new Map();
  const self = new Map();
  p.samples.forEach((id, i) => {
    const dt = (p.timeDeltas[i] ?? 0) / 1000;
    const { url, functionName, lineNumber } = byId.get(id).callFrame;
    if (functionName === '(idle)') return;
    const o = ownerOf(url, functionName);
    own.set(o, (own.get(o) ?? 0) + dt);
    const key = `${functionName || '(anonymous)'} ${url.replace(/^.*\/(node_modules\/\.pnpm\/[^/]+\/node_modules\/|wt\/\w+\/)/, '')}:${lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + dt);
  });
  owners = [...own.entries()].sort((a, b) => b[1] - a[1]);
  hot = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
}
const { batch } = MODELS[model];
const steadyMs = (stamps.at(-1) - stamps[0]) / (stamps.length - 1);
console.log(
  `## ${MODELS[model].name}, Estimator.train (bench 'estimator' variant), ${backendName} ${info.threads} thread(s), ${steps} steps${profile ? ', profiler on' : ''}`,
);
console.log(
  `CPU ${((c1.user + c1.system) / 1000 / steps).toFixed(3)} ms/step; wall ${(wallMs / steps).toFixed(3)} ms/step (steady ${steadyMs.toFixed(3)}, ${((batch / steadyMs) * 1000).toFixed(0)} ex/s); kernels ${perStep.toFixed(1)}/step`,
);
if (profile) {
  console.log('\n| owner (main thread, sampled) | ms/step |\n|---|---:|');
  for (const [o, ms] of owners) console.log(`| ${o} | ${(ms / steps).toFixed(3)} |`);
}
const byThread = new Map();
for (const [k, ms] of t1) {
  const name = k;
  byThread.set(name, (byThread.get(name) ?? 0) + ms - (t0.get(k) ?? 0));
}
console.log('\n| thread (/proc, 10 ms ticks) | CPU ms/step |\n|---|---:|');
for (const [name, ms] of [...byThread.entries()].sort((a, b) => b[1] - a[1])) {
  if (ms > 0) console.log(`| ${name} | ${(ms / steps).toFixed(3)} |`);
}
if (hot.length > 0) {
  console.log('\n| function (self) | ms/step |\n|---|---:|');
  for (const [k, ms] of hot) console.log(`| ${k} | ${(ms / steps).toFixed(3)} |`);
}
await cleanup();
