import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkEventFiles, tfEventFixtures } from '@estimatorjs/testing';
import { describe, expect, it } from 'vitest';
import { scalarsFromEvents } from './scalars-from-events.js';

describe('scalarsFromEvents', () => {
  it("reads the same scalars as the independent oracle from TF's files", () => {
    const oracle = checkEventFiles(tfEventFixtures);
    for (const [run, report] of Object.entries(oracle.runs)) {
      const name = readdirSync(join(tfEventFixtures, run)).find((n) => n.includes('tfevents'))!;
      const { scalars, problem } = scalarsFromEvents(new Uint8Array(readFileSync(join(tfEventFixtures, run, name))));
      expect(problem).toBeUndefined();
      const expected = Object.entries(report.tags).filter(([, s]) => s.kind === 'scalar');
      expect(Object.keys(scalars).sort(), run).toEqual(expected.map(([tag]) => tag).sort());
      for (const [tag, s] of expected)
        expect(
          scalars[tag]!.map((p) => [p[0], p[1], Math.fround(p[2])]),
          `${run}/${tag}`,
        ).toEqual(s.points.map((p) => [p.step, p.wallTime, Math.fround(p.value as number)]));
    }
  });

  it('keeps what precedes a damaged record and reports the damage', () => {
    const dir = join(tfEventFixtures, 'tf2_summary_scalar');
    const bytes = new Uint8Array(readFileSync(join(dir, readdirSync(dir)[0]!)));
    const cut = bytes.slice();
    cut[306 + 14] = cut[306 + 14]! ^ 0xff; // inside record 5 (at byte 306, as tfevents_check.py --dump reports)
    const { scalars, problem } = scalarsFromEvents(cut);
    expect(problem?.offset).toBe(306);
    expect(scalars.my_metric!.map((p) => p[0])).toEqual([0, 1, 2, 3]);
  });
});
