import { existsSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { pooledGlue } from './wasm-pthread-pool.js';

/** The parts of tfjs-core and tfjs-backend-wasm this module drives. */
export interface ThreadedWasmDeps {
  readonly tf: {
    removeBackend(name: string): void;
    registerBackend(name: string, factory: () => unknown, priority?: number): boolean;
  };
  readonly wasm: {
    BackendWasm: new (module: never) => unknown;
    setThreadsCount(n: number): void;
  };
}

type PthreadWorker = { ref(): void; unref(): void; terminate(): unknown };
type EmscriptenModule = {
  cwrap(name: string, ret: string | null, args: string[]): (...a: unknown[]) => unknown;
  tfjs?: unknown;
  PThread?: { unusedWorkers: PthreadWorker[]; runningWorkers: PthreadWorker[] };
};

/**
 * Ends the pthread workers nobody runs on. The binary preloads 8 (each a V8 isolate with its own copy of the
 * compiled module, ~10 MB of memory) while XNNPACK's pool, created with the backend, runs `threads - 1` of
 * them for the life of the module and never starts another. Emscripten would load a fresh worker if a
 * pthread were ever created later.
 */
function dropIdleWorkers(module: EmscriptenModule): void {
  const pool = module.PThread;
  if (!pool) return;
  for (const worker of pool.unusedWorkers.splice(0)) worker.terminate();
}

/**
 * Lets the process exit while XNNPACK's pool threads live. Emscripten `ref()`s a Node worker while it runs a
 * pthread, and the pool's threads run (parked on a futex) for the life of the module, so a script that used
 * threaded wasm never ended. Our workers only serve those blocking calls from the main thread, which do not
 * need the event loop: they stay unref'd, and the process ends as it would single-threaded.
 */
function neverHoldTheProcess(module: EmscriptenModule): void {
  const pool = module.PThread;
  if (!pool) return;
  for (const worker of [...pool.unusedWorkers, ...pool.runningWorkers]) {
    worker.ref = () => {};
    worker.unref();
  }
}

const INIT_TIMEOUT_MS = 30_000;

/** `threads: 'auto'` in Node: the cores this process may run on (affinity-aware), at least 1. */
export function availableThreads(): number {
  return Math.max(1, typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length);
}

/**
 * Node variant of `#wasm-threads`: replaces tfjs-backend-wasm's `wasm` factory with one that runs its
 * threaded-SIMD binary under Node `worker_threads`. tfjs 4.22.0 cannot do this itself: its thread flag is
 * hard-wired off in Node, and it hands emscripten a `blob:` worker URL and a `Blob` main script, which Node
 * rejects. Here the worker source is written once to a `.cjs` file in the OS temp folder, the main script is
 * passed by path, the event loop is kept alive while emscripten starts its (unref'd) workers, and `os.cpus()`
 * is widened during start-up only, because the binary caps its pool at logical cores / 2.
 * Returns false (nothing changed) when the installed package lacks the threaded files.
 */
export function installThreadedWasm(deps: ThreadedWasmDeps, threads: number): boolean {
  const require = createRequire(import.meta.url);
  let out: string;
  try {
    out = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm')), '..', 'wasm-out');
  } catch {
    return false;
  }
  const glue = join(out, 'tfjs-backend-wasm-threaded-simd.js');
  const workerModule = join(out, 'tfjs-backend-wasm-threaded-simd.worker.js');
  const binary = join(out, 'tfjs-backend-wasm-threaded-simd.wasm');
  if (![glue, workerModule, binary].every((f) => existsSync(f))) return false;
  const version = (require('@tensorflow/tfjs-backend-wasm/package.json') as { version: string }).version;
  const workerFile = join(os.tmpdir(), `estimatorjs-tfjs-backend-wasm-${version}-pthread-worker.cjs`);
  if (!existsSync(workerFile)) {
    const source = (require(workerModule) as { wasmWorkerContents: string }).wasmWorkerContents;
    const temp = `${workerFile}.${process.pid}.tmp`;
    // As tfjs does before making its blob: newlines inside the template's string literals must stay escaped.
    writeFileSync(temp, source.replace(/\n/g, '\\n'));
    renameSync(temp, workerFile);
  }
  // The main thread runs the copy whose pool starts `threads` workers (XNNPACK keeps threads - 1); the workers load
  // the original glue (mainScriptUrlOrBlob), in which the pool size is never read.
  const factory = require(pooledGlue(glue, version, threads)) as (
    config: Record<string, unknown>,
  ) => Promise<EmscriptenModule>;
  deps.wasm.setThreadsCount(threads);
  deps.tf.removeBackend('wasm');
  deps.tf.registerBackend(
    'wasm',
    async () => {
      const cpus = os.cpus;
      const real = cpus();
      const wanted = Math.max(real.length, 2 * threads);
      os.cpus = () => Array.from({ length: wanted }, (_, i) => real[i % real.length] as os.CpuInfo);
      const keepAlive = setInterval(() => {}, 1000);
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        const module = await Promise.race([
          factory({
            locateFile: (path: string) => (path.endsWith('.worker.js') ? workerFile : binary),
            mainScriptUrlOrBlob: glue,
          }),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`threaded wasm did not start within ${INIT_TIMEOUT_MS / 1000}s`)),
              INIT_TIMEOUT_MS,
            );
          }),
        ]);
        module.tfjs = {
          init: module.cwrap('init', null, []),
          initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
          getThreadsCount: module.cwrap('get_threads_count', 'number', []),
          registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
          disposeData: module.cwrap('dispose_data', null, ['number']),
          dispose: module.cwrap('dispose', null, []),
        };
        neverHoldTheProcess(module);
        const backend = new deps.wasm.BackendWasm(module as never);
        neverHoldTheProcess(module);
        dropIdleWorkers(module);
        return backend;
      } finally {
        os.cpus = cpus;
        clearInterval(keepAlive);
        if (timer) clearTimeout(timer);
      }
    },
    2,
  );
  return true;
}
