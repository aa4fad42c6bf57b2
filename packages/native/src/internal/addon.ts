import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { NativeBackendError } from '../native-backend-error.js';

/**
 * The functions of src/addon/native.cc. Every tensor is a byte offset into `memory` (the wasm backend's
 * ArrayBuffer, passed on each call because memory growth replaces it); -1 means "none" for an optional one.
 */
export interface NativeAddon {
  matMul(
    memory: ArrayBuffer,
    a: number,
    b: number,
    c: number,
    bias: number,
    batchA: number,
    batchB: number,
    m: number,
    k: number,
    n: number,
    transposeA: number,
    transposeB: number,
    relu: number,
  ): void;
  conv2d(
    memory: ArrayBuffer,
    x: number,
    filter: number,
    y: number,
    bias: number,
    relu: number,
    ...shape: number[]
  ): void;
  conv2dBackpropInput(memory: ArrayBuffer, dy: number, filter: number, dx: number, ...shape: number[]): void;
  conv2dBackpropFilter(memory: ArrayBuffer, x: number, dy: number, dw: number, ...shape: number[]): void;
  /** Max pooling, NHWC, dilation 1: shape = n, h, w, c, outH, outW, filterH, filterW, strideH, strideW, padTop, padLeft. */
  maxPool(memory: ArrayBuffer, x: number, y: number, ...shape: number[]): void;
  /** The max pooling gradient (tfjs-backend-cpu's tie rule), with maxPool's shape numbers. */
  maxPoolGrad(memory: ArrayBuffer, dy: number, x: number, dx: number, ...shape: number[]): void;
  /**
   * op 0 add, 1 multiply, 2 relu, 3 step: out[n] = op(a, b), b of n elements (c = n) or a bias of c over the last
   * axis; `alphaBits` is step's alpha as float32 bits.
   */
  elementwise(
    memory: ArrayBuffer,
    op: number,
    a: number,
    b: number,
    out: number,
    n: number,
    c: number,
    alphaBits: number,
  ): void;
  sparseSoftmaxCrossEntropy(
    memory: ArrayBuffer,
    logits: number,
    labels: number,
    loss: number,
    backprop: number,
    batch: number,
    classes: number,
  ): void;
  setThreads(threads: number): void;
  getThreads(): number;
  /** The threads the last matmul or max pooling ran on: 1 for work too small to split. */
  lastThreads(): number;
  version(): string;
  cachedPrimitives(): number;
  /** The fused Adam update: (x, m, v, g) → (x', m', v') at the next three offsets; `n` floats; float32 constants. */
  applyAdam(memory: ArrayBuffer, ...offsetsCountAndConstants: number[]): void;
  /** The fused momentum update: (x, accum, g) → (x', accum'); `n` floats; lr, μ, lr·μ, then Nesterov as 0 or 1. */
  applyMomentum(memory: ArrayBuffer, ...offsetsCountAndConstants: number[]): void;
  /** RMSProp: (x, ms, mom, g) → (x', ms', mom'); `n`; lr, decay, 1 − decay, momentum, epsilon. */
  applyRMSProp(memory: ArrayBuffer, ...offsetsCountAndConstants: number[]): void;
  /** Centered RMSProp: (x, ms, mom, g, mg) → (x', ms', mg', mom'); `n`; the same constants. */
  applyCenteredRMSProp(memory: ArrayBuffer, ...offsetsCountAndConstants: number[]): void;
}

/** Where `pnpm build` (scripts/build-addon.mjs) writes the addon. */
export const ADDON_PATH: string = fileURLToPath(new URL('../../build/estimatorjs_native.node', import.meta.url));

const BUILD_HINT =
  'install oneDNN (`apt-get install libdnnl-dev`), then build the addon (`pnpm --filter @estimatorjs/native build`, or `npm rebuild @estimatorjs/native`)';

let loaded: NativeAddon | NativeBackendError | undefined;

/** Loads the addon once; throws the same {@link NativeBackendError} on every call when it cannot. */
export function loadAddon(): NativeAddon {
  if (loaded === undefined) loaded = tryLoad();
  if (loaded instanceof NativeBackendError) throw loaded;
  return loaded;
}

function tryLoad(): NativeAddon | NativeBackendError {
  if (!existsSync(ADDON_PATH)) {
    return new NativeBackendError(
      'NATIVE_ADDON_NOT_BUILT',
      `@estimatorjs/native: the oneDNN addon was not built (${ADDON_PATH} is missing); ${BUILD_HINT}.`,
    );
  }
  // oneDNN runs on libgomp, which reads its wait policy once, when it loads with the addon. Its default spins
  // ~300,000 rounds (milliseconds) between kernels, which on a machine with other busy processes takes the cores
  // they need and made 2 threads 2.5x slower than passive waiting in a same-run A/B (bench/train/ab.mjs --backend
  // native --threads auto). Sleeping at once is the other extreme: every parallel region then pays a futex wake of
  // the worker, which on the MLP's ~2 ms steps (five matmuls with small kernels between them) cost a fifth of the
  // step. So: passive, with a short spin first (GOMP_SPINCOUNT overrides the policy's 0; 10,000 rounds is about
  // 0.1 ms by libgomp's own estimate): on the idle machine the MLP at 2 threads went from 74–84k to 78–103k ex/s
  // (alternating runs), the CNN from 3.0–3.4k to 3.1–3.6k, 1 thread unchanged. Unless the process chose either.
  if (!('OMP_WAIT_POLICY' in process.env) && !('GOMP_SPINCOUNT' in process.env)) {
    process.env.OMP_WAIT_POLICY = 'PASSIVE';
    process.env.GOMP_SPINCOUNT = '10000';
  }
  try {
    return createRequire(import.meta.url)(ADDON_PATH) as NativeAddon;
  } catch (error) {
    const why = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return new NativeBackendError(
      'NATIVE_ADDON_LOAD_FAILED',
      `@estimatorjs/native: the oneDNN addon could not load (${why}); ${BUILD_HINT}.`,
      { cause: error },
    );
  }
}
