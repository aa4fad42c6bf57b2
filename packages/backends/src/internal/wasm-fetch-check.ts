import { BackendError } from '../backend-error.js';
import { WASM_FILES } from './wasm-files.js';

const MAGIC = [0x00, 0x61, 0x73, 0x6d]; // "\0asm", the first bytes of every WebAssembly module

/** What is wrong with the response for one `.wasm` URL, or null when it is WebAssembly. */
async function problemWith(url: string): Promise<string | null> {
  let response: Response;
  try {
    response = await fetch(url);
  } catch (e) {
    return `the request failed (${e instanceof Error ? e.message : String(e)})`;
  }
  if (!response.ok) return `HTTP ${response.status}`;
  const head = new Uint8Array(await response.arrayBuffer()).subarray(0, 4);
  if (MAGIC.every((b, i) => head[i] === b)) return null;
  const type = response.headers.get('content-type')?.split(';')[0];
  const hex = [...head].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return `the server sent ${type ? `${type}` : 'something else'} (starting ${hex}), not WebAssembly (00 61 73 6d)`;
}

/**
 * After tfjs-backend-wasm failed to initialise in a page: fetches each binary where tfjs looked for it and, when one
 * is missing (a 404, or a bundler's index.html served in its place: tfjs's "expected magic word 00 61 73 6d"),
 * returns the one-line error that names the URL and the fix. `base` is the page's URL (relative paths resolve
 * against it); null when every binary loads, or outside a page.
 */
export async function wasmFetchProblem(
  paths: string | Readonly<Record<string, string>> | undefined,
  base: string | undefined,
): Promise<BackendError | null> {
  if (base === undefined || typeof fetch !== 'function') return null;
  for (const name of WASM_FILES) {
    const where = paths === undefined ? name : typeof paths === 'string' ? `${paths}${name}` : paths[name];
    if (where === undefined) continue;
    const url = new URL(where, base).href;
    const problem = await problemWith(url);
    if (problem !== null) {
      return new BackendError(
        'WASM_NOT_FOUND',
        `useBackend('wasm'): could not load ${name} from ${url}: ${problem}. In a Vite app add tfjsWasm() from '@estimatorjs/backends/vite' to the plugins of vite.config; elsewhere serve the .wasm files of @tensorflow/tfjs-backend-wasm/dist and pass useBackend('wasm', { wasmPaths: '<their URL>/' }).`,
      );
    }
  }
  return null;
}
