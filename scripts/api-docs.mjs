// `pnpm run docs` (plain `pnpm docs` is pnpm's own command that opens a package's homepage) renders the TSDoc of
// every public package's entry points (package.json `exports`) into docs/api/ as
// markdown (TypeDoc + typedoc-plugin-markdown), one folder per package. The comments themselves are checked on every
// `pnpm test` (packages/integration-tests/src/docs/api-examples.test.ts: a summary on every export, an @example on
// every function and class, every example type-checked); this script only renders them, so run it after changing
// an API and commit docs/api/ with the change. `--out DIR` renders elsewhere (to compare with the committed copy).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { publicPackages } from './package-metadata.mjs';

const outIndex = process.argv.indexOf('--out');
const out = outIndex > 0 ? process.argv[outIndex + 1] : 'docs/api';

// An entry point `./dist/<path>.js` is built from `./src/<path>.ts`; collect the <path>s.
const entries = new Set();
for (const { pkg } of publicPackages()) {
  for (const [subpath, target] of Object.entries(pkg.exports ?? {})) {
    if (subpath === './package.json') continue;
    const js = typeof target === 'string' ? target : target.default;
    entries.add(js.replace(/^\.\/dist\//, '').replace(/\.js$/, ''));
  }
}
const base = JSON.parse(readFileSync('typedoc.json', 'utf8'));
const options = {
  ...base,
  entryPoints: publicPackages().map(({ dir }) => resolve(dir)),
  // TypeDoc takes one list for every package: each package matches the entry points it has (TypeDoc's warnings
  // about the others are dropped below)
  packageOptions: { ...base.packageOptions, entryPoints: [...entries].sort().map((e) => `src/${e}.ts`) },
  out: resolve(out),
};
const dir = mkdtempSync(join(tmpdir(), 'api-docs-'));
const file = join(dir, 'typedoc.json');
writeFileSync(file, JSON.stringify(options, null, 2));
const run = spawnSync('npx', ['typedoc', '--options', file], { encoding: 'utf8' });
rmSync(dir, { recursive: true, force: true });
const log = `${run.stdout}${run.stderr}`.split('\n').filter((l) => !/The glob .* did not match any files/.test(l));
console.log(log.join('\n').trim());
process.exit(run.status ?? 1);
