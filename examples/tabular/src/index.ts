export { exportPenguins, servingInputReceiverFn } from './export-model.js';
export { evalInputFn, predictInputFn, trainInputFn } from './inputs.js';
export { DEFAULT_PARAMS, featureColumns, makeEstimator, type TabularParams } from './model.js';
export {
  COLUMNS,
  DEBIAN_PENGUINS,
  type PreparedTable,
  prepareTable,
  SPECIES,
  TabularError,
  VOCABULARIES,
} from './penguins.js';
export { predict, type TrainReport, train } from './run.js';
