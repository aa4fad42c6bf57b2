/**
 * tfjs-backend-wasm 4.22.0's threaded glue starts 8 pthread workers whatever the thread count (emscripten's
 * PTHREAD_POOL_SIZE, a literal in the generated script), each a V8 isolate that compiles its own copy of the
 * module; `installThreadedWasm` then ends the ones XNNPACK's pool does not use. Memory a terminated worker's
 * isolate took stays in the process (the allocator keeps it), so starting 8 for a 2-thread pool left ~20 MB in
 * the resident set for good and added ~60 MB to its peak at start-up. Here the glue is copied with the pool sized
 * to the thread count.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';

const POOL_LITERAL = 'var pthreadPoolSize=8;';

/** The glue's source with its pthread pool sized `size`, or null when the source does not hold the literal. */
export function glueWithPoolSize(source: string, size: number): string | null {
  const at = source.indexOf(POOL_LITERAL);
  if (at < 0 || source.indexOf(POOL_LITERAL, at + 1) >= 0) return null;
  return source.replace(POOL_LITERAL, `var pthreadPoolSize=${size};`);
}

/**
 * The path of a copy of `glue` (written once per version and size to the OS temp folder) whose pool starts `size`
 * workers, or `glue` itself when its source is not the one this was written for.
 */
export function pooledGlue(glue: string, version: string, size: number): string {
  const file = join(os.tmpdir(), `estimatorjs-tfjs-backend-wasm-${version}-threaded-simd-pool${size}.js`);
  if (existsSync(file)) return file;
  const patched = glueWithPoolSize(readFileSync(glue, 'utf8'), size);
  if (patched === null) return glue;
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, patched);
  renameSync(temp, file);
  return file;
}
