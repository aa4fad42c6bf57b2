export { EstimatorError, isEstimatorError } from './estimator-error.js';
