export { ExperimentError } from './errors.js';
export { Experiment, type ExperimentOptions, SCHEDULES, type Schedule } from './experiment.js';
export { type ExperimentFn, type LearnRunnerOptions, learnRunner } from './learn-runner.js';
