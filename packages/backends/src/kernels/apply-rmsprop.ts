// The fused RMSProp update (@estimatorjs/io's APPLY_RMSPROP_KERNEL, plain and centered) for tfjs-backend-cpu and
// tfjs-backend-wasm (the native backend has its own, in the addon). Owns: the constants and the JavaScript loop
// (cpu, and wasm where our SIMD module cannot load). The SIMD loop is wasm/training-kernels.c's apply_rmsprop.
import { APPLY_RMSPROP_KERNEL, type ApplyRMSPropAttrs } from '@estimatorjs/io';
import type * as tf from '@tensorflow/tfjs-core';
import { updateKernels } from './optimizer-kernel-io.js';

const f = Math.fround;

interface RMSPropConstants {
  readonly lr: number;
  readonly rho: number;
  /** float32(1 − decay), the subtraction in float64: the composite path's `tf.mul(1 - decay, …)`. */
  readonly c: number;
  readonly mu: number;
  readonly eps: number;
  readonly centered: boolean;
}

function constants(attrs: tf.NamedAttrMap): RMSPropConstants {
  const { lr, decay, momentum, epsilon, centered } = attrs as unknown as ApplyRMSPropAttrs;
  return { lr: f(lr), rho: f(decay), c: f(1 - decay), mu: f(momentum), eps: f(epsilon), centered: centered === true };
}

/** Input names in kernel order, and how many outputs: `[variable, ms, (mg,) mom]`. */
function layout(attrs: tf.NamedAttrMap): { names: readonly string[]; outputs: number } {
  return (attrs as unknown as ApplyRMSPropAttrs).centered === true
    ? { names: ['variable', 'ms', 'mom', 'grad', 'mg'], outputs: 4 }
    : { names: ['variable', 'ms', 'mom', 'grad'], outputs: 3 };
}

/**
 * [x, ms, mom, g, (mg)] → [x', ms', (mg',) mom'], each operation rounded to float32 (`Math.fround`, exact for
 * + − × ÷ √) in the composite order.
 */
function rmspropLoop(ins: Float32Array[], outs: Float32Array[], k: RMSPropConstants): void {
  const [x, ms, mom, g, mg] = ins;
  const [xo, mso] = outs;
  const mgo = k.centered ? outs[2] : undefined;
  const momo = outs[k.centered ? 3 : 2]!;
  const { lr, rho, c, mu, eps } = k;
  for (let i = 0; i < x!.length; i++) {
    const gi = g![i] as number;
    const s = f(f(rho * (ms![i] as number)) + f(c * f(gi * gi)));
    let d = s;
    if (mg && mgo) {
      const a = f(f(rho * (mg[i] as number)) + f(c * gi));
      mgo[i] = a;
      d = f(s - f(a * a));
    }
    const m = f(f(mu * (mom![i] as number)) + f(f(lr * gi) / f(Math.sqrt(f(d + eps)))));
    mso![i] = s;
    momo[i] = m;
    xo![i] = f((x![i] as number) - m);
  }
}

const kernels = updateKernels<RMSPropConstants>({
  kernelName: APPLY_RMSPROP_KERNEL,
  layout,
  constants,
  loop: rmspropLoop,
  simd: (wasm, [x, ms, mom, g, mg = 0], [xo, mso, ...rest], n, k) => {
    const [mgo, momo] = k.centered ? rest : [0, rest[0]];
    wasm.apply_rmsprop(
      x!,
      ms!,
      mom!,
      g!,
      mg,
      xo!,
      mso!,
      momo!,
      mgo!,
      n,
      k.lr,
      k.rho,
      k.c,
      k.mu,
      k.eps,
      k.centered ? 1 : 0,
    );
  },
});

/** {@link APPLY_RMSPROP_KERNEL} for tfjs-backend-cpu. */
export const cpuApplyRMSProp = kernels.cpu;

/** {@link APPLY_RMSPROP_KERNEL} for tfjs-backend-wasm: our wasm-SIMD `apply_rmsprop`, or the JavaScript loop. */
export const wasmApplyRMSProp = kernels.wasm;
