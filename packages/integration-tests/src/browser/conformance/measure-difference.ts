/**
 * How far a candidate run is from a reference run, in the terms of `compareRuns()` (|a − b| ≤ atol + rtol·|a|):
 * the smallest rtol that would pass at a given atol, plus the plain largest relative error of the losses and of the
 * weights, so the suite can print what each backend actually achieves next to what it asserts.
 */
import type { ReferenceRun } from '@estimatorjs/backends/conformance';

/** What {@link measureDifference} found. */
export interface RunDifference {
  /** Smallest rtol for which `compareRuns(reference, candidate, { rtol, atol })` passes (0 when identical). */
  readonly rtolNeeded: number;
  /** Largest |a − b| / |a| over the per-step losses. */
  readonly lossRelative: number;
  /** Largest |a − b| / |a| over the final weights whose reference magnitude is above `atol`. */
  readonly weightRelative: number;
  /** Largest |a − b| over the final weights. */
  readonly weightAbsolute: number;
  /** Where `rtolNeeded` comes from, e.g. `loss at step 20` or `weight c1[17]`. */
  readonly worst: string;
}

/** Measures `candidate` against `reference`; both must have the same steps and weights (else Infinity). */
export function measureDifference(reference: ReferenceRun, candidate: ReferenceRun, atol = 1e-5): RunDifference {
  let rtolNeeded = 0;
  let worst = 'nothing';
  let lossRelative = 0;
  let weightRelative = 0;
  let weightAbsolute = 0;
  const needed = (a: number, b: number): number => {
    const excess = Math.abs(a - b) - atol;
    if (!(excess > 0)) return Number.isNaN(excess) ? Number.POSITIVE_INFINITY : 0;
    return a === 0 ? Number.POSITIVE_INFINITY : excess / Math.abs(a);
  };
  const relative = (a: number, b: number) => (a === b ? 0 : Math.abs(a - b) / Math.abs(a));
  if (reference.losses.length !== candidate.losses.length) {
    return {
      rtolNeeded: Infinity,
      lossRelative: Infinity,
      weightRelative: Infinity,
      weightAbsolute: Infinity,
      worst: 'steps differ',
    };
  }
  reference.losses.forEach((a, i) => {
    const b = candidate.losses[i] as number;
    lossRelative = Math.max(lossRelative, relative(a, b));
    const r = needed(a, b);
    if (r > rtolNeeded) {
      rtolNeeded = r;
      worst = `loss at step ${i + 1}`;
    }
  });
  for (const [name, values] of Object.entries(reference.weights)) {
    const other = candidate.weights[name];
    if (!other || other.length !== values.length) {
      return {
        rtolNeeded: Infinity,
        lossRelative,
        weightRelative: Infinity,
        weightAbsolute: Infinity,
        worst: `weight ${name} missing`,
      };
    }
    for (let i = 0; i < values.length; i++) {
      const a = values[i] as number;
      const b = other[i] as number;
      weightAbsolute = Math.max(weightAbsolute, Math.abs(a - b));
      if (Math.abs(a) > atol) weightRelative = Math.max(weightRelative, relative(a, b));
      const r = needed(a, b);
      if (r > rtolNeeded) {
        rtolNeeded = r;
        worst = `weight ${name}[${i}]`;
      }
    }
  }
  return { rtolNeeded, lossRelative, weightRelative, weightAbsolute, worst };
}
