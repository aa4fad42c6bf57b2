/**
 * What the conformance page publishes as `globalThis.conformancePage` and the Chromium suite reads back: plain
 * JSON (weights as number arrays), so it crosses `page.evaluate()` unchanged.
 */
import type { ReferenceModel, TrainReferenceOptions } from '@estimatorjs/backends/conformance';

/** One reference training the page runs: a model and an optimizer. */
export interface ConformanceCase {
  readonly model: ReferenceModel;
  readonly optimizer: NonNullable<TrainReferenceOptions['optimizer']>;
}

/** One finished `trainReference()` run, as JSON. */
export interface PageRun extends ConformanceCase {
  readonly backend: string;
  readonly losses: number[];
  readonly weights: Record<string, number[]>;
  /** `tf.memory().numTensors` after the run minus before it (0: no leak). */
  readonly leakedTensors: number;
  readonly ms: number;
}

/** The page's state: `running` until every case ran, then `done` (or `error` with the message). */
export interface ConformancePageState {
  state: 'running' | 'done' | 'error';
  backend: string | null;
  /** wasm: the thread count tfjs uses (1 elsewhere). */
  threads: number;
  /** `tf.backend().floatPrecision()`: 32, or 16 where the backend computes in half precision. */
  floatPrecision: number | null;
  /** `tf.backend().epsilon()`: the default epsilon of tfjs's Adam, Adamax, Adadelta and RMSProp optimizers (Adagrad's always). */
  epsilon: number | null;
  /** The epsilon `?epsilon=` pinned for this page's optimizers, or null. */
  pinnedEpsilon: number | null;
  crossOriginIsolated: boolean;
  runs: PageRun[];
  error: string | null;
}

/** `cnn:momentum,mlp:adam` → cases; the query format the page reads from `?cases=`. */
export function parseCases(text: string): ConformanceCase[] {
  return text
    .split(',')
    .filter((s) => s.length > 0)
    .map((s) => {
      const [model, optimizer] = s.split(':');
      if ((model !== 'cnn' && model !== 'mlp') || !['sgd', 'momentum', 'adam', 'rmsprop'].includes(optimizer ?? '')) {
        throw new Error(
          `conformance page: bad case '${s}' in ?cases=; expected model:optimizer with model cnn|mlp and optimizer sgd|momentum|adam|rmsprop.`,
        );
      }
      return { model, optimizer: optimizer as ConformanceCase['optimizer'] };
    });
}

/** Cases → the `?cases=` value. */
export function formatCases(cases: readonly ConformanceCase[]): string {
  return cases.map((c) => `${c.model}:${c.optimizer}`).join(',');
}
