/**
 * Builds the conformance page (page/, its own vite.config.ts) with Vite's JavaScript API and serves the build with
 * Vite's preview server on 127.0.0.1 (COOP/COEP headers from the config).
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, preview } from 'vite';

/** The page's folder (index.html, main.ts, vite.config.ts). */
export const PAGE_DIR = fileURLToPath(new URL('./page/', import.meta.url));

/** A served build of the page. */
export interface ConformanceServer {
  /** `http://127.0.0.1:<port>/`. */
  readonly url: string;
  close(): Promise<void>;
}

/** `vite build` of the page into `outDir`; Vite's own error propagates when it fails. */
export async function buildConformancePage(outDir: string): Promise<void> {
  await build({ configFile: join(PAGE_DIR, 'vite.config.ts'), build: { outDir } });
}

/** Serves `outDir` with `vite preview` on 127.0.0.1 and a free port. */
export async function serveConformancePage(outDir: string): Promise<ConformanceServer> {
  const server = await preview({
    configFile: join(PAGE_DIR, 'vite.config.ts'),
    build: { outDir },
    preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false },
  });
  const address = server.httpServer.address();
  if (address === null || typeof address === 'string') {
    await server.close();
    throw new Error(`vite preview of the conformance page gave no TCP address (got ${String(address)})`);
  }
  return { url: `http://127.0.0.1:${address.port}/`, close: () => server.close() };
}
