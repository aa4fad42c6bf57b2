import type { ThreadedWasmDeps } from './wasm-threads-node.js';

/**
 * Bundler/browser variant of `#wasm-threads`: nothing to install. tfjs-backend-wasm picks its threaded binary by
 * itself when the page is cross-origin isolated (COOP/COEP headers), and `setThreadsCount` sizes the pool.
 */
export function installThreadedWasm(_deps: ThreadedWasmDeps, _threads: number): boolean {
  return false;
}
