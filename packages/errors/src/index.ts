export { describeValue } from './describe-value.js';
export { EstimatorError, isEstimatorError } from './estimator-error.js';
