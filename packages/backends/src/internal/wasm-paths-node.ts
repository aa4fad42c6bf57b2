import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';

/**
 * Node variant of `#wasm-paths`: the folder of the installed `@tensorflow/tfjs-backend-wasm` holding its
 * `.wasm` binaries, resolved the way Node resolves the package itself.
 */
export function defaultWasmPaths(): string | undefined {
  const require = createRequire(import.meta.url);
  try {
    return dirname(require.resolve('@tensorflow/tfjs-backend-wasm')) + sep;
  } catch {
    return undefined;
  }
}
