import { compareRuns, type ReferenceRun } from '@estimatorjs/backends/conformance';
import { describe, expect, it } from 'vitest';
import { measureDifference } from './measure-difference.js';

const run = (backend: string, losses: number[], w: number[]): ReferenceRun => ({
  backend,
  losses,
  weights: { w: new Float32Array(w) },
});

describe('measureDifference', () => {
  it('is zero for identical runs', () => {
    const a = run('cpu', [2, 1], [0.5, -0.25, 0]);
    expect(measureDifference(a, a)).toEqual({
      rtolNeeded: 0,
      lossRelative: 0,
      weightRelative: 0,
      weightAbsolute: 0,
      worst: 'nothing',
    });
  });

  it('finds the rtol that compareRuns needs at the same atol, and names where it comes from', () => {
    const a = run('cpu', [2, 1], [0.5, -0.25, 0]);
    const b = run('x', [2.0002, 1], [0.5, -0.2501, 0]);
    const d = measureDifference(a, b, 1e-5);
    expect(d.worst).toBe('weight w[1]');
    expect(d.lossRelative).toBeCloseTo(1e-4, 8);
    expect(d.weightAbsolute).toBeCloseTo(1e-4, 6);
    // just above the needed rtol passes, just below fails
    expect(() => compareRuns(a, b, { rtol: d.rtolNeeded * 1.01, atol: 1e-5 })).not.toThrow();
    expect(() => compareRuns(a, b, { rtol: d.rtolNeeded * 0.99, atol: 1e-5 })).toThrow();
  });

  it('is infinite when a weight is missing, the step counts differ, or a value is NaN', () => {
    const a = run('cpu', [2, 1], [0.5]);
    expect(measureDifference(a, { ...a, weights: {} }).rtolNeeded).toBe(Infinity);
    expect(measureDifference(a, run('x', [2], [0.5])).rtolNeeded).toBe(Infinity);
    expect(measureDifference(a, run('x', [2, Number.NaN], [0.5])).rtolNeeded).toBe(Infinity);
  });
});
