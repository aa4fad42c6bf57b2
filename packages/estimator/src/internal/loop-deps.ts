import type { Mode } from '@estimatorjs/hooks';
import type { ModelFnContext } from '../model-fn-context.js';
import type { RunConfig } from '../run-config.js';
import type { Features, Labels } from './input.js';
import type { ModelState } from './model-state.js';

/** What the train, evaluate and predict loops need from their Estimator (and nothing more). */
export interface LoopDeps<P> {
  readonly model: ModelState;
  readonly modelDir: string;
  readonly config: RunConfig;
  readonly params: P;
  readonly log: (line: string) => void;
  readonly callModelFn: (features: Features, labels: Labels | undefined, mode: Mode) => unknown;
  readonly newContext: (
    mode: Mode,
    options?: { building?: boolean; checkValues?: boolean; summaries?: boolean; trace?: boolean },
  ) => ModelFnContext;
}
