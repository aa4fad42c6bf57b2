import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { BackendError } from '../backend-error.js';
import { loadGradients } from './gradients-node.js';

describe('loadGradients (Node)', () => {
  it('registers the tfjs gradients from the installed @tensorflow/tfjs-layers peer', async () => {
    await loadGradients();
    expect(tf.getGradient('BatchMatMul')).toBeDefined();
    expect(tf.getGradient('Conv2D')).toBeDefined();
  });

  it('turns a missing @tensorflow/tfjs-layers into one GRADIENTS_NOT_INSTALLED line with the install command', async () => {
    // Node's own wording for a package that is not in node_modules.
    const missing = Object.assign(
      new Error("Cannot find package '@tensorflow/tfjs-layers' imported from /app/node_modules/x/gradients-node.js"),
      { code: 'ERR_MODULE_NOT_FOUND' },
    );
    const error = await loadGradients(() => Promise.reject(missing)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BackendError);
    expect(error).toMatchObject({ code: 'GRADIENTS_NOT_INSTALLED', cause: missing });
    const { message } = error as BackendError;
    expect(message).toMatch(
      /^registerGradients\(\): .*@tensorflow\/tfjs-layers.*not installed.*pnpm add @tensorflow\/tfjs-layers/,
    );
    expect(message).not.toContain('\n');
  });

  it('passes any other failure through unchanged', async () => {
    const boom = new Error('tfjs-layers threw while loading');
    await expect(loadGradients(() => Promise.reject(boom))).rejects.toBe(boom);
  });
});
