/**
 * The external tools the suites use, found the same way everywhere, and the fixtures this package ships.
 * .ci/run installs each tool (and sets TFEVENTS_CHECK), so under CI=true their suites must run.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tool } from './require-tool.js';

/** Event files written by TensorFlow and Keras (see testdata/README.md), for readers' tests. */
export const tfEventFixtures: string = fileURLToPath(new URL('../testdata', import.meta.url));

/** Debian's dataset-fashion-mnist: the directory holding its gzipped IDX files, if installed. */
export function fashionMnistTool(): Tool & { readonly dir: string | null } {
  const candidates = [
    '/usr/share/datasets/fashion-mnist',
    '/usr/share/dataset-fashion-mnist',
    '/usr/share/fashion-mnist',
  ];
  const dir = candidates.find((d) => existsSync(join(d, 'train-labels-idx1-ubyte.gz'))) ?? null;
  return {
    name: "Debian's Fashion-MNIST (dataset-fashion-mnist)",
    missing: dir === null ? `none of ${candidates.join(', ')} holds train-labels-idx1-ubyte.gz` : null,
    install: 'apt-get install dataset-fashion-mnist',
    dir,
  };
}

/**
 * The external Python event-file checker (tfevents_check.py), a third implementation of the format besides the
 * summary writer and this package's oracle. Found only through `$TFEVENTS_CHECK`: tests never look outside the
 * repository on their own.
 */
export function pythonEventCheckerTool(
  env: Readonly<Record<string, string | undefined>> = process.env,
): Tool & { readonly path: string | null } {
  const path = env.TFEVENTS_CHECK ?? null;
  let missing: string | null = null;
  if (path === null) missing = 'TFEVENTS_CHECK is not set';
  else if (!existsSync(path)) missing = `TFEVENTS_CHECK=${path} does not exist`;
  else if (spawnSync('python3', ['--version']).status !== 0) missing = 'python3 is not on the PATH';
  return {
    name: 'the Python checker tfevents_check.py',
    missing,
    install: 'apt-get install python3, and set TFEVENTS_CHECK=/path/to/tfevents_check.py (.ci/run does both)',
    path: missing === null ? path : null,
  };
}
