/**
 * `@estimatorjs/backends/vite`: one line of Vite config so `useBackend('wasm')` works in a bundled page.
 * Owns: serving tfjs-backend-wasm's three `.wasm` binaries (dev server) and copying them into the build, telling
 * `useBackend('wasm')` their URL, the thread fix a minified build needs, and cross-origin isolation headers for
 * `vite` and `vite preview`. Does not own: picking the backend or its options (`useBackend`), the production
 * server's headers (send the same COOP/COEP there for threads).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Plugin } from 'vite';
import { checkOptionKeys, KNOWN_OPTIONS } from '../internal/known-options.js';
import { WASM_FILES, WASM_PATHS_GLOBAL } from '../internal/wasm-files.js';
import { threadedFactoryFix } from './threaded-factory-fix.js';

/** Options of {@link tfjsWasm}. */
export interface TfjsWasmOptions {
  /** The folder under the site's base URL the binaries are served from and copied to; default `'tfjs-wasm'`. */
  readonly dir?: string;
  /**
   * Send `Cross-Origin-Opener-Policy: same-origin` and `Cross-Origin-Embedder-Policy: require-corp` from `vite` and
   * `vite preview` (default true): the page is then cross-origin isolated, which tfjs needs to run wasm on threads.
   */
  readonly crossOriginIsolation?: boolean;
}

/** The headers that make a page cross-origin isolated (`SharedArrayBuffer`, so wasm threads). */
export const CROSS_ORIGIN_ISOLATION_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
});

/** `dist/` of the `@tensorflow/tfjs-backend-wasm` the app resolves (from its root), else the one beside this package. */
function findWasmDist(root: string): string | null {
  for (const from of [join(root, 'package.json'), import.meta.url]) {
    try {
      const dist = join(dirname(createRequire(from).resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
      if (WASM_FILES.every((f) => existsSync(join(dist, f)))) return dist;
    } catch {
      // not resolvable from there
    }
  }
  return null;
}

/**
 * The Vite plugin for the wasm backend: `plugins: [tfjsWasm()]` in `vite.config`, then `await useBackend('wasm')`
 * in the page needs no `wasmPaths`. It serves the binaries at `<base>tfjs-wasm/` in dev, copies them there in the
 * build, sets that URL for `useBackend('wasm')` (a small inline script in the page's `<head>`), keeps tfjs's
 * threaded binary working after minification, and sends COOP/COEP headers from `vite` and `vite preview`.
 *
 * @example
 * ```ts
 * // vite.config.ts
 * import { tfjsWasm } from '@estimatorjs/backends/vite';
 * export default { plugins: [tfjsWasm()] };
 * ```
 */
export function tfjsWasm(options: TfjsWasmOptions = {}): Plugin[] {
  checkOptionKeys('tfjsWasm()', options, KNOWN_OPTIONS.tfjsWasm);
  const dir = (options.dir ?? 'tfjs-wasm').replace(/^\/+|\/+$/g, '');
  let base = '/';
  let root = process.cwd();
  let dist: string | null = null;
  const requireDist = (fail: (message: string) => never, root: string): string => {
    dist ??= findWasmDist(root);
    if (dist === null) {
      fail(
        `tfjsWasm(): @tensorflow/tfjs-backend-wasm is not installed where ${root} can resolve it; install it (npm install @tensorflow/tfjs-backend-wasm).`,
      );
    }
    return dist;
  };
  const isolation = options.crossOriginIsolation !== false ? { headers: { ...CROSS_ORIGIN_ISOLATION_HEADERS } } : {};
  const main: Plugin = {
    name: 'estimatorjs:tfjs-wasm',
    config: () => ({ server: isolation, preview: isolation }),
    configResolved(config) {
      base = config.base.endsWith('/') ? config.base : `${config.base}/`;
      root = config.root;
    },
    configureServer(server) {
      const prefix = `${server.config.base.replace(/\/?$/, '/')}${dir}/`.replace(/^\.\//, '/');
      server.middlewares.use((req, res, next) => {
        const path = (req.url ?? '').split('?')[0]!;
        const name = path.startsWith(prefix) ? path.slice(prefix.length) : '';
        if (!(WASM_FILES as readonly string[]).includes(name)) return next();
        const from = requireDist((m) => {
          throw new Error(m);
        }, root);
        res.setHeader('Content-Type', 'application/wasm');
        res.setHeader('Cache-Control', 'no-cache');
        res.end(readFileSync(join(from, name)));
      });
    },
    generateBundle() {
      const from = requireDist((m) => this.error(m), root);
      for (const name of WASM_FILES) {
        this.emitFile({ type: 'asset', fileName: `${dir}/${name}`, source: readFileSync(join(from, name)) });
      }
    },
    transformIndexHtml: () => [
      {
        tag: 'script',
        // Resolved against the page, so a relative base ('./') works from any folder.
        children: `globalThis.${WASM_PATHS_GLOBAL}=new URL(${JSON.stringify(`${base}${dir}/`)},document.baseURI).href;`,
        injectTo: 'head-prepend',
      },
    ],
  };
  return [main, threadedFactoryFix()];
}
