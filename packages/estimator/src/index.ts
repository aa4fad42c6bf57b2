export const placeholder = 'estimator';
