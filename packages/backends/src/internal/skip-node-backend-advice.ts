/**
 * tfjs-backend-cpu prints "Hi, looks like you are running TensorFlow.js in Node.js … install our node backend" on
 * the first tensor it stores in Node. After `useBackend('cpu')` the application chose cpu (the node backend is
 * `useBackend('tensorflow')`), so the banner is noise in its output (a CLI's, a test log's). tfjs decides on its
 * backend's `firstUse` flag; clearing it before the first tensor skips the banner and nothing else.
 */
export function skipNodeBackendAdvice(backend: unknown): void {
  const b = backend as { firstUse?: unknown } | null;
  if (typeof b === 'object' && b !== null && b.firstUse === true) b.firstUse = false;
}
