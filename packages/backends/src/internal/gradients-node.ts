import { BackendError } from '../backend-error.js';
import { installHint, isModuleNotFound } from './load-package.js';

const LAYERS = '@tensorflow/tfjs-layers';

/**
 * Node variant of `#gradients` (selected by the `node` condition of package.json `imports`).
 * tfjs-core's Node CJS bundle registers no gradients and its `register_all_gradients` ES module cannot be
 * imported from Node ESM; the Node bundle of tfjs-layers registers every gradient when imported. tfjs-layers is
 * an optional peer dependency (bundlers and browsers never need it), so here, where it is needed, its absence is
 * one clear error rather than a missing-gradient failure at the first training step. `load` is injectable for tests.
 */
export async function loadGradients(
  load: () => Promise<unknown> = () => import('@tensorflow/tfjs-layers'),
): Promise<void> {
  try {
    await load();
  } catch (error) {
    if (!isModuleNotFound(error, LAYERS)) throw error;
    throw new BackendError(
      'GRADIENTS_NOT_INSTALLED',
      `registerGradients(): in Node the tfjs gradients come from ${LAYERS} (tfjs-core's Node build registers none), which is not installed; ${installHint(LAYERS)}.`,
      { cause: error },
    );
  }
}
