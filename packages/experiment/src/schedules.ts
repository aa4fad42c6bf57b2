/** The schedules an Experiment can run, by TF's names. */
export type Schedule = 'train' | 'evaluate' | 'train_and_evaluate' | 'continuous_eval' | 'test';

/** Valid schedule names, for validation and `--help`. */
export const SCHEDULES: readonly Schedule[] = ['train', 'evaluate', 'train_and_evaluate', 'continuous_eval', 'test'];
