import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { docPrograms, repositoryCodeBlocks } from './docs/code-blocks.js';
import { packPublicPackages, repo, TFJS } from './pack-install/pack-packages.js';

// Every public package (packages/*/package.json without "private": true — found, not listed, so a new package is
// covered the day it appears) is packed as `pnpm publish` would pack it, its tarball checked as npm users get it,
// and all of them installed with plain npm into a scratch project outside the workspace, where a 5-step training
// run through Estimator must work under plain Node.
//
// Network: npm fetches the tfjs packages from the registry, `--prefer-offline` (the npm cache first, the registry
// only for what the cache lacks). Not `--offline`: a fresh CI machine has an empty npm cache, and the tfjs
// dependencies must come from somewhere outside the repository; the @estimatorjs packages never come from the
// registry (each is a local tarball, and npm dedupes their internal dependencies onto those).
const scratch = mkdtempSync(join(tmpdir(), 'estimatorjs-pack-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
let packed: ReturnType<typeof packPublicPackages>;
beforeAll(() => {
  packed = packPublicPackages(join(scratch, 'tarballs'));
}, 300_000);

/** Gradient descent on mean((w·x + b − y)²) from w = b = 0, in float64: [w, b] after each step, step 0 first. */
function gradientDescent(x: number[], y: number[], learningRate: number, steps: number): [number, number][] {
  const out: [number, number][] = [[0, 0]];
  for (let s = 0; s < steps; s++) {
    const [w, b] = out.at(-1)!;
    const r = x.map((xi, i) => w * xi + b - y[i]!);
    const gw = (2 / x.length) * r.reduce((a, ri, i) => a + ri * x[i]!, 0);
    const gb = (2 / x.length) * r.reduce((a, ri) => a + ri, 0);
    out.push([w - learningRate * gw, b - learningRate * gb]);
  }
  return out;
}

describe('packaging', () => {
  it('every public package packs clean, installs with npm outside the workspace and trains 5 steps there', () => {
    // 1. Pack each package as the registry would serve it (pnpm rewrites workspace: ranges to versions).
    const packages = packed.packages;
    expect(packages.length).toBeGreaterThanOrEqual(7);
    expect(packed.problems).toEqual([]);
    const dependencies: Record<string, string> = {};
    for (const [name, file] of Object.entries(packed.tarballs)) dependencies[name] = `file:${file}`;

    // 2. A project outside the workspace that depends on every tarball plus the tfjs packages it needs in Node
    //    (tfjs-layers: the optional peer @estimatorjs/backends takes the Node gradients from).
    //    tfjs-backend-wasm: the backend docs/getting-started.md installs and picks.
    for (const tf of ['tfjs-core', 'tfjs-backend-cpu', 'tfjs-backend-wasm', 'tfjs-layers'])
      dependencies[`@tensorflow/${tf}`] = TFJS;
    writeFileSync(
      join(scratch, 'package.json'),
      JSON.stringify({ name: 'scratch', private: true, type: 'module', dependencies }, null, 2),
    );
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
      cwd: scratch,
      stdio: 'pipe',
    });
    for (const { pkg } of packages) {
      const installed = join(scratch, 'node_modules', pkg.name);
      expect(existsSync(installed), `${pkg.name} installed`).toBe(true);
      // npm installed our own tarball, not a registry copy, and nested no second copy of it anywhere.
      expect(JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')).version).toBe(pkg.version);
    }
    const nested = execFileSync('npm', ['ls', '--all', '--parseable'], { cwd: scratch, encoding: 'utf8' })
      .split('\n')
      .filter((p) => /node_modules\/.+\/node_modules\/@estimatorjs\//.test(p));
    expect(nested).toEqual([]);

    // 3. Train there under plain Node, every entry point of every package imported first.
    const entryPoints = packages.flatMap(({ pkg }) =>
      Object.keys(pkg.exports ?? { '.': '' })
        .filter((k) => k !== './package.json')
        .map((k) => (k === '.' ? pkg.name : `${pkg.name}/${k.slice(2)}`)),
    );
    copyFileSync(join(__dirname, 'pack-install', 'train-five-steps.mjs'), join(scratch, 'train-five-steps.mjs'));
    const modelDir = join(scratch, 'model');
    const env = { ...process.env, NODE_OPTIONS: '' };
    const stdout = execFileSync('node', ['train-five-steps.mjs', modelDir, JSON.stringify(entryPoints)], {
      cwd: scratch,
      encoding: 'utf8',
      env,
    });
    const run = JSON.parse(stdout.trim().split('\n').at(-1)!);
    expect(run.imported).toEqual(entryPoints);
    expect(run.globalStep).toBe(5);
    expect(run.latest).toBe(join(modelDir, 'model.ckpt-5')); // TF's latest_checkpoint: a path in the model dir
    // The checkpoint is on disk in TF's layout, read here with plain fs.
    const state = readFileSync(join(modelDir, 'checkpoint'), 'utf8');
    expect(state).toContain('model_checkpoint_path: "model.ckpt-5"');
    expect(readdirSync(modelDir).filter((f) => f.startsWith('model.ckpt-5')).length).toBeGreaterThan(0);
    // Real training: the weights are gradient descent's, computed here by hand from the same data.
    const x = [1, 2, 3, 4];
    const y = [3, 5, 7, 9];
    const path = gradientDescent(x, y, 0.05, 5);
    expect(run.w).toBeCloseTo(path[5]![0], 5);
    expect(run.b).toBeCloseTo(path[5]![1], 5);
    // The loss summary of step k is the loss before the k-th update, as in TF.
    const mse = ([w, b]: [number, number]) => x.reduce((a, xi, i) => a + (w * xi + b - y[i]!) ** 2, 0) / x.length;
    expect(run.loss.map(([step]: [number, number]) => step)).toEqual([1, 2, 3, 4, 5]);
    const expected = path.slice(0, 5).map((wb) => expect.closeTo(mse(wb), 4));
    expect(run.loss.map(([, value]: [number, number]) => value)).toEqual(expected);

    // 3b. The getting-started guide's program (its `ts runnable` blocks), as a reader runs it in that project.
    const guide = docPrograms(repositoryCodeBlocks(repo)).find(
      (p) => p.runnable && p.file === 'docs/getting-started.md',
    );
    const program = ts.transpileModule(guide!.code, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    }).outputText;
    writeFileSync(join(scratch, 'getting-started.mjs'), program);
    const guideOut = execFileSync('node', ['getting-started.mjs'], { cwd: scratch, encoding: 'utf8', env });
    expect(Number(/accuracy ([\d.]+)/.exec(guideOut)?.[1])).toBeGreaterThan(0.85);
    expect(readFileSync(join(scratch, 'circle_model', 'checkpoint'), 'utf8')).toContain('"model.ckpt-300"');

    // 4. Without the optional peer, Node training fails at startup with one line that says what to install.
    renameSync(join(scratch, 'node_modules/@tensorflow/tfjs-layers'), join(scratch, 'tfjs-layers-aside'));
    const probe = [
      "import { useBackend } from '@estimatorjs/backends';",
      "useBackend('cpu').then(() => console.log('no error'), (e) => console.log(e.code, e.message));",
    ].join('\n');
    writeFileSync(join(scratch, 'no-layers.mjs'), probe);
    const line = execFileSync('node', ['no-layers.mjs'], { cwd: scratch, encoding: 'utf8', env }).trim();
    expect(line).toMatch(
      /^GRADIENTS_NOT_INSTALLED registerGradients\(\): .*install it with `pnpm add @tensorflow\/tfjs-layers`/,
    );
  }, 600_000);

  it('npm create from the packed starter makes a project whose npm start trains, evaluates and exports', () => {
    // `npm create estimatorjs my-app` is `npm exec create-estimatorjs my-app`; here the starter (and its one
    // dependency) come from their tarballs instead of the registry.
    const app = join(scratch, 'create', 'my-app');
    mkdirSync(join(scratch, 'create'));
    const npmEnv = { ...process.env, NODE_OPTIONS: '' };
    const starter = ['create-estimatorjs', '@estimatorjs/errors'].map((n) => `--package=${packed.tarballs[n]}`);
    const created = execFileSync(
      'npm',
      ['exec', '--yes', '--prefer-offline', ...starter, '--', 'create-estimatorjs', 'my-app'],
      {
        cwd: join(scratch, 'create'),
        encoding: 'utf8',
        env: npmEnv,
      },
    );
    expect(created).toContain('npm start');
    // As if published: the project's @estimatorjs ranges resolve to this release's tarballs.
    const manifest = JSON.parse(readFileSync(join(app, 'package.json'), 'utf8'));
    for (const name of Object.keys(manifest.dependencies)) {
      if (!name.startsWith('@estimatorjs/')) continue;
      expect(manifest.dependencies[name]).toBe(`^${packed.packages.find((p) => p.pkg.name === name)!.pkg.version}`);
      manifest.dependencies[name] = `file:${packed.tarballs[name]}`;
    }
    manifest.overrides = Object.fromEntries(Object.entries(packed.tarballs).map(([n, f]) => [n, `file:${f}`]));
    writeFileSync(join(app, 'package.json'), JSON.stringify(manifest, null, 2));
    execFileSync('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], {
      cwd: app,
      stdio: 'pipe',
      env: npmEnv,
    });
    const out = execFileSync('npm', ['start'], { cwd: app, encoding: 'utf8', env: npmEnv });
    // It learned the circle (a hand-checkable task: a majority-class guess scores 0.61 on these 400 points).
    expect(Number(/accuracy ([\d.]+)/.exec(out)?.[1])).toBeGreaterThan(0.85);
    expect(readFileSync(join(app, 'model', 'checkpoint'), 'utf8')).toContain('model_checkpoint_path: "model.ckpt-300"');
    const exported = /exported to (.+)/.exec(out)?.[1]?.trim();
    expect(exported).toBeDefined();
    const exportDir = join(app, exported!);
    expect(JSON.parse(readFileSync(join(exportDir, 'graph_model', 'model.json'), 'utf8')).format).toBe('graph-model');
    expect(existsSync(join(exportDir, 'model.onnx'))).toBe(true);
    expect(out).toContain('npm run board');
  }, 600_000);
});
