// Checks every public package (packages/*/package.json without "private": true) as npm users would get it, after
// `pnpm build`: the metadata fields and LICENSE (package-metadata.mjs), `publint --strict` on what `pnpm pack`
// would publish, and `attw --pack` (are the types right, for every entry point). Prints one line per package and
// exits non-zero when any fails. `--fix` adds the missing metadata and LICENSE first.
//
// attw runs with the esm-only profile: every package is `"type": "module"` with import-only exports, on purpose
// (a CommonJS build beside it would be a second copy of our module state: the dual-package hazard). It ignores the
// CommonJS resolutions (node10, node16-from-CJS) — which report "ESM (dynamic import only)" by design — and keeps
// every ESM and bundler resolution strict.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { copyLicense, metadataProblems, publicPackages, withMetadata } from './package-metadata.mjs';

const fix = process.argv.includes('--fix');
const bin = (name) => join('node_modules', '.bin', name);

function run(command, args) {
  const r = spawnSync(command, args, { encoding: 'utf8', env: { ...process.env, FORCE_COLOR: '0' } });
  return { ok: r.status === 0, output: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error) : ''}` };
}

let failed = 0;
const packages = publicPackages();
for (const { dir, folder, pkg } of packages) {
  if (fix && metadataProblems(dir, folder, pkg).length > 0) {
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(withMetadata(folder, pkg), null, 2)}\n`);
    copyLicense(dir);
  }
}
for (const { dir, folder, pkg } of publicPackages()) {
  const problems = metadataProblems(dir, folder, pkg).map((p) => `package.json/LICENSE: ${p}`);
  const publint = run(bin('publint'), ['--strict', dir]);
  if (!publint.ok) problems.push(`publint --strict:\n${publint.output.trim()}`);
  const attw = run(bin('attw'), ['--pack', dir, '--profile', 'esm-only', '--format', 'ascii']);
  if (!attw.ok) problems.push(`attw --pack --profile esm-only:\n${attw.output.trim()}`);
  if (problems.length === 0) {
    console.log(`ok: ${pkg.name}`);
  } else {
    failed += 1;
    console.log(`FAILED: ${pkg.name}${fix ? '' : ' (node scripts/check-packages.mjs --fix adds missing metadata)'}`);
    for (const p of problems) console.log(`  ${p.replaceAll('\n', '\n    ')}`);
  }
}
console.log(`${packages.length - failed} of ${packages.length} public packages pass`);
process.exit(failed === 0 && packages.length > 0 ? 0 : 1);
