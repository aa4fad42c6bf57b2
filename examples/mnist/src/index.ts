export { exportMnist, mnistServingInputReceiverFn } from './export-model.js';
export { getEvalInputs, getTrainInputs, IteratorInitializerHook } from './inputs.js';
export { type MnistParams, mnistModelFn } from './model.js';
