// The WASM_NOT_FOUND diagnosis against a real HTTP server: a bundler-like server that answers every unknown path
// with its index.html (tfjs then fails with "expected magic word 00 61 73 6d"), a 404, and one that serves the
// real binaries of the installed tfjs-backend-wasm.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wasmFetchProblem } from './wasm-fetch-check.js';
import { WASM_FILES } from './wasm-files.js';

const dist = join(
  dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm/package.json')),
  'dist',
);
let server: Server;
let origin: string;

beforeAll(async () => {
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    const name = path.slice('/served/'.length);
    if (path.startsWith('/served/') && (WASM_FILES as readonly string[]).includes(name)) {
      res.writeHead(200, { 'Content-Type': 'application/wasm' });
      res.end(readFileSync(join(dist, name)));
    } else if (path.startsWith('/missing/')) {
      res.writeHead(404, { 'Content-Type': 'text/plain' });
      res.end('not found');
    } else {
      res.writeHead(200, { 'Content-Type': 'text/html' }); // a single-page app's fallback
      res.end('<!doctype html><html><body>app</body></html>');
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

describe('wasmFetchProblem', () => {
  it('names the URL that served a page instead of WebAssembly, and the plugin', async () => {
    const e = await wasmFetchProblem(undefined, `${origin}/app/index.html`);
    expect(e?.code).toBe('WASM_NOT_FOUND');
    expect(e?.message).toBe(
      `useBackend('wasm'): could not load tfjs-backend-wasm.wasm from ${origin}/app/tfjs-backend-wasm.wasm: the server sent text/html (starting 3c 21 64 6f), not WebAssembly (00 61 73 6d). In a Vite app add tfjsWasm() from '@estimatorjs/backends/vite' to the plugins of vite.config; elsewhere serve the .wasm files of @tensorflow/tfjs-backend-wasm/dist and pass useBackend('wasm', { wasmPaths: '<their URL>/' }).`,
    );
    expect(e?.message).not.toContain('\n');
  });

  it('reports an HTTP error of a wasmPaths prefix or map entry, resolved against the page', async () => {
    const prefix = await wasmFetchProblem('/missing/', `${origin}/app/`);
    expect(prefix?.message).toContain(`from ${origin}/missing/tfjs-backend-wasm.wasm: HTTP 404.`);
    const map = await wasmFetchProblem({ 'tfjs-backend-wasm-simd.wasm': `${origin}/missing/simd.wasm` }, `${origin}/`);
    expect(map?.message).toContain(
      `could not load tfjs-backend-wasm-simd.wasm from ${origin}/missing/simd.wasm: HTTP 404.`,
    );
  });

  it('reports a server that cannot be reached', async () => {
    const e = await wasmFetchProblem('http://127.0.0.1:1/', `${origin}/`);
    expect(e?.message).toMatch(/from http:\/\/127\.0\.0\.1:1\/tfjs-backend-wasm\.wasm: the request failed \(/);
  });

  it('finds nothing wrong when every binary is WebAssembly, and does not look outside a page', async () => {
    expect(await wasmFetchProblem(`${origin}/served/`, `${origin}/`)).toBeNull();
    expect(await wasmFetchProblem('/missing/', undefined)).toBeNull();
  });
});
