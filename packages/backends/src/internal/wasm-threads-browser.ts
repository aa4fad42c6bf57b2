import type { ThreadedWasmDeps } from './wasm-threads-node.js';

/**
 * Bundler/browser variant of `#wasm-threads`: nothing to install. tfjs-backend-wasm picks its threaded binary by
 * itself when the page is cross-origin isolated (COOP/COEP headers), and `setThreadsCount` sizes the pool.
 */
/**
 * `threads: 'auto'` in a page or worker: the logical cores (`navigator.hardwareConcurrency`) when the page is
 * cross-origin isolated (threads need `SharedArrayBuffer`), else 1.
 */
export function availableThreads(): number {
  const g = globalThis as { crossOriginIsolated?: boolean; navigator?: { hardwareConcurrency?: number } };
  if (g.crossOriginIsolated !== true) return 1;
  return Math.max(1, Math.floor(g.navigator?.hardwareConcurrency ?? 1));
}

export function installThreadedWasm(_deps: ThreadedWasmDeps, _threads: number): boolean {
  return false;
}
