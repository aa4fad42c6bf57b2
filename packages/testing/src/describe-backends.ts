import * as tf from '@tensorflow/tfjs-core';

/** The backends the Node test suites run on. */
export type TestBackend = 'cpu' | 'wasm';

let gradientsLoaded = false;

/**
 * Activates `name` for tests and makes sure gradients are registered (tfjs-core alone registers none;
 * tfjs-layers' Node bundle registers them all when imported).
 */
export async function setupTestBackend(name: TestBackend = 'cpu'): Promise<void> {
  if (!gradientsLoaded) {
    await import('@tensorflow/tfjs-layers');
    gradientsLoaded = true;
  }
  if (name === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
  else await import('@tensorflow/tfjs-backend-wasm');
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`setupTestBackend(): backend '${name}' failed to initialise.`);
  await tf.ready();
}

/**
 * Runs `suite` once per backend, each inside its own describe block, with that backend active.
 * Pass the vitest `describe` and `beforeAll` so this package does not depend on a test runner.
 */
export function describeBackends(
  title: string,
  api: { describe: (name: string, fn: () => void) => void; beforeAll: (fn: () => Promise<void>) => void },
  suite: (backend: TestBackend) => void,
  backends: readonly TestBackend[] = ['cpu', 'wasm'],
): void {
  for (const backend of backends) {
    api.describe(`${title} [${backend}]`, () => {
      api.beforeAll(() => setupTestBackend(backend));
      suite(backend);
    });
  }
}
