import { BACKEND_NAMES, type BackendName } from './backend-name.js';
import type { BackendSupports } from './backend-provider.js';
import { internalProvider } from './providers.js';

/**
 * One row of {@link listBackends}.
 *
 * @example
 * ```ts
 * import { type BackendListing, listBackends } from '@estimatorjs/backends';
 * const rows: BackendListing[] = await listBackends();
 * ```
 */
export interface BackendListing {
  readonly name: BackendName;
  readonly packageName: string;
  readonly available: boolean;
  /** Why not, with the fix (only when not available). */
  readonly reason?: string;
  readonly supports: BackendSupports;
}

/**
 * Every backend with whether it can run here and, if not, why. Loads the installed backend packages to find out
 * (it does not change the active backend).
 *
 * @example
 * ```ts
 * import { listBackends } from '@estimatorjs/backends';
 * for (const b of await listBackends()) console.log(b.name, b.available ? 'ok' : b.reason);
 * ```
 */
export async function listBackends(): Promise<BackendListing[]> {
  const rows: BackendListing[] = [];
  for (const name of BACKEND_NAMES) {
    const provider = internalProvider(name, 'listBackends()');
    const { available, reason } = await provider.isAvailable();
    rows.push({
      name,
      packageName: provider.packageName,
      available,
      ...(reason === undefined ? {} : { reason }),
      supports: provider.supports,
    });
  }
  return rows;
}
