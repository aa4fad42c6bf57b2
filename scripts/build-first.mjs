// Builds a workspace package and everything it depends on before `pnpm mnist`, `pnpm bench` or `pnpm soak` run
// it: says that it is building (the first run on a fresh clone compiles every package), keeps turbo's chatter
// out of the way when the build works, and prints the build errors when it does not.
// Usage: node scripts/build-first.mjs <package name>
import { spawnSync } from 'node:child_process';

const [name] = process.argv.slice(2);
if (!name) {
  console.error('usage: node scripts/build-first.mjs <package name>');
  process.exit(2);
}
console.log(`Building ${name} and the packages it uses (the first run takes a minute or two, later runs are cached)…`);
const started = Date.now();
const turbo = spawnSync(
  'pnpm',
  ['exec', 'turbo', 'run', 'build', `--filter=${name}...`, '--output-logs=errors-only', '--log-prefix=none'],
  { encoding: 'utf8' },
);
if (turbo.status !== 0) {
  process.stderr.write(`${turbo.stdout ?? ''}${turbo.stderr ?? ''}${turbo.error ? `${turbo.error}\n` : ''}`);
  console.error(`Building ${name} failed (errors above). Fix them, or run \`pnpm build\` to see every task's output.`);
  process.exit(1);
}
const secs = Math.round((Date.now() - started) / 1000);
if (secs >= 5) console.log(`Built in ${secs}s.`);
