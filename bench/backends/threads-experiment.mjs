// Standalone probe of multithreaded tfjs-backend-wasm 4.22.0 in Node (the package does this in src/internal/wasm-threads-node.ts).
// What it takes (see docs/backends.md, "Threads"):
//  1. WASM_HAS_MULTITHREAD_SUPPORT is hard-wired to false under IS_NODE (tfjs#3830), so tfjs never loads the
//     threaded binary; forcing the flag true makes init fail: the pthread worker is a blob: URL and Node's
//     worker_threads rejects it (ERR_WORKER_PATH), and the main script is handed to workers as a Blob.
//  2. Bypassing tfjs's init: register our own 'wasm' factory that loads wasm-out/tfjs-backend-wasm-threaded-simd.js,
//     writes wasmWorkerContents (with \n re-escaped) to a .cjs file for locateFile('*.worker.js'), passes the main
//     script as a file path, keeps the event loop alive during init (workers are unref'd), then builds BackendWasm.
//  3. The binary caps threads at emscripten_num_logical_cores() / 2 (= os.cpus().length / 2 in Node), so on a
//     2-core machine it reports 1 thread unless os.cpus() is widened during start-up (second argument).
// Usage: node bench/backends/threads-experiment.mjs [threads] [fake logical cores, e.g. 4]
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { backends, loadWasm, tf } from './deps.mjs';

const req = createRequire(new URL('../../packages/backends/package.json', import.meta.url));
const pkgDir = dirname(req.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
const out = join(pkgDir, 'wasm-out');
const w = await loadWasm();
const threads = Number(process.argv[2] ?? 2);
w.setThreadsCount(threads);
const factory = req(join(out, 'tfjs-backend-wasm-threaded-simd.js'));
const { wasmWorkerContents } = req(join(out, 'tfjs-backend-wasm-threaded-simd.worker.js'));
const fs = await import('node:fs');
const os = await import('node:os');
const workerFile = join(os.tmpdir(), 'estimatorjs-tfjs-wasm-4.22.0-worker.cjs');
fs.writeFileSync(workerFile, wasmWorkerContents.replace(/\n/g, '\\n'));
tf.removeBackend('wasm');
tf.registerBackend(
  'wasm',
  async () => {
    // tfjs caps threads at emscripten_num_logical_cores() / 2 (it assumes 2 hyper-threads per core).
    const os = req('node:os');
    const cpus = os.cpus;
    const fake = Number(process.argv[3] ?? 0);
    if (fake) os.cpus = () => Array(fake).fill(cpus()[0]);
    const mainJs = join(out, 'tfjs-backend-wasm-threaded-simd.js');
    const module = await factory({
      locateFile: (p) =>
        p.endsWith('.worker.js')
          ? workerFile
          : join(out, p.endsWith('.wasm') ? 'tfjs-backend-wasm-threaded-simd.wasm' : p),
      mainScriptUrlOrBlob: mainJs,
      print: (s) => console.log('[wasm]', s),
      printErr: (s) => console.log('[wasm err]', s),
      onAbort: (e) => console.log('abort', e),
    });
    os.cpus = cpus;
    console.log('factory resolved');
    module.tfjs = {
      init: module.cwrap('init', null, []),
      initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
      getThreadsCount: module.cwrap('get_threads_count', 'number', []),
      registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
      disposeData: module.cwrap('dispose_data', null, ['number']),
      dispose: module.cwrap('dispose', null, []),
    };
    module.tfjs.initWithThreadsCount(threads);
    console.log('direct threads', module.tfjs.getThreadsCount());
    return new w.BackendWasm(module);
  },
  2,
);
const keep = setInterval(() => {}, 1000);
await backends.useBackend('wasm');
console.log('threads', w.getThreadsCount());
const { makeBatch, makeCnn, makeMlp, makeOptimizer, trainStep } = await import('./models.mjs');
for (const kind of ['mlp', 'cnn']) {
  const m = kind === 'mlp' ? makeMlp() : makeCnn();
  const opt = makeOptimizer('adam');
  const bs = kind === 'mlp' ? 64 : 32;
  const { x, y } = makeBatch(m.inputShape, bs);
  for (let i = 0; i < 3; i++) tf.dispose(trainStep(m, opt, x, y));
  const t0 = performance.now();
  let n = 0;
  let l;
  while (performance.now() - t0 < 3000) {
    l = trainStep(m, opt, x, y);
    await l.data();
    l.dispose();
    n++;
  }
  console.log(kind, 'ex/s', (n * bs) / ((performance.now() - t0) / 1000));
}
clearInterval(keep);
