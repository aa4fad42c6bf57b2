// What every public workspace package carries for npm users, in one place: used by check-packages.mjs (which
// reports what is missing, or adds it with --fix) and by new-package.mjs (which scaffolds it).
import { copyFileSync, existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

// No git remote is configured in this repository yet; this is the project's public address on GitHub.
export const REPOSITORY = 'https://github.com/estimatorjs/estimator-js';
export const NODE_ENGINES = '>=20.19';
// Tests and their helpers stay in the repository; `dist` and `src` ship (src for the declaration maps).
export const FILES = ['dist', 'src', 'LICENSE', '!**/*.test.*', '!**/*.test-d.*', '!**/*.test-util.*'];

// A package may ship more folders than dist and src (create-estimatorjs ships its templates): extra plain entries
// go after LICENSE and before the exclusions, so the exclusions apply to them too.
function standardFiles(files) {
  const extras = (files ?? []).filter((f) => !FILES.includes(f) && !f.startsWith('!'));
  return [...FILES.slice(0, 3), ...extras, ...FILES.slice(3)];
}

/** `{ dir, pkg }` for every package under packages/ that is not `private`. */
export function publicPackages(root = '.') {
  const out = [];
  for (const name of readdirSync(join(root, 'packages')).sort()) {
    const file = join(root, 'packages', name, 'package.json');
    if (!existsSync(file)) continue;
    const pkg = JSON.parse(readFileSync(file, 'utf8'));
    if (pkg.private !== true) out.push({ dir: join(root, 'packages', name), folder: name, pkg });
  }
  return out;
}

/** The metadata fields for `packages/<folder>`, in the order they follow `license`. */
function metadataFor(folder) {
  return {
    repository: { type: 'git', url: `git+${REPOSITORY}.git`, directory: `packages/${folder}` },
    homepage: `${REPOSITORY}/tree/main/packages/${folder}#readme`,
    bugs: { url: `${REPOSITORY}/issues` },
    engines: { node: NODE_ENGINES },
  };
}

/** One line per thing `packages/<folder>` lacks; empty when it is complete. */
export function metadataProblems(dir, folder, pkg) {
  const problems = [];
  const want = metadataFor(folder);
  for (const [key, value] of Object.entries(want)) {
    if (JSON.stringify(pkg[key]) !== JSON.stringify(value))
      problems.push(`"${key}" should be ${JSON.stringify(value)}`);
  }
  if (pkg.exports?.['./package.json'] !== './package.json') problems.push('exports lacks "./package.json"');
  const files = standardFiles(pkg.files);
  if (JSON.stringify(pkg.files) !== JSON.stringify(files)) problems.push(`"files" should be ${JSON.stringify(files)}`);
  if (!existsSync(join(dir, 'LICENSE'))) problems.push('no LICENSE file (a copy of the root LICENSE)');
  return problems;
}

/** `pkg` with the metadata fields placed after `license`, the ./package.json export and the standard `files`. */
export function withMetadata(folder, pkg) {
  const out = {};
  const want = metadataFor(folder);
  for (const [key, value] of Object.entries(pkg)) {
    if (key in want) continue;
    out[key] = value;
    if (key === 'license') Object.assign(out, want);
  }
  if (!('repository' in out)) Object.assign(out, want);
  out.exports = { ...pkg.exports, './package.json': './package.json' };
  out.files = standardFiles(pkg.files);
  return out;
}

/** Copies the root LICENSE into `dir`. */
export function copyLicense(dir, root = '.') {
  copyFileSync(join(root, 'LICENSE'), join(dir, 'LICENSE'));
}
