#!/usr/bin/env node
// Compiles src/addon/native.cc into build/estimatorjs_native.node: an N-API addon (ABI-stable across Node
// versions) over Debian's oneDNN. Needs a C++17 compiler (CXX, default g++), Node's headers (node_api.h: Debian's
// /usr/include/node, or the include/node folder beside the running node) and libdnnl-dev
// (`apt-get install libdnnl-dev`; .ci/run installs it). Where one is missing it prints a warning and exits 0:
// the package then reports NATIVE_ADDON_NOT_BUILT when it is used, and the rest of the workspace builds.
// Nothing is downloaded. Skips the compile when the addon is newer than its source.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src', 'addon', 'native.cc');
const target = join(root, 'build', 'estimatorjs_native.node');
const cxx = process.env.CXX ?? 'g++';

function warn(why) {
  console.warn(
    `\n@estimatorjs/native: WARNING: the oneDNN addon was not built: ${why}.\n` +
      "  useBackend('native') will fail until you install it (apt-get install libdnnl-dev) and rebuild\n" +
      '  (pnpm --filter @estimatorjs/native build). Everything else works without it.\n',
  );
  rmSync(target, { force: true });
  process.exit(0);
}

const nodeIncludes = ['/usr/include/node', join(dirname(process.execPath), '..', 'include', 'node')];
const nodeInclude = nodeIncludes.find((d) => existsSync(join(d, 'node_api.h')));
if (nodeInclude === undefined) warn(`Node's headers (node_api.h) are in none of ${nodeIncludes.join(', ')}`);
const dnnlHeader = ['/usr/include/oneapi/dnnl/dnnl.hpp', '/usr/local/include/oneapi/dnnl/dnnl.hpp'].find(existsSync);
if (dnnlHeader === undefined) warn('oneDNN headers (oneapi/dnnl/dnnl.hpp) are missing: apt-get install libdnnl-dev');

if (existsSync(target) && statSync(target).mtimeMs > statSync(source).mtimeMs && !process.argv.includes('--force')) {
  process.exit(0);
}
mkdirSync(dirname(target), { recursive: true });
const args = [
  '-O2',
  // The fused optimizer loops must round every float32 operation as the composite ops do: no FMA contraction
  // (GCC's default contracts) and no errno on sqrt (which keeps the loops from vectorising).
  '-ffp-contract=off',
  '-fno-math-errno',
  '-std=c++17',
  '-shared',
  '-fPIC',
  '-fopenmp',
  '-Wall',
  '-DNAPI_VERSION=8',
  '-DNODE_GYP_MODULE_NAME=estimatorjs_native',
  `-I${nodeInclude}`,
  source,
  '-o',
  target,
  '-ldnnl',
];
const r = spawnSync(cxx, args, { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
if (r.error) warn(`${cxx} could not run (${r.error.message}); install a C++ compiler (apt-get install g++)`);
if (r.status !== 0) warn(`${cxx} failed:\n${r.stderr}`);
if (r.stderr) process.stderr.write(r.stderr);
