/**
 * Test helpers: run the external Python checker tfevents_check.py, when `$TFEVENTS_CHECK` names it (CI does).
 * The checks every run makes use the in-repo oracle, `expectEventFiles` from @estimatorjs/testing; this is a
 * further, optional cross-check against a third implementation of the format.
 */
import { spawnSync } from 'node:child_process';
import { pythonEventCheckerTool } from '@estimatorjs/testing';

/** The Python checker as a tool: suites that use it run through itWithTool/describeWithTool. */
export const pythonChecker = pythonEventCheckerTool();

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
  if (pythonChecker.path === null) throw new Error(`runChecker(): ${pythonChecker.missing}`);
  const r = spawnSync('python3', [pythonChecker.path, path, '--json', ...args], { encoding: 'utf8' });
  let report: CheckResult['report'];
  try {
    report = JSON.parse(r.stdout);
  } catch {
    throw new Error(`tfevents_check.py printed no JSON (status ${r.status}): ${r.stdout}\n${r.stderr}`);
  }
  return { status: r.status, report, stdout: r.stdout };
}
