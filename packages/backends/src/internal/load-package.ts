import { BackendError } from '../backend-error.js';
import type { BackendName } from '../backend-name.js';

/** True when `error` says the module itself could not be found (Node, bundlers, browsers word it differently). */
export function isModuleNotFound(error: unknown, packageName: string): boolean {
  const e = error as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  const message = typeof e?.message === 'string' ? e.message : String(error);
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return message.includes(packageName);
  return (
    message.includes(packageName) &&
    /cannot find (module|package)|could not resolve|failed to resolve|failed to fetch dynamically imported module/i.test(
      message,
    )
  );
}

/** One-line install hint for `packageName`. */
export function installHint(packageName: string): string {
  return `install it with \`pnpm add ${packageName}\` (or \`npm install ${packageName}\`)`;
}

/**
 * Imports a backend package through `load` (a literal `import()` so bundlers can split it), turning "not
 * installed" and any other load failure into a one-line {@link BackendError}.
 */
export async function loadPackage<T>(
  name: BackendName,
  packageName: string,
  load: () => Promise<T>,
  notInstalledExtra = '',
): Promise<T> {
  try {
    return await load();
  } catch (error) {
    if (isModuleNotFound(error, packageName)) {
      throw new BackendError(
        'BACKEND_NOT_INSTALLED',
        `useBackend('${name}'): ${packageName} is not installed; ${installHint(packageName)}${notInstalledExtra}.`,
        { cause: error },
      );
    }
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw new BackendError('BACKEND_UNAVAILABLE', `useBackend('${name}'): loading ${packageName} failed: ${why}`, {
      cause: error,
    });
  }
}

/** Runs `load` and returns the {@link BackendError} it threw, or undefined when it loaded. */
export async function probe(load: () => Promise<unknown>): Promise<BackendError | undefined> {
  try {
    await load();
    return undefined;
  } catch (error) {
    if (error instanceof BackendError) return error;
    throw error;
  }
}
