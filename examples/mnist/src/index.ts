export { getEvalInputs, getTrainInputs, IteratorInitializerHook } from './inputs.js';
export { type MnistParams, mnistModelFn } from './model.js';
