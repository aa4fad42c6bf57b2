/**
 * Packs the workspace's public packages as the registry would serve them, for the tests that install them with
 * plain npm outside the workspace (pack-install, create-estimatorjs). Owns: finding the public packages, `pnpm pack`,
 * and the checks every tarball must pass. Does not own: installing or running anything.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repo = resolve(__dirname, '..', '..', '..', '..');

/** The tfjs version the packages are built and tested against. */
export const TFJS = '4.22.0';

export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  exports?: Record<string, unknown>;
  dependencies?: Record<string, string>;
}

/** Every package under packages/ without `"private": true` — found, not listed, so a new one is covered at once. */
export function publicPackages(): { dir: string; pkg: Manifest }[] {
  return readdirSync(join(repo, 'packages'))
    .sort()
    .map((name) => join(repo, 'packages', name))
    .filter((dir) => existsSync(join(dir, 'package.json')))
    .map((dir) => ({ dir, pkg: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as Manifest }))
    .filter(({ pkg }) => pkg.private !== true);
}

/** Problems with one packed tarball, as npm users would get it; empty when there are none. */
function tarballProblems(tarball: string, pkg: Manifest): string[] {
  const entries = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const packed = JSON.parse(execFileSync('tar', ['-xzOf', tarball, 'package/package.json'], { encoding: 'utf8' }));
  const problems: string[] = [];
  for (const required of ['package/LICENSE', 'package/README.md', 'package/package.json']) {
    if (!entries.includes(required)) problems.push(`${pkg.name}: no ${required}`);
  }
  for (const e of entries) if (/\.test[.-]|test-util/.test(e)) problems.push(`${pkg.name}: ships test file ${e}`);
  for (const field of ['dependencies', 'peerDependencies', 'optionalDependencies', 'devDependencies']) {
    for (const [dep, range] of Object.entries<string>(packed[field] ?? {})) {
      if (range.startsWith('workspace:')) problems.push(`${pkg.name}: ${field} ${dep}@${range} left in package.json`);
    }
  }
  if (!Object.keys(packed.exports ?? {}).includes('./package.json'))
    problems.push(`${pkg.name}: no ./package.json export`);
  return problems;
}

/** `roots` and every @estimatorjs package they depend on, found from the package.json dependencies. */
function dependencyClosure(all: { dir: string; pkg: Manifest }[], roots: readonly string[]) {
  const byName = new Map(all.map((p) => [p.pkg.name, p]));
  const seen = new Map<string, { dir: string; pkg: Manifest }>();
  const visit = (name: string) => {
    if (seen.has(name)) return;
    const entry = byName.get(name);
    if (!entry) throw new Error(`${name} is not a public package of this repository`);
    seen.set(name, entry);
    for (const dep of Object.keys(entry.pkg.dependencies ?? {})) if (dep.startsWith('@estimatorjs/')) visit(dep);
  };
  for (const r of roots) visit(r);
  return [...seen.values()];
}

/**
 * Packs every public package into `into` (pnpm rewrites `workspace:` ranges to versions), or with `only` just those
 * and the @estimatorjs packages they depend on; returns each package's tarball path by name, and every problem found
 * in them (a missing dist, a test file shipped, …).
 */
export function packPublicPackages(
  into: string,
  options: { readonly only?: readonly string[] } = {},
): {
  packages: { dir: string; pkg: Manifest }[];
  tarballs: Record<string, string>;
  problems: string[];
} {
  mkdirSync(into, { recursive: true });
  const packages = options.only ? dependencyClosure(publicPackages(), options.only) : publicPackages();
  const tarballs: Record<string, string> = {};
  const problems: string[] = [];
  for (const { dir, pkg } of packages) {
    if (!existsSync(join(dir, 'dist'))) {
      problems.push(
        `${pkg.name}: ${dir}/dist missing — add it to integration-tests' devDependencies so turbo builds it first`,
      );
      continue;
    }
    execFileSync('pnpm', ['pack', '--pack-destination', into], { cwd: dir, stdio: 'pipe' });
    const file = join(into, `${pkg.name.replace(/^@/, '').replace('/', '-')}-${pkg.version}.tgz`);
    if (!existsSync(file)) {
      problems.push(`${pkg.name}: pnpm pack wrote no ${file}`);
      continue;
    }
    problems.push(...tarballProblems(file, pkg));
    tarballs[pkg.name] = file;
  }
  return { packages, tarballs, problems };
}
