/**
 * Bundler/browser variant of `#wasm-paths`: no default. tfjs-backend-wasm then looks for the binaries next to
 * the script that loaded it; apps that bundle pass `wasmPaths` (for example Vite `?url` imports of the three
 * `.wasm` files, see docs/backends.md).
 */
export function defaultWasmPaths(): string | Record<string, string> | undefined {
  return undefined;
}
