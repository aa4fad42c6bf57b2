/**
 * TF's `optimizer` argument of premade estimators: an optimizer instance, or a name built with the estimator's
 * default learning rate (TF's `optimizers.get_optimizer_instance`).
 */
import * as estimator from '@estimatorjs/estimator';
import {
  AdagradOptimizer,
  AdamOptimizer,
  GradientDescentOptimizer,
  Optimizer,
  RMSPropOptimizer,
} from '@estimatorjs/estimator';
import { CannedError, describe } from './errors.js';

/** The optimizer names TF's premade estimators accept. */
export type OptimizerName = 'Adagrad' | 'Adam' | 'Ftrl' | 'RMSProp' | 'SGD';

/** An optimizer instance, or a name (built with the estimator's default learning rate). */
export type OptimizerSpec = Optimizer | OptimizerName;

type FtrlCtor = new (options: { learningRate: number }) => Optimizer;

/**
 * The estimator's FtrlOptimizer when this version of `@estimatorjs/estimator` has one. Looked up at run time so
 * this package works with estimator versions before it (where `'Ftrl'` falls back to Adagrad, see docs/canned.md).
 */
function ftrl(): FtrlCtor | undefined {
  return (estimator as unknown as Record<string, FtrlCtor | undefined>).FtrlOptimizer;
}

/** Resolves an optimizer option; `learningRate` is the estimator's default for names. */
export function resolveOptimizer(
  api: string,
  spec: OptimizerSpec | undefined,
  fallback: OptimizerName,
  learningRate: number,
): Optimizer {
  const s = spec ?? fallback;
  if (s instanceof Optimizer) return s;
  switch (s) {
    case 'Adagrad':
      return new AdagradOptimizer({ learningRate });
    case 'Adam':
      return new AdamOptimizer({ learningRate });
    case 'RMSProp':
      return new RMSPropOptimizer({ learningRate });
    case 'SGD':
      return new GradientDescentOptimizer({ learningRate });
    case 'Ftrl': {
      const Ftrl = ftrl();
      return Ftrl ? new Ftrl({ learningRate }) : new AdagradOptimizer({ learningRate });
    }
    default:
      throw new CannedError(
        'INVALID_ARGUMENT',
        `${api}: optimizer must be an Optimizer instance or one of 'Adagrad', 'Adam', 'Ftrl', 'RMSProp', 'SGD'. Received ${describe(s)}.`,
      );
  }
}
