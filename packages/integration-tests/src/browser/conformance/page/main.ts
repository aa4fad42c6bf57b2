/// <reference types="vite/client" />
/**
 * The conformance page: one backend per page load (`?backend=cpu|wasm|webgl|webgpu`), then `trainReference()` for
 * every case in `?cases=` (`model:optimizer,…`) with `?steps=` and `?batch=`, each from seed 1. The runs are
 * published as `globalThis.conformancePage` for the Chromium suite to compare with cpu.
 *
 * `?epsilon=1e-7` pins the backend's `epsilon()` (the default epsilon of tfjs's Adam and RMSProp) for this page:
 * tfjs-backend-webgl 4.22.0 reports float16 precision, hence epsilon 1e-4, on a context that renders float32, while
 * cpu, wasm and webgpu use 1e-7 (see docs/backends.md, "Conformance in Chromium").
 */
import { useBackend } from '@estimatorjs/backends';
import { trainReference } from '@estimatorjs/backends/conformance';
import plain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import simd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import threadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import * as tf from '@tensorflow/tfjs-core';
import { type ConformancePageState, parseCases } from '../conformance-result.js';

const state: ConformancePageState = {
  state: 'running',
  backend: null,
  threads: 1,
  floatPrecision: null,
  epsilon: null,
  pinnedEpsilon: null,
  crossOriginIsolated: globalThis.crossOriginIsolated === true,
  runs: [],
  error: null,
};
(globalThis as unknown as { conformancePage: ConformancePageState }).conformancePage = state;
const status = document.getElementById('status') as HTMLElement;
const show = (line: string) => {
  status.textContent += `\n${line}`;
};

async function main(): Promise<void> {
  const query = new URLSearchParams(location.search);
  const backend = query.get('backend') ?? 'cpu';
  const cases = parseCases(query.get('cases') ?? 'mlp:momentum,cnn:momentum');
  const steps = Number(query.get('steps') ?? 20);
  const batch = Number(query.get('batch') ?? 8);
  const wasmPaths = {
    'tfjs-backend-wasm.wasm': plain,
    'tfjs-backend-wasm-simd.wasm': simd,
    'tfjs-backend-wasm-threaded-simd.wasm': threadedSimd,
  };
  const info = await useBackend(backend, backend === 'wasm' ? { wasmPaths, threads: 2 } : {});
  state.backend = info.name;
  state.threads = info.threads;
  state.floatPrecision = tf.backend().floatPrecision();
  state.epsilon = tf.backend().epsilon();
  const pinned = query.get('epsilon');
  if (pinned !== null) {
    const value = Number(pinned);
    tf.backend().epsilon = () => value;
    state.pinnedEpsilon = value;
  }
  show(
    `backend ${info.name}, ${info.threads} thread(s), float${state.floatPrecision}, epsilon ${state.epsilon}${pinned === null ? '' : ` (pinned to ${pinned})`}`,
  );
  for (const c of cases) {
    const before = tf.memory().numTensors;
    const t0 = performance.now();
    const run = await trainReference({ model: c.model, optimizer: c.optimizer, steps, batch, seed: 1 });
    const ms = performance.now() - t0;
    const weights: Record<string, number[]> = {};
    for (const [name, values] of Object.entries(run.weights)) weights[name] = Array.from(values);
    state.runs.push({
      ...c,
      backend: run.backend,
      losses: run.losses,
      weights,
      leakedTensors: tf.memory().numTensors - before,
      ms,
    });
    show(
      `${c.model} ${c.optimizer}: loss ${run.losses[0]?.toFixed(4)} → ${run.losses.at(-1)?.toFixed(4)} (${ms.toFixed(0)} ms)`,
    );
  }
  state.state = 'done';
  show('done');
}

main().catch((e: unknown) => {
  state.error = e instanceof Error ? e.message : String(e);
  state.state = 'error';
  show(`Error: ${state.error}`);
  console.error(e);
});
