// Where does Estimator.train's time go, next to the hand-written loop? Runs bench/train/worker.mjs under
// `node --cpu-prof` once with only the Estimator and once with only the hand-written loop (same backend, model,
// steps), then splits the sampled CPU time per training step by owner (wasm kernels, tfjs-core, our packages,
// GC) and lists the functions of our packages (file:function) with the most self and inclusive time.
// Usage: node bench/train/profile.mjs [--model mlp] [--config wasm-ours] [--quick]
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const worker = fileURLToPath(new URL('./worker.mjs', import.meta.url));

/** Which part of the stack a frame belongs to. */
function ownerOf(url, functionName) {
  if (!url)
    return functionName === '(garbage collector)' ? 'GC' : functionName.startsWith('(') ? functionName : 'native';
  if (url.startsWith('wasm://') || url.includes('tfjs-backend-wasm')) return 'wasm backend (kernels + glue)';
  const ours = url.match(/packages\/(\w+)\/dist\//);
  if (ours) return `@estimatorjs/${ours[1]}`;
  if (url.includes('examples/mnist')) return 'model_fn (examples/mnist)';
  if (url.includes('bench/train')) return 'bench model/loop code';
  const pkg = url.match(/node_modules\/(@tensorflow\/[\w-]+)\//);
  if (pkg) return pkg[1];
  if (url.startsWith('node:')) return 'node internals';
  return 'other';
}

const shortUrl = (url) => url.replace(/^.*?(packages\/\w+\/dist\/|examples\/mnist\/dist\/|bench\/)/, '$1');

function analyse(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  const owners = new Map();
  const inclusive = new Map();
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = (profile.timeDeltas[i] ?? 0) / 1000; // µs → ms
    const leaf = byId.get(id);
    const { url, functionName } = leaf.callFrame;
    if (functionName === '(idle)') return;
    total += dt;
    const owner = ownerOf(url, functionName);
    owners.set(owner, (owners.get(owner) ?? 0) + dt);
    if (/@estimatorjs|model_fn/.test(owner)) {
      const key = `${shortUrl(url)}:${functionName || '(anonymous)'}`;
      self.set(key, (self.get(key) ?? 0) + dt);
    }
    const seen = new Set();
    for (let n = leaf; n; n = byId.get(parent.get(n.id))) {
      const f = n.callFrame;
      if (!/packages\/\w+\/dist\//.test(f.url)) continue;
      const key = `${shortUrl(f.url)}:${f.functionName || '(anonymous)'}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + dt);
    }
  });
  return { total, owners, self, inclusive };
}

function profileRun({ config, model, variant, rounds, steps }) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-prof-'));
  try {
    const argv = ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '200', worker];
    argv.push('--config', config, '--model', model, '--variants', variant, '--rounds', String(rounds));
    argv.push('--steps', String(steps));
    const r = spawnSync(process.execPath, argv, { encoding: 'utf8', maxBuffer: 64 << 20 });
    if (r.status !== 0) throw new Error(`profile ${variant}: ${r.stderr.trim().split('\n').pop()}`);
    const file = readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
    const result = JSON.parse(r.stdout.trim().split('\n').pop());
    // Warm-up and rounds all sampled: steps = (rounds + 1) × steps.
    return { ...analyse(JSON.parse(readFileSync(join(dir, file), 'utf8'))), steps: (rounds + 1) * steps, result };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Profiles both loops and returns { markdown, estimator, core }. */
export async function profileEstimator({ model = 'mlp', config = 'wasm-ours', quick = false } = {}) {
  const steps = model === 'mlp' ? (quick ? 100 : 300) : quick ? 6 : 15;
  const rounds = 2;
  const est = profileRun({ config, model, variant: 'estimator', rounds, steps });
  const core = profileRun({ config, model, variant: 'core', rounds, steps });
  const coreData = profileRun({ config, model, variant: 'core-data', rounds, steps });
  const per = (x, ms) => (ms / x.steps).toFixed(3);
  const lines = [];
  lines.push(
    `### Where Estimator.train's time goes (${model}, ${config}; CPU samples, ms per step, ${est.steps} steps each, process start included)`,
  );
  lines.push('');
  lines.push('| owner | hand-written loop | same loop on our Dataset | Estimator.train | Estimator − hand-written |');
  lines.push('|---|---:|---:|---:|---:|');
  const owners = [...new Set([...est.owners.keys(), ...core.owners.keys()])].sort(
    (a, b) => (est.owners.get(b) ?? 0) - (est.owners.get(a) ?? 0),
  );
  for (const o of owners) {
    const a = (core.owners.get(o) ?? 0) / core.steps;
    const b = (est.owners.get(o) ?? 0) / est.steps;
    if (a < 0.001 && b < 0.001) continue;
    const d = (coreData.owners.get(o) ?? 0) / coreData.steps;
    lines.push(
      `| ${o} | ${a.toFixed(3)} | ${d.toFixed(3)} | ${b.toFixed(3)} | ${(b - a >= 0 ? '+' : '') + (b - a).toFixed(3)} |`,
    );
  }
  lines.push(`| **total** | ${per(core, core.total)} | ${per(coreData, coreData.total)} | ${per(est, est.total)} | |`);
  lines.push('');
  lines.push(
    'Functions of our packages in the Estimator run (ms per step): self time, and inclusive time (callees too).',
  );
  lines.push('');
  lines.push('| file:function | self | inclusive |');
  lines.push('|---|---:|---:|');
  const bySelf = [...est.self.keys()].sort((a, b) => est.self.get(b) - est.self.get(a)).slice(0, 12);
  const byInclusive = [...est.inclusive.keys()]
    .sort((a, b) => est.inclusive.get(b) - est.inclusive.get(a))
    .slice(0, 12);
  const keys = [...new Set([...bySelf, ...byInclusive])];
  for (const k of keys) {
    lines.push(`| \`${k}\` | ${per(est, est.self.get(k) ?? 0)} | ${per(est, est.inclusive.get(k) ?? 0)} |`);
  }
  const ser = (x) => ({
    steps: x.steps,
    totalMs: x.total,
    owners: Object.fromEntries(x.owners),
    self: Object.fromEntries(x.self),
    inclusive: Object.fromEntries(x.inclusive),
  });
  return { markdown: lines.join('\n'), estimator: ser(est), core: ser(core), coreData: ser(coreData) };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const opt = (f, d) => (args.indexOf(`--${f}`) >= 0 ? args[args.indexOf(`--${f}`) + 1] : d);
  const r = await profileEstimator({
    model: opt('model', 'mlp'),
    config: opt('config', 'wasm-ours'),
    quick: args.includes('--quick'),
  });
  console.log(r.markdown);
}
