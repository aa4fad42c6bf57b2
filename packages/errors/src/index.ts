export { closestName } from './closest-name.js';
export { describeValue } from './describe-value.js';
export { EstimatorError, isEstimatorError } from './estimator-error.js';
export { checkKnownKeys, type KeyErrorFactory, keysOf, nearestKey } from './unknown-keys.js';
