// Why do 2 oneDNN threads lose to 1 on the MLP? Times the MLP step's five matmul shapes on useBackend('native') at
// `--threads`, each shape `--reps` times back to back (as a burst) and once per simulated step with `--gap-us` of
// main-thread work between calls (as in training, where wasm kernels run between the matmuls): wall µs and process
// CPU µs per call. Run it under different libgomp settings (OMP_WAIT_POLICY, GOMP_SPINCOUNT) to compare.
// Usage: [GOMP_SPINCOUNT=n] node bench/train/native-threads.mjs [--threads 2] [--reps 400] [--gap-us 200]
import { backends, tf } from './deps.mjs';

const args = process.argv.slice(2);
const opt = (f, d) => (args.indexOf(`--${f}`) >= 0 ? args[args.indexOf(`--${f}`) + 1] : d);
const threads = Number(opt('threads', 2));
const reps = Number(opt('reps', 400));
const gapUs = Number(opt('gap-us', 200));
const info = await backends.useBackend('native', { threads });
const cpu = () => {
  const u = process.cpuUsage();
  return u.user + u.system;
};
// [a shape, b shape, transposeA, transposeB] as the MLP step runs them.
const shapes = [
  [[128, 784], [784, 256], false, false, 'fc1 forward'],
  [[128, 256], [256, 10], false, false, 'fc2 forward'],
  [[128, 10], [256, 10], false, true, 'fc2 input grad'],
  [[128, 256], [128, 10], true, false, 'fc2 kernel grad'],
  [[128, 784], [128, 256], true, false, 'fc1 kernel grad'],
];
const spin = (us) => {
  const end = performance.now() + us / 1000;
  while (performance.now() < end);
};
// The libgomp settings this run is under (read by libgomp itself when the addon loads).
const { OMP_WAIT_POLICY: waitPolicy, GOMP_SPINCOUNT: spinCount } = process.env;
console.log(
  `native ${info.threads} thread(s), OMP_WAIT_POLICY=${waitPolicy}, GOMP_SPINCOUNT=${spinCount ?? '(unset)'}, gap ${gapUs} µs`,
);
console.log(
  '| matmul | burst wall µs | burst CPU µs | spaced wall µs | spaced CPU µs (minus gap) |\n|---|---:|---:|---:|---:|',
);
let totalSpacedWall = 0;
for (const [sa, sb, ta, tb, name] of shapes) {
  const a = tf.randomUniform(sa, -1, 1, 'float32', 1);
  const b = tf.randomUniform(sb, -1, 1, 'float32', 2);
  for (let i = 0; i < 20; i++) tf.matMul(a, b, ta, tb).dispose();
  let w0 = performance.now();
  let c0 = cpu();
  for (let i = 0; i < reps; i++) tf.matMul(a, b, ta, tb).dispose();
  const burstWall = ((performance.now() - w0) * 1000) / reps;
  const burstCpu = (cpu() - c0) / reps;
  let wall = 0;
  c0 = cpu();
  for (let i = 0; i < reps; i++) {
    spin(gapUs);
    w0 = performance.now();
    tf.matMul(a, b, ta, tb).dispose();
    wall += performance.now() - w0;
  }
  const spacedCpu = (cpu() - c0) / reps - gapUs;
  totalSpacedWall += (wall * 1000) / reps;
  console.log(
    `| ${name} ${sa}×${sb}${ta ? ' Aᵀ' : ''}${tb ? ' Bᵀ' : ''} | ${burstWall.toFixed(1)} | ${burstCpu.toFixed(1)} | ${((wall * 1000) / reps).toFixed(1)} | ${spacedCpu.toFixed(1)} |`,
  );
  tf.dispose([a, b]);
}
console.log(`\nthe five spaced, as one MLP step has them: ${totalSpacedWall.toFixed(0)} µs wall`);
