import type { BackendError } from '../backend-error.js';
import type { BackendName } from '../backend-name.js';
import type { BackendAvailability, BackendOptions, BackendProvider, BackendSupports } from '../backend-provider.js';
import { checkOptionKeys, KNOWN_OPTIONS } from './known-options.js';

/** What `useBackend()` reads from a provider after `tf.setBackend()` succeeded. */
export interface RuntimeInfo {
  readonly simd: boolean;
  readonly threads: number;
}

/** A provider plus the runtime details `useBackend()` reports. */
export interface InternalProvider extends BackendProvider {
  runtimeInfo(): Promise<RuntimeInfo>;
}

/** The parts each provider file supplies. */
export interface ProviderSpec {
  readonly name: BackendName;
  readonly packageName: string;
  readonly supports: BackendSupports;
  /** Returns the error `create()` would throw before doing any work, or undefined when it can run here. */
  check(options: BackendOptions): Promise<BackendError | undefined>;
  /** Loads and prepares the backend; called only after `check()` passed. */
  prepare(options: BackendOptions): Promise<void>;
  runtimeInfo?(): Promise<RuntimeInfo>;
}

/** Builds a frozen provider object from its spec. */
export function defineProvider(spec: ProviderSpec): InternalProvider {
  return Object.freeze({
    name: spec.name,
    packageName: spec.packageName,
    supports: Object.freeze({ ...spec.supports }),
    async isAvailable(): Promise<BackendAvailability> {
      const error = await spec.check({});
      return error ? { available: false, reason: error.message } : { available: true };
    },
    async create(options: BackendOptions = {}): Promise<void> {
      checkOptionKeys(`getProvider('${spec.name}').create()`, options, KNOWN_OPTIONS.backend);
      const error = await spec.check(options);
      if (error) throw error;
      await spec.prepare(options);
    },
    runtimeInfo: spec.runtimeInfo ?? (async () => ({ simd: false, threads: 1 })),
  });
}
