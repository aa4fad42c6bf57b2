/**
 * Bundler/browser variant of `#gradients` (the `default` condition of package.json `imports`): tfjs-core's ES
 * build ships a side-effect module that registers every gradient.
 */
export async function loadGradients(): Promise<void> {
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js');
}
