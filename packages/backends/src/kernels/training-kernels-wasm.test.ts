import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { itWithTool, type Tool } from '@estimatorjs/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeWasmVsCpu, wasmTestThreads } from './kernel-parity.test-util.js';
import { simdKernels } from './wasm-simd-kernels.js';

const script = fileURLToPath(new URL('../../scripts/build-wasm.mjs', import.meta.url));

/** Debian's clang 14 with lld (wasm-ld) and llvm-objdump: what scripts/build-wasm.mjs runs. */
function clang14(): Tool {
  const probe = (cmd: string) => spawnSync(cmd, ['--version']).status === 0;
  const missing = ['clang-14', 'wasm-ld-14', 'llvm-objdump-14'].filter((c) => !probe(c));
  return {
    name: 'clang 14 for wasm32 (clang-14, lld-14)',
    missing: missing.length === 0 ? null : `${missing.join(', ')} not on the PATH`,
    install: 'apt-get install clang-14 lld-14',
  };
}

describe('the checked-in wasm of wasm/training-kernels.c', () => {
  itWithTool(
    { describe, it },
    clang14(),
    'is what scripts/build-wasm.mjs builds from the source',
    () => {
      const r = spawnSync(process.execPath, [script, '--check'], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    },
    60_000,
  );
});

describeWasmVsCpu('our wasm-SIMD kernels', () => {
  it(`load on the wasm backend's own memory (${wasmTestThreads() === 1 ? 'plain' : 'shared'})`, async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as { wasm: { HEAPU8: Uint8Array } };
    expect(backend.wasm.HEAPU8.buffer instanceof SharedArrayBuffer).toBe(wasmTestThreads() > 1);
    expect(simdKernels(tf.backend())).not.toBeNull();
  });
});
