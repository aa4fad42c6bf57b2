/**
 * Node variant of `#gradients` (selected by the `node` condition of package.json `imports`).
 * tfjs-core's Node CJS bundle registers no gradients and its `register_all_gradients` ES module cannot be
 * imported from Node ESM; the Node bundle of tfjs-layers registers every gradient when imported.
 */
export async function loadGradients(): Promise<void> {
  await import('@tensorflow/tfjs-layers');
}
