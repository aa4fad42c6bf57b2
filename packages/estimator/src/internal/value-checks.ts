import * as tf from '@tensorflow/tfjs-core';
import { ModelFnError } from '../errors.js';
import type { ValueCheck } from '../model-fn-context.js';

/** Keeps the check tensors a model_fn call registered, so they outlive the step's tidy scope. */
export function keepChecks(checks: readonly ValueCheck[]): ValueCheck[] {
  return checks.map((c) => ({ ...c, value: tf.keep(c.value), detail: tf.keep(c.detail) }));
}

/**
 * Reads the checks' values (meant to be awaited together with the step's other values) and throws the first
 * failed check's message, naming the global step. Disposes every check tensor.
 */
export async function settleChecks(checks: readonly ValueCheck[], step: number): Promise<void> {
  if (checks.length === 0) return;
  try {
    const values = await Promise.all(checks.map((c) => c.value.data()));
    const failed = checks.findIndex((c, i) => values[i]![0] !== c.expected);
    if (failed >= 0) {
      const check = checks[failed]!;
      const detail = await check.detail.data();
      throw new ModelFnError(
        'LABEL_OUT_OF_RANGE',
        `${check.explain(detail).replace(/\.$/, '')} (global step ${step}).`,
      );
    }
  } finally {
    tf.dispose(checks.flatMap((c) => [c.value, c.detail]));
  }
}
