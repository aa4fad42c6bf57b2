/** Test helpers: locate and run the shared tfevents_check.py next to the repository. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The repository root (packages/summary/src/node → ../../../..). */
export const repoRoot = resolve(here, '..', '..', '..', '..');

/** Path of tfevents_check.py: `$TFEVENTS_CHECK`, else `<repo>/../shared/tools/tfevents_check.py`. */
export const checkerPath =
  process.env.TFEVENTS_CHECK ?? resolve(repoRoot, '..', 'shared', 'tools', 'tfevents_check.py');

/** The real TF-written event files shipped beside the checker. */
export const testdataDir = join(dirname(checkerPath), 'testdata');

export const haveChecker = existsSync(checkerPath) && spawnSync('python3', ['--version']).status === 0;

export interface CheckResult {
  readonly status: number | null;
  readonly report: {
    ok: boolean;
    errors: number;
    warnings: number;
    runs: Record<
      string,
      { tags: Record<string, { kind: string; count: number; last_value: unknown }> } & Record<string, unknown>
    >;
  } & Record<string, unknown>;
  readonly stdout: string;
}

/** Runs the checker with `--json` and the given extra arguments. */
export function runChecker(path: string, ...args: string[]): CheckResult {
  const r = spawnSync('python3', [checkerPath, path, '--json', ...args], { encoding: 'utf8' });
  let report: CheckResult['report'];
  try {
    report = JSON.parse(r.stdout);
  } catch {
    throw new Error(`tfevents_check.py printed no JSON (status ${r.status}): ${r.stdout}\n${r.stderr}`);
  }
  return { status: r.status, report, stdout: r.stdout };
}
