import type { Estimator, InputFn, ModelDirStorage, ModelFn } from '@estimatorjs/estimator';

export declare const FEATURES: number;
export declare const CLASSES: number;
export declare const BATCH: number;
export declare const SEED: number;
export declare function batchValues(step: number): { x: Float32Array; y: Int32Array };
export declare function makeInputFn(poison?: { step: number; value: number }): InputFn;
export declare const modelFn: ModelFn;
export declare function makeEstimator(options: {
  modelDir?: string;
  storage?: ModelDirStorage;
  saveEvery?: number;
  keepMax?: number | null;
  summarySteps?: number;
  logSteps?: number;
  log?: (line: string) => void;
  params?: { lossShift?: 'max' };
  rebuildCheckpointState?: boolean;
}): Estimator;
