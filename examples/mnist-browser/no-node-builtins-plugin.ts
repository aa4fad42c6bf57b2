/**
 * Vite plugin: fails the production build when the page's own code, the estimator-js packages or the shared MNIST
 * example import a Node built-in (`node:fs`, `path`, …). Node-only code belongs behind `./node` subpath exports; this
 * plugin is what checks it. Third-party packages are left to Vite (tfjs guards its Node paths itself).
 */
import { builtinModules } from 'node:module';
import type { Plugin } from 'vite';

const BUILTINS = new Set(builtinModules);
const OURS = /[\\/](packages[\\/][\w-]+|examples[\\/][\w-]+)[\\/](src|dist)[\\/]/;

function isBuiltin(source: string): boolean {
  return source.startsWith('node:') || BUILTINS.has(source) || BUILTINS.has(source.split('/')[0]!);
}

/** The plugin (build only). */
export function noNodeBuiltins(): Plugin {
  return {
    name: 'no-node-builtins',
    apply: 'build',
    enforce: 'pre',
    resolveId(source, importer) {
      if (!importer || !isBuiltin(source)) return null;
      const path = importer.replace(/\\/g, '/');
      if (OURS.test(path) && !path.includes('/node_modules/')) {
        this.error(
          `no-node-builtins: ${path} imports the Node built-in '${source}', which cannot run in a browser; move that code behind the package's './node' subpath export.`,
        );
      }
      return null;
    },
  };
}
