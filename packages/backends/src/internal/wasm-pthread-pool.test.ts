import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { glueWithPoolSize } from './wasm-pthread-pool.js';

const require = createRequire(import.meta.url);
const glue = join(
  dirname(require.resolve('@tensorflow/tfjs-backend-wasm')),
  '..',
  'wasm-out',
  'tfjs-backend-wasm-threaded-simd.js',
);

describe('glueWithPoolSize', () => {
  it("sizes the installed tfjs-backend-wasm threaded glue's pthread pool and changes nothing else", () => {
    const source = readFileSync(glue, 'utf8');
    const patched = glueWithPoolSize(source, 2);
    expect(patched).not.toBeNull();
    expect(patched!.length).toBe(source.length);
    expect(patched).toContain('initMainThread:function(){var pthreadPoolSize=2;');
    const differing = [...source].filter((c, i) => c !== patched![i]).length;
    expect(differing).toBe(1);
  });

  it('returns null for a source without exactly one pool literal (another emscripten build): the original is used', () => {
    expect(glueWithPoolSize('var x=1;', 2)).toBeNull();
    expect(glueWithPoolSize('var pthreadPoolSize=8;var pthreadPoolSize=8;', 2)).toBeNull();
  });
});
