import { EstimatorError } from '@estimatorjs/errors';
import { checkOptionKeys, KNOWN_OPTIONS } from '../internal/known-options.js';
import type { ReferenceRun } from './train-reference.js';

/** Tolerances of {@link compareRuns}: |a − b| ≤ atol + rtol·|a|. */
export interface CompareTolerance {
  /** Default 1e-4 (float32). */
  readonly rtol?: number;
  /** Default 1e-5, for values near zero. */
  readonly atol?: number;
}

/**
 * Thrown by {@link compareRuns} with every mismatch it found (first 10 in the message).
 * @example
 *   if (caught instanceof ConformanceError) console.error(caught.mismatches.join('\n'));
 */
export class ConformanceError extends EstimatorError {
  readonly mismatches: string[];

  constructor(message: string, mismatches: string[]) {
    super('CONFORMANCE_MISMATCH', message);
    this.name = 'ConformanceError';
    this.mismatches = mismatches;
  }
}

/**
 * Checks that `candidate` reproduced `reference` (same losses per step, same final weights) within tolerance;
 * throws a {@link ConformanceError} listing the differences otherwise.
 *
 * @example
 * ```ts
 * import { compareRuns } from '@estimatorjs/backends/conformance';
 * declare const cpu: import('@estimatorjs/backends/conformance').ReferenceRun;
 * declare const wasm: typeof cpu;
 * compareRuns(cpu, wasm, { rtol: 1e-4 });
 * ```
 */
export function compareRuns(reference: ReferenceRun, candidate: ReferenceRun, tolerance: CompareTolerance = {}): void {
  checkOptionKeys('compareRuns()', tolerance, KNOWN_OPTIONS.compareTolerance);
  const { rtol = 1e-4, atol = 1e-5 } = tolerance;
  const mismatches: string[] = [];
  const close = (a: number, b: number) => Math.abs(a - b) <= atol + rtol * Math.abs(a);
  if (reference.losses.length !== candidate.losses.length) {
    mismatches.push(`steps: ${reference.losses.length} vs ${candidate.losses.length}`);
  }
  reference.losses.forEach((loss, i) => {
    const other = candidate.losses[i];
    if (other === undefined || !close(loss, other)) mismatches.push(`loss at step ${i + 1}: ${loss} vs ${other}`);
  });
  for (const [name, values] of Object.entries(reference.weights)) {
    const other = candidate.weights[name];
    if (!other || other.length !== values.length) {
      mismatches.push(`weight ${name}: missing or wrong size`);
      continue;
    }
    for (let i = 0; i < values.length; i++) {
      if (!close(values[i] as number, other[i] as number)) {
        mismatches.push(`weight ${name}[${i}]: ${values[i]} vs ${other[i]}`);
      }
    }
  }
  if (mismatches.length > 0) {
    throw new ConformanceError(
      `compareRuns(): ${candidate.backend} differs from ${reference.backend} in ${mismatches.length} place(s) (rtol ${rtol}, atol ${atol}): ${mismatches.slice(0, 10).join('; ')}`,
      mismatches,
    );
  }
}
