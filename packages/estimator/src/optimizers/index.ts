export { AdagradDAOptimizer, type AdagradDAOptions } from './adagrad-da-optimizer.js';
export { AdadeltaOptimizer, AdagradOptimizer } from './adagrad-optimizers.js';
export { AdamOptimizer, type AdamOptions } from './adam-optimizer.js';
export { AdamaxOptimizer, type AdamaxOptions } from './adamax-optimizer.js';
export { FtrlOptimizer, type FtrlOptions } from './ftrl-optimizer.js';
export {
  MomentumOptimizer,
  type MomentumOptions,
  RMSPropOptimizer,
  type RMSPropOptions,
} from './momentum-rmsprop-optimizers.js';
export {
  ProximalAdagradOptimizer,
  type ProximalAdagradOptions,
  ProximalGradientDescentOptimizer,
  type ProximalGradientDescentOptions,
} from './proximal-optimizers.js';
export { group } from './train-op.js';
