import { loadGradients } from '#gradients';

let loading: Promise<void> | undefined;

/**
 * Registers every tfjs gradient, once. In Node it imports `@tensorflow/tfjs-layers`, whose Node bundle registers
 * them all (tfjs-core's Node bundle registers none); tfjs-layers is an optional peer dependency that Node applications
 * install, and without it this throws a `BackendError` with code `GRADIENTS_NOT_INSTALLED`. In bundlers and browsers
 * it imports tfjs-core's `register_all_gradients` module. The variant is chosen by package.json `imports`
 * conditions, not by sniffing.
 * `useBackend()` calls it for you.
 *
 * @example
 * ```ts
 * import { registerGradients } from '@estimatorjs/backends';
 * await registerGradients();
 * ```
 */
export function registerGradients(): Promise<void> {
  loading ??= loadGradients().catch((error: unknown) => {
    loading = undefined;
    throw error;
  });
  return loading;
}
